// Command soak holds the gateway at 80% of its measured maximum for a
// minute and checks that nothing degrades (issue 7, "Load"):
//
//	go run ./test/soak [-d 60s] [-probe 10s] [-store embedded|redis] [-c 32] [-out soak.json]
//
// It builds the gateway, starts the e签宝 emulator in this process on a
// loopback listener (and redis-server for -store redis), runs the gateway
// binary in serve mode configured through ESIGNGW_* variables, and drives a
// mix of read actions (GetFlowDetail v1 and v2, GetSignDetail,
// GetContractMargin) with vegeta: a closed-loop probe finds the maximum
// throughput, then open-loop load at -load (80%) of it runs for -d. The
// gateway's RSS (/proc/PID/status) and goroutines and heap (/metrics) are
// sampled before, during and after. It exits 1 unless there were no errors,
// memory and goroutines stayed flat, and both came back to their baseline.
// Not part of CI: it takes a few minutes and wants an idle machine.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type options struct {
	duration, probe, cooldown time.Duration
	load                      float64
	conns                     int
	storeKind, out            string
}

func main() {
	var o options
	flag.DurationVar(&o.duration, "d", 60*time.Second, "duration of the open-loop soak")
	flag.DurationVar(&o.probe, "probe", 10*time.Second, "duration of the closed-loop probe for the maximum")
	flag.DurationVar(&o.cooldown, "cooldown", 15*time.Second, "idle time after the soak before the final sample")
	flag.Float64Var(&o.load, "load", 0.8, "share of the measured maximum to hold")
	flag.IntVar(&o.conns, "c", 32, "connections of the closed-loop probe")
	flag.StringVar(&o.storeKind, "store", "embedded", "gateway store: embedded or redis")
	flag.StringVar(&o.out, "out", "", "write the report as JSON to this file")
	flag.Parse()
	rep, err := run(o)
	if rep != nil {
		rep.print(os.Stdout)
		if o.out != "" {
			raw, _ := json.MarshalIndent(rep, "", "  ")
			if werr := os.WriteFile(o.out, raw, 0o644); werr != nil && err == nil {
				err = werr
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(o options) (*report, error) {
	env, err := startEnv(o.storeKind)
	if err != nil {
		return nil, err
	}
	defer env.close()
	targets, err := env.targets()
	if err != nil {
		return nil, err
	}
	tr := vegeta.NewStaticTargeter(targets...)
	rep := &report{Store: o.storeKind, Load: o.load, Duration: o.duration.String()}

	// Warm up (connections, caches, the allocator), then take the baseline.
	attack(tr, vegeta.Rate{Freq: 200, Per: time.Second}, 3*time.Second, 0)
	rep.Baseline = env.sample("baseline")

	probe := attack(tr, vegeta.Rate{Freq: 0}, o.probe, o.conns)
	rep.MaxRPS = probe.Throughput
	rep.ProbeErrors = probe.Requests - uint64(probe.Success*float64(probe.Requests)+0.5)
	rate := int(rep.MaxRPS * o.load)
	if rate < 1 {
		return rep, fmt.Errorf("probe found no throughput: %+v", probe)
	}
	rep.Rate = rate

	stop := make(chan struct{})
	samples := make(chan []sample, 1)
	go func() { samples <- env.sampleEvery(5*time.Second, stop) }()
	m := attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, o.duration, 0)
	close(stop)
	rep.During = <-samples
	rep.Requests, rep.Throughput = m.Requests, m.Throughput
	rep.Errors = m.Requests - uint64(m.Success*float64(m.Requests)+0.5)
	rep.StatusCodes, rep.ErrorTexts = m.StatusCodes, m.Errors
	rep.P50, rep.P99, rep.P999, rep.Max = m.Latencies.P50, m.Latencies.P99, m.Latencies.Quantile(0.999), m.Latencies.Max

	env.idle(o.cooldown)
	rep.After = env.sample("after")
	rep.judge()
	if len(rep.Failures) > 0 {
		return rep, fmt.Errorf("%d checks failed", len(rep.Failures))
	}
	return rep, nil
}

// attack runs load and returns its metrics. conns > 0 makes it closed-loop
// (that many workers as fast as they go); otherwise it is open-loop at p.
// Its connections are closed afterwards, so the gateway's per-connection
// goroutines do not count against the baseline.
func attack(tr vegeta.Targeter, p vegeta.Pacer, d time.Duration, conns int) *vegeta.Metrics {
	t := &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 1024, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	opts := []func(*vegeta.Attacker){vegeta.Client(&http.Client{Transport: t, Timeout: 5 * time.Second})}
	if conns > 0 {
		t.MaxIdleConnsPerHost, t.MaxConnsPerHost = conns, conns
		opts = append(opts, vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)))
	}
	defer t.CloseIdleConnections()
	a := vegeta.NewAttacker(opts...)
	var m vegeta.Metrics
	for res := range a.Attack(tr, p, d, "soak") {
		m.Add(res)
	}
	m.Close()
	return &m
}
