package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// probes reads the counters a measurement is judged by, before and after:
// CPU time of every process involved, Redis commands and reads (INFO), and
// the gateway's heap allocations (its debug listener's /debug/vars).
type probes struct {
	redis *redis.Client  // nil: no Redis counters
	pids  map[string]int // process role -> pid
	debug string         // gateway debug URL; "" for the proxy and direct
	http  *http.Client
	sut   string // the role whose CPU per request is reported
}

type snapshot struct {
	at      time.Time
	cpu     map[string]time.Duration
	busy    map[string]time.Duration // per CPU ("cpu0", "cpu1"): non-idle time
	cmds    int64                    // Redis commands, INFO itself excluded
	reads   int64                    // Redis read events: one per request or pipeline a client sends
	mallocs uint64
}

func (p probes) take() snapshot {
	s := snapshot{at: time.Now(), cpu: map[string]time.Duration{}, busy: cpuBusy()}
	for role, pid := range p.pids {
		s.cpu[role] = cpuTime(pid)
	}
	if p.redis != nil {
		s.cmds, s.reads = redisCounters(p.redis)
	}
	if p.debug != "" {
		s.mallocs = mallocs(p.http, p.debug)
	}
	return s
}

// redisCounters sums the calls of every command but INFO and reads the
// number of read events, in one INFO call.
func redisCounters(c *redis.Client) (cmds, reads int64) {
	info, err := c.Info(context.Background(), "stats", "commandstats").Result()
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "total_reads_processed:"):
			reads, _ = strconv.ParseInt(strings.TrimPrefix(line, "total_reads_processed:"), 10, 64)
		case strings.HasPrefix(line, "cmdstat_") && !strings.HasPrefix(line, "cmdstat_info:"):
			_, rest, _ := strings.Cut(line, "calls=")
			n, _ := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
			cmds += n
		}
	}
	return cmds, reads
}

func mallocs(c *http.Client, debugURL string) uint64 {
	res, err := c.Get(debugURL + "/debug/vars")
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	var v struct {
		Memstats struct {
			Mallocs uint64
		} `json:"memstats"`
	}
	_ = json.NewDecoder(res.Body).Decode(&v)
	return v.Memstats.Mallocs
}

// delta turns two snapshots around n requests into per-request figures.
type delta struct {
	cpuPct        map[string]float64 // % of one CPU per process
	sutCPUPerReq  time.Duration
	redisCmdsReq  float64
	redisReadsReq float64
	allocsReq     float64
}

func diff(a, b snapshot, n int, sut string) delta {
	d := delta{cpuPct: map[string]float64{}}
	wall := b.at.Sub(a.at)
	for role, t := range b.cpu {
		d.cpuPct[role] = 100 * float64(t-a.cpu[role]) / float64(wall)
	}
	// "other" is CPU time no process of the run used (other work on the
	// machine, kernel threads): a measurement with much of it is noisy.
	var ours, all float64
	for role, t := range b.cpu {
		ours += float64(t - a.cpu[role])
	}
	for cpu, t := range b.busy {
		d.cpuPct[cpu] = 100 * float64(t-a.busy[cpu]) / float64(wall)
		all += float64(t - a.busy[cpu])
	}
	d.cpuPct["other"] = max(0, 100*(all-ours)/float64(wall))
	if n <= 0 {
		return d
	}
	d.sutCPUPerReq = (b.cpu[sut] - a.cpu[sut]) / time.Duration(n)
	// The second snapshot's own INFO is one read event.
	d.redisCmdsReq = float64(b.cmds-a.cmds) / float64(n)
	d.redisReadsReq = float64(max(0, b.reads-a.reads-1)) / float64(n)
	if b.mallocs > 0 {
		d.allocsReq = float64(b.mallocs-a.mallocs) / float64(n)
	}
	return d
}

// saveProfile fetches a CPU profile of the gateway over d into path.
func saveProfile(c *http.Client, debugURL string, d time.Duration, path string) error {
	cl := *c
	cl.Timeout = d + 10*time.Second
	res, err := cl.Get(debugURL + "/debug/pprof/profile?seconds=" + strconv.Itoa(max(1, int(d.Seconds()))))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.ReadFrom(res.Body)
	return err
}

// cpuBusy is the non-idle time of each CPU so far (/proc/stat: all but
// idle and iowait), to see whether a CPU, not a process, is the limit.
func cpuBusy() map[string]time.Duration {
	out := map[string]time.Duration{}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		var busy int64
		for i, v := range f[1:] {
			if i == 3 || i == 4 { // idle, iowait
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			busy += n
		}
		out[f[0]] = time.Duration(busy) * clockTick
	}
	return out
}
