package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
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
	// MaxOther is how much CPU (% of one) other work may take during a
	// measurement before it is taken again, up to Attempts times.
	MaxOther float64
	Attempts int
}

func defaultOptions() Options {
	return Options{Reps: 3, Conns: 64, Duration: 10 * time.Second, SlowDuration: 4 * time.Second,
		Warmup: time.Second, Latencies: []time.Duration{0, 20 * time.Millisecond}, KeepAlive: 1000,
		Specs:     []gwSpec{{"redis", 0}, {"redis", 2 * time.Second}, {"embedded", 0}, {"embedded", 2 * time.Second}},
		InProcess: true, MaxOther: 25, Attempts: 3}
}

// quick is -quick: one repetition of short measurements, for CI.
func (o *Options) quick() {
	o.Reps, o.Duration, o.SlowDuration, o.Warmup, o.InProcess, o.Attempts = 1, time.Second, time.Second, 200*time.Millisecond, false, 1
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
		// The keep-alive check comes first, on a gateway that has seen no
		// load yet: its peak is what 1,000 connections cost, not what an
		// overloaded open loop left behind.
		kaRSS, kaErr := gw.keepAliveRSS(h.opts.KeepAlive, h.opts.Conns)
		hdr := http.Header{"X-Acs-Dingtalk-Access-Token": {gw.Token}}
		row := m.closed(spec.name(), getTarget(gw.URL+gw.detailPath(), hdr), gw.proc, gw)
		m.open(&row, rate)
		if rss, err := peakRSS(gw.pid()); err == nil {
			row.PeakRSSMiB = mib(rss)
		}
		if kaErr != nil {
			row.FirstError += "; keep-alive check: " + kaErr.Error()
		} else {
			row.KeepAliveRSSMiB = mib(kaRSS)
		}
		gw.stop()
		rows = append(rows, row)
	}
	return rows, nil
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }
func (o Options) describe() string {
	return fmt.Sprintf("reps=%d c=%d d=%v slow-d=%v warmup=%v latencies=%v keepalive=%d max-other=%.0f%% quick=%v", o.Reps, o.Conns, o.Duration, o.SlowDuration, o.Warmup, o.Latencies, o.KeepAlive, o.MaxOther, o.Quick)
}
