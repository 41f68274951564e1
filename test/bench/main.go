// Command bench measures the gateway against a tuned bare reverse proxy and
// the upstream itself, in one run on one machine, and reports ratios
// (anchors.md §3):
//
//	go run ./test/bench [-quick] [-out results.json] [-profile DIR]
//
// It starts, on loopback: the e签宝 emulator with a fixed latency (0 ms and
// 20 ms runs), a bare httputil.ReverseProxy in front of it that signs each
// request like the gateway, redis-server, and the gateway binary in serve
// mode (read caches off and cache.ttl 2s, on Redis and on the embedded store). For each,
// closed-loop load (vegeta, fixed connections) finds the maximum
// throughput, then open-loop load at half the proxy's maximum gives latency
// percentiles. The thing under test (proxy or gateway, GOMAXPROCS=1) runs on
// CPU 1; the load generator, the emulator and Redis share CPU 0 (taskset,
// when it works). Every measurement is repeated and medians are reported.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// roleEnv makes the harness binary run as one of its child processes.
const roleEnv = "ESIGNGW_BENCH_ROLE"

// pinnedEnv marks a harness that already runs under taskset.
const pinnedEnv = "ESIGNGW_BENCH_PINNED"

func main() {
	switch os.Getenv(roleEnv) {
	case "upstream":
		exitOn(runUpstream())
		return
	case "proxy":
		exitOn(runProxy())
		return
	}
	opts := defaultOptions()
	flag.BoolVar(&opts.Quick, "quick", false, "one repetition of short measurements (CI smoke)")
	flag.StringVar(&opts.Out, "out", "", "write the results as JSON to this file")
	flag.StringVar(&opts.ProfileDir, "profile", "", "save a CPU profile of each gateway under closed-loop load in this directory")
	flag.IntVar(&opts.Reps, "reps", opts.Reps, "repetitions (medians are reported)")
	flag.IntVar(&opts.Conns, "c", opts.Conns, "connections of the closed-loop load")
	flag.DurationVar(&opts.Duration, "d", opts.Duration, "duration of each measurement at 0 ms upstream latency")
	flag.DurationVar(&opts.SlowDuration, "slow-d", opts.SlowDuration, "duration of each measurement when the upstream has latency")
	flag.Float64Var(&opts.MaxOther, "max-other", opts.MaxOther, "take a measurement again (up to -attempts times) while other work uses more than this % of a CPU")
	flag.IntVar(&opts.Attempts, "attempts", opts.Attempts, "most times one measurement is taken (see -max-other)")
	latencies := flag.String("latencies", "0ms,20ms", "upstream latencies to run, comma-separated")
	flag.Parse()
	var err error
	if opts.Latencies, err = parseDurations(*latencies); err != nil {
		exitOn(err)
	}
	if opts.Quick {
		opts.quick()
	}
	repinSelf()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, opts, os.Stdout)
	if err == nil && opts.Out != "" {
		err = writeJSON(opts.Out, res)
	}
	exitOn(err)
}

// repinSelf re-executes the harness (the load generator) on CPU 0 with
// GOMAXPROCS=1 when taskset works, so that it never competes with the
// process under test on CPU 1.
func repinSelf() {
	if os.Getenv(pinnedEnv) != "" || !canPin() {
		return
	}
	self, err := os.Executable()
	if err != nil {
		return
	}
	cmd := command(cpuLoad, []string{pinnedEnv + "=1"}, self, os.Args[1:]...)
	path, err := exec.LookPath(cmd.Args[0])
	if err != nil {
		return
	}
	exitOn(syscall.Exec(path, cmd.Args, cmd.Env))
}

func parseDurations(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("-latencies: %w", err)
		}
		out = append(out, d)
	}
	return out, nil
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
