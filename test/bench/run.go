package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Options configures a run.
type Options struct {
	Quick        bool
	Out          string
	ProfileDir   string
	Reps         int
	Conns        int             // closed-loop connections
	Duration     time.Duration   // each measurement with a 0 ms upstream
	SlowDuration time.Duration   // each measurement with a slow upstream
	Warmup       time.Duration   // unrecorded load before each closed loop
	Latencies    []time.Duration // upstream latencies
	KeepAlive    int             // idle keep-alive connections for the RSS check
	Specs        []gwSpec
	InProcess    bool // also run the Go benchmarks in-process (testing.Benchmark)
}

func defaultOptions() Options {
	return Options{Reps: 3, Conns: 64, Duration: 10 * time.Second, SlowDuration: 5 * time.Second,
		Warmup: time.Second, Latencies: []time.Duration{0, 20 * time.Millisecond}, KeepAlive: 1000,
		Specs:     []gwSpec{{"redis", 0}, {"redis", 2 * time.Second}, {"embedded", 0}, {"embedded", 2 * time.Second}},
		InProcess: true}
}

// quick is -quick: one repetition of short measurements, for CI.
func (o *Options) quick() {
	o.Reps, o.Duration, o.SlowDuration, o.Warmup, o.InProcess = 1, time.Second, time.Second, 200*time.Millisecond, false
}

// harness holds what lives for the whole run.
type harness struct {
	opts      Options
	dir, bin  string
	redis     *proc
	redisAddr string
	rc        *redis.Client
	log       io.Writer
	gwCount   int
}

// run builds the gateway, starts Redis, measures every latency Reps times
// and returns every row and their medians.
func run(ctx context.Context, opts Options, log io.Writer) (*Results, error) {
	dir, err := os.MkdirTemp("", "esign-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	h := &harness{opts: opts, dir: dir, log: log}
	fmt.Fprintf(log, "building the gateway; pinned: %v (load, upstream, redis on CPU %s; proxy or gateway on CPU %s)\n", canPin(), cpuLoad, cpuSUT)
	if h.bin, err = buildGateway(dir); err != nil {
		return nil, err
	}
	if h.redis, h.redisAddr, err = startRedis(dir); err != nil {
		return nil, err
	}
	defer h.redis.stop()
	h.rc = redis.NewClient(&redis.Options{Addr: h.redisAddr})
	defer h.rc.Close()
	res := &Results{Started: time.Now().UTC().Format(time.RFC3339), Options: opts.describe(), Pinned: canPin()}
	for rep := 1; rep <= opts.Reps; rep++ {
		for _, lat := range opts.Latencies {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			rows, err := h.runLatency(rep, lat)
			if err != nil {
				return nil, err
			}
			res.Runs = append(res.Runs, rows...)
		}
	}
	res.Medians = medians(res.Runs)
	if opts.InProcess {
		fmt.Fprintln(log, "in-process Go benchmarks")
		res.InProcess = inProcess()
	}
	res.Targets = checkTargets(res)
	printReport(log, res)
	return res, nil
}

// runLatency measures, back to back: the upstream directly, the bare proxy,
// then each gateway configuration.
func (h *harness) runLatency(rep int, lat time.Duration) ([]Row, error) {
	d := h.opts.Duration
	if lat > 0 {
		d = h.opts.SlowDuration
	}
	fmt.Fprintf(h.log, "rep %d, upstream latency %v: %v per measurement\n", rep, lat, d)
	up, err := startRole("upstream", cpuLoad, "ESIGNGW_BENCH_LATENCY="+lat.String())
	if err != nil {
		return nil, err
	}
	defer up.stop()
	px, err := startRole("proxy", cpuSUT, "ESIGNGW_BENCH_UPSTREAM="+up.URL)
	if err != nil {
		return nil, err
	}
	defer px.stop()
	m := &measurer{h: h, d: d, lat: lat, rep: rep, up: up}
	var rows []Row
	var rate float64
	for i, spec := range h.opts.Specs {
		h.gwCount++
		gw, err := startGateway(h.bin, h.dir, h.redisAddr, up.URL, spec, h.gwCount)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			// The first gateway's flow (on Redis) is the one the direct
			// and proxy loads read.
			if gw.FlowID == "" {
				gw.stop()
				return nil, fmt.Errorf("the first gateway configuration must use the redis store")
			}
			path := "/v1/signflows/" + gw.FlowID
			direct := m.closed("direct", signedTarget(up.URL, path), nil, nil)
			proxy := m.closed("proxy", getTarget(px.URL+path, nil), px, nil)
			rate = proxy.RPS / 2
			m.open(&proxy, rate)
			rows = append(rows, direct, proxy)
		}
		hdr := http.Header{"X-Acs-Dingtalk-Access-Token": {gw.Token}}
		row := m.closed(spec.name(), getTarget(gw.URL+gw.detailPath(), hdr), gw.proc, gw)
		m.open(&row, rate)
		if rss, err := gw.keepAliveRSS(h.opts.KeepAlive); err != nil {
			row.FirstError += "; keep-alive check: " + err.Error()
		} else {
			row.KeepAliveRSSMiB = mib(rss)
		}
		gw.stop()
		rows = append(rows, row)
	}
	return rows, nil
}

// measurer runs the measurements of one latency.
type measurer struct {
	h   *harness
	d   time.Duration
	lat time.Duration
	rep int
	up  *proc
	cl  map[string]*http.Client
	tgt map[string]vegeta.Targeter
}

// closed warms up, then measures maximum throughput with a closed loop and
// what it cost each process. sut is the process under test (nil: direct).
func (m *measurer) closed(name string, tr vegeta.Targeter, sut *proc, gw *gateway) Row {
	if m.cl == nil {
		m.cl, m.tgt = map[string]*http.Client{}, map[string]vegeta.Targeter{}
	}
	c := newClient(m.h.opts.Conns)
	m.cl[name], m.tgt[name] = c, tr
	closedLoop(c, tr, m.h.opts.Conns, m.h.opts.Warmup)
	p := probes{pids: map[string]int{"loadgen": os.Getpid(), "upstream": m.up.pid(), "redis": m.h.redis.pid()}, http: http.DefaultClient}
	sutRole := "upstream"
	if sut != nil {
		sutRole = "sut"
		p.pids[sutRole] = sut.pid()
	}
	if gw != nil {
		p.debug = gw.DebugURL
		if gw.spec.Store == "redis" {
			p.redis = m.h.rc
		}
	}
	profDone := make(chan struct{})
	go func() {
		defer close(profDone)
		if gw != nil && m.h.opts.ProfileDir != "" {
			f := fmt.Sprintf("%s-%v-rep%d.pprof", strings.ReplaceAll(name, " ", "-"), m.lat, m.rep)
			if err := saveProfile(http.DefaultClient, gw.DebugURL, m.d-time.Second, filepath.Join(m.h.opts.ProfileDir, f)); err != nil {
				fmt.Fprintln(m.h.log, "profile:", err)
			}
		}
	}()
	before := p.take()
	r := closedLoop(c, tr, m.h.opts.Conns, m.d)
	after := p.take()
	<-profDone
	dl := diff(before, after, r.Requests-r.Errors, sutRole)
	row := Row{Rep: m.rep, Latency: m.lat.String(), Target: name, RPS: r.RPS(), Errors: r.Errors, FirstError: r.FirstError,
		CPUPerReqUs: us(dl.sutCPUPerReq), CPUPct: dl.cpuPct}
	if sut != nil {
		if rss, err := peakRSS(sut.pid()); err == nil {
			row.PeakRSSMiB = mib(rss)
		}
	}
	if gw != nil {
		row.Allocs = dl.allocsReq
		if p.redis != nil {
			row.RedisCmds, row.RedisReads = dl.redisCmdsReq, dl.redisReadsReq
		}
	}
	fmt.Fprintf(m.h.log, "  %-26s closed: %8.0f rps  errors %d  cpu/req %6.1fµs  other CPU %3.0f%%\n", name, row.RPS, row.Errors, row.CPUPerReqUs, row.CPUPct["other"])
	return row
}

// open measures latency at a fixed rate on the client closed set up.
func (m *measurer) open(row *Row, rate float64) {
	r := openLoop(m.cl[row.Target], m.tgt[row.Target], rate, m.d)
	row.OpenRate, row.P50, row.P99, row.P999 = rate, ms(r.P50), ms(r.P99), ms(r.P999)
	row.Errors += r.Errors
	if row.FirstError == "" {
		row.FirstError = r.FirstError
	}
	fmt.Fprintf(m.h.log, "  %-26s open at %.0f/s: p50 %.3fms p99 %.3fms p99.9 %.3fms errors %d\n", row.Target, rate, row.P50, row.P99, row.P999, r.Errors)
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }
func (o Options) describe() string {
	return fmt.Sprintf("reps=%d c=%d d=%v slow-d=%v warmup=%v latencies=%v keepalive=%d quick=%v", o.Reps, o.Conns, o.Duration, o.SlowDuration, o.Warmup, o.Latencies, o.KeepAlive, o.Quick)
}
