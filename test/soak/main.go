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
// gateway's RSS (/proc/PID/status) and goroutines and heap (/metrics, just
// after a GC forced through the debug listener) are sampled before, every
// 5s during, and after. It exits 1 unless there were no errors, memory and
// goroutines stayed flat, and both came back to their baseline.
//
// Where taskset works the gateway runs alone on CPU 1 with GOMAXPROCS=1
// and this program (load generator and emulator) on CPU 0, as in
// test/bench: otherwise the generator steals the gateway's CPU and the
// closed-loop maximum is not a rate an open-loop load can hold.
// Not part of CI: it takes about four minutes and wants an idle machine.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type options struct {
	duration, probe, cooldown time.Duration
	load                      float64
	conns                     int
	storeKind, out            string
	pin                       bool
}

// pinnedEnv marks a soak already running under taskset.
const pinnedEnv = "ESIGNGW_SOAK_PINNED"

func main() {
	var o options
	flag.DurationVar(&o.duration, "d", 60*time.Second, "duration of the open-loop soak")
	flag.DurationVar(&o.probe, "probe", 10*time.Second, "duration of the closed-loop probe for the maximum")
	flag.DurationVar(&o.cooldown, "cooldown", 15*time.Second, "idle time after the soak before the final sample")
	flag.BoolVar(&o.pin, "pin", true, "pin the gateway to CPU 1 and the load to CPU 0 (taskset)")
	flag.Float64Var(&o.load, "load", 0.8, "share of the measured maximum to hold")
	flag.IntVar(&o.conns, "c", 32, "connections of the closed-loop probe, and most requests in flight in the soak")
	flag.StringVar(&o.storeKind, "store", "embedded", "gateway store: embedded or redis")
	flag.StringVar(&o.out, "out", "", "write the report as JSON to this file")
	flag.Parse()
	switch {
	case os.Getenv(pinnedEnv) != "":
		// Already on CPU 0 (where NumCPU now says 1): the gateway gets CPU 1.
	case o.pin && canPin():
		os.Exit(rerunPinned())
	default:
		o.pin = false
	}
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

// canPin reports whether there are two CPUs and taskset can use them.
func canPin() bool {
	return runtime.NumCPU() >= 2 && exec.Command("taskset", "-c", "1", "true").Run() == nil
}

// rerunPinned runs this program again on CPU 0 and returns its exit code.
func rerunPinned() int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 1
	}
	cmd := exec.Command("taskset", append([]string{"-c", "0", self}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), pinnedEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "soak:", err)
		return 1
	}
	return 0
}

func run(o options) (*report, error) {
	env, err := startEnv(o.storeKind, o.pin)
	if err != nil {
		return nil, err
	}
	defer env.close()
	targets, err := env.targets()
	if err != nil {
		return nil, err
	}
	tr := vegeta.NewStaticTargeter(targets...)
	rep := &report{Store: o.storeKind, Load: o.load, Duration: o.duration.String(), Pinned: o.pin}

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
	m := attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, o.duration, -o.conns)
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
// (that many workers as fast as they go); conns < 0 is open-loop at p with
// at most -conns requests in flight (wrk2's model: a fixed set of
// connections sending at a constant rate; unbounded, vegeta would start a
// worker and a connection for every late request, and on one core the
// generator then collapses before the gateway does); 0 is open-loop
// unbounded. Connections are closed afterwards, so the gateway's
// per-connection goroutines do not count against the baseline.
func attack(tr vegeta.Targeter, p vegeta.Pacer, d time.Duration, conns int) *vegeta.Metrics {
	t := &http.Transport{MaxIdleConnsPerHost: 1024, MaxConnsPerHost: 1024, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}
	opts := []func(*vegeta.Attacker){vegeta.Client(&http.Client{Transport: t, Timeout: 5 * time.Second})}
	if conns != 0 {
		n := max(conns, -conns)
		t.MaxIdleConnsPerHost, t.MaxConnsPerHost = n, n
		opts = append(opts, vegeta.Workers(uint64(n)), vegeta.MaxWorkers(uint64(n)))
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
