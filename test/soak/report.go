package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// sample is the gateway's state at one moment. Goroutines and HeapInuse
// come from /metrics (the Go collector); -1 if the endpoint lacks them.
type sample struct {
	Label      string  `json:"label"`
	RSSMiB     float64 `json:"rssMiB"`
	Goroutines float64 `json:"goroutines"`
	HeapMiB    float64 `json:"heapInuseMiB"`
}

func (e *environment) sample(label string) sample {
	s := sample{Label: label, RSSMiB: -1, Goroutines: -1, HeapMiB: -1}
	// A heap profile with gc=1 runs a GC first: heap in use is then what
	// is live, not whatever garbage the last cycle left. Twice, because
	// sync.Pool contents survive one GC in the victim cache.
	for range 2 {
		if res, err := http.Get("http://" + e.debug + "/debug/pprof/heap?gc=1"); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.gw.Process.Pid)); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				s.RSSMiB = kb / 1024
			}
		}
	}
	res, err := http.Get(e.base + "/metrics")
	if err != nil {
		return s
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(io.LimitReader(res.Body, 8<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		switch {
		case err != nil:
		case name == "go_goroutines":
			s.Goroutines = v
		case name == "go_memstats_heap_inuse_bytes":
			s.HeapMiB = v / (1 << 20)
		}
	}
	return s
}

// sampleEvery samples every d until stop closes.
func (e *environment) sampleEvery(d time.Duration, stop <-chan struct{}) []sample {
	t := time.NewTicker(d)
	defer t.Stop()
	var out []sample
	for i := 1; ; i++ {
		select {
		case <-stop:
			return out
		case <-t.C:
			out = append(out, e.sample(fmt.Sprintf("t+%v", time.Duration(i)*d)))
		}
	}
}

func (e *environment) idle(d time.Duration) { time.Sleep(d) }

// report is the soak's outcome.
type report struct {
	Store       string         `json:"store"`
	Pinned      bool           `json:"pinned"`
	Load        float64        `json:"load"`
	Duration    string         `json:"duration"`
	MaxRPS      float64        `json:"maxRps"`
	ProbeErrors uint64         `json:"probeErrors"`
	Rate        int            `json:"rate"`
	Requests    uint64         `json:"requests"`
	Throughput  float64        `json:"throughput"`
	Errors      uint64         `json:"errors"`
	StatusCodes map[string]int `json:"statusCodes"`
	ErrorTexts  []string       `json:"errorTexts,omitempty"`
	P50         time.Duration  `json:"p50"`
	P99         time.Duration  `json:"p99"`
	P999        time.Duration  `json:"p999"`
	Max         time.Duration  `json:"max"`
	Baseline    sample         `json:"baseline"`
	During      []sample       `json:"during"`
	After       sample         `json:"after"`
	Failures    []string       `json:"failures,omitempty"`
}

// judge checks the soak's criteria. Flat: the largest value in the last
// half of the soak is within 25% (plus a little slack) of the largest in
// the first half. Back to baseline: goroutines within 5 and live heap
// within 50% + 2 MiB of before the load. RSS is reported but not required
// to fall back: the Go runtime returns freed memory to the OS lazily.
func (r *report) judge() {
	fail := func(format string, a ...any) { r.Failures = append(r.Failures, fmt.Sprintf(format, a...)) }
	if r.Errors > 0 {
		fail("%d of %d requests failed: %v %.500v", r.Errors, r.Requests, r.StatusCodes, r.ErrorTexts)
	}
	if r.Throughput < 0.95*float64(r.Rate) {
		fail("held %.0f rps of the %d asked for", r.Throughput, r.Rate)
	}
	if len(r.During) < 2 {
		fail("only %d samples during the soak", len(r.During))
		return
	}
	half := len(r.During) / 2
	peak := func(ss []sample, f func(sample) float64) float64 {
		m := 0.0
		for _, s := range ss {
			m = max(m, f(s))
		}
		return m
	}
	for _, c := range []struct {
		name  string
		f     func(sample) float64
		slack float64
	}{
		{"RSS MiB", func(s sample) float64 { return s.RSSMiB }, 4},
		{"heap MiB", func(s sample) float64 { return s.HeapMiB }, 2},
		{"goroutines", func(s sample) float64 { return s.Goroutines }, 10},
	} {
		first, last := peak(r.During[:half], c.f), peak(r.During[half:], c.f)
		if first >= 0 && last > first*1.25+c.slack {
			fail("%s grew during the soak: peak %.1f in the first half, %.1f in the second", c.name, first, last)
		}
	}
	if r.Baseline.Goroutines >= 0 && r.After.Goroutines > r.Baseline.Goroutines+5 {
		fail("goroutines did not come back: %.0f before, %.0f after", r.Baseline.Goroutines, r.After.Goroutines)
	}
	if r.Baseline.HeapMiB >= 0 && r.After.HeapMiB > r.Baseline.HeapMiB*1.5+2 {
		fail("heap did not come back: %.1f MiB before, %.1f MiB after", r.Baseline.HeapMiB, r.After.HeapMiB)
	}
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "store %s, pinned %v: probe max %.0f rps (%d errors); soak %s at %d rps (%.0f%%)\n", r.Store, r.Pinned, r.MaxRPS, r.ProbeErrors, r.Duration, r.Rate, r.Load*100)
	fmt.Fprintf(w, "requests %d, throughput %.0f rps, errors %d, status %v\n", r.Requests, r.Throughput, r.Errors, r.StatusCodes)
	fmt.Fprintf(w, "latency p50 %v  p99 %v  p99.9 %v  max %v\n", r.P50, r.P99, r.P999, r.Max)
	fmt.Fprintf(w, "%-10s %10s %12s %10s\n", "sample", "RSS MiB", "goroutines", "heap MiB")
	for _, s := range append(append([]sample{r.Baseline}, r.During...), r.After) {
		fmt.Fprintf(w, "%-10s %10.1f %12.0f %10.1f\n", s.Label, s.RSSMiB, s.Goroutines, s.HeapMiB)
	}
	if len(r.Failures) == 0 {
		fmt.Fprintln(w, "PASS: no errors; memory and goroutines flat and back to baseline")
		return
	}
	for _, f := range r.Failures {
		fmt.Fprintln(w, "FAIL:", f)
	}
}
