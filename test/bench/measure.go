package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// measurer runs the measurements of one latency.
type measurer struct {
	h   *harness
	d   time.Duration
	lat time.Duration
	rep int
	up  *proc
	// per target name, set up by closed and reused by open
	cl  map[string]*http.Client
	tgt map[string]vegeta.Targeter
	pr  map[string]probes
}

// target names what to load and what to watch.
func (m *measurer) target(name string, tr vegeta.Targeter, sut *proc, gw *gateway) probes {
	if m.cl == nil {
		m.cl, m.tgt, m.pr = map[string]*http.Client{}, map[string]vegeta.Targeter{}, map[string]probes{}
	}
	p := probes{pids: map[string]int{"loadgen": os.Getpid(), "upstream": m.up.pid(), "redis": m.h.redis.pid()},
		http: http.DefaultClient, sut: "upstream"}
	if sut != nil {
		p.sut = "sut"
		p.pids[p.sut] = sut.pid()
	}
	if gw != nil {
		p.debug = gw.DebugURL
		if gw.spec.Store == "redis" {
			p.redis = m.h.rc
		}
	}
	m.cl[name], m.tgt[name], m.pr[name] = newClient(m.h.opts.Conns), tr, p
	return p
}

// closed warms up, then measures maximum throughput with a closed loop and
// what it cost each process. sut is the process under test (nil: direct).
// A measurement during which other work took more than MaxOther of a CPU
// is taken again, up to Attempts times; the quietest one is kept.
func (m *measurer) closed(name string, tr vegeta.Targeter, sut *proc, gw *gateway) Row {
	p := m.target(name, tr, sut, gw)
	closedLoop(m.cl[name], tr, m.h.opts.Conns, m.h.opts.Warmup)
	var best Row
	for attempt := 1; attempt <= max(1, m.h.opts.Attempts); attempt++ {
		row := m.closedOnce(name, p, gw)
		row.Attempts = attempt
		fmt.Fprintf(m.h.log, "  %-26s closed: %8.0f rps  errors %d  cpu/req %6.1fµs  other CPU %3.0f%%\n",
			name, row.RPS, row.Errors, row.CPUPerReqUs, row.CPUPct["other"])
		if attempt == 1 || row.CPUPct["other"] < best.CPUPct["other"] {
			best = row
		}
		if row.CPUPct["other"] <= m.h.opts.MaxOther {
			break
		}
	}
	if sut != nil {
		if rss, err := peakRSS(sut.pid()); err == nil {
			best.PeakRSSMiB = mib(rss)
		}
	}
	return best
}

func (m *measurer) closedOnce(name string, p probes, gw *gateway) Row {
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
	r := closedLoop(m.cl[name], m.tgt[name], m.h.opts.Conns, m.d)
	after := p.take()
	<-profDone
	dl := diff(before, after, r.Requests-r.Errors, p.sut)
	row := Row{Rep: m.rep, Latency: m.lat.String(), Target: name, RPS: r.RPS(), Errors: r.Errors, FirstError: r.FirstError,
		CPUPerReqUs: us(dl.sutCPUPerReq), CPUPct: dl.cpuPct}
	if gw != nil {
		row.Allocs = dl.allocsReq
		if p.redis != nil {
			row.RedisCmds, row.RedisReads = dl.redisCmdsReq, dl.redisReadsReq
		}
	}
	return row
}

// open measures latency at a fixed rate on the client closed set up, again
// while other work takes more than MaxOther of a CPU.
func (m *measurer) open(row *Row, rate float64) {
	p := m.pr[row.Target]
	var best loadResult
	bestOther := 0.0
	for attempt := 1; attempt <= max(1, m.h.opts.Attempts); attempt++ {
		before := p.take()
		r := openLoop(m.cl[row.Target], m.tgt[row.Target], rate, m.d)
		other := diff(before, p.take(), 0, p.sut).cpuPct["other"]
		fmt.Fprintf(m.h.log, "  %-26s open at %.0f/s: p50 %.3fms p99 %.3fms p99.9 %.3fms errors %d  other CPU %3.0f%%\n",
			row.Target, rate, ms(r.P50), ms(r.P99), ms(r.P999), r.Errors, other)
		if attempt == 1 || other < bestOther {
			best, bestOther = r, other
		}
		if other <= m.h.opts.MaxOther {
			break
		}
	}
	row.OpenRate, row.P50, row.P99, row.P999 = rate, ms(best.P50), ms(best.P99), ms(best.P999)
	row.Errors += best.Errors
	if row.FirstError == "" {
		row.FirstError = best.FirstError
	}
}
