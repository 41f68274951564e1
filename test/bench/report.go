package main

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// Row is one target at one upstream latency: a single repetition in
// Results.Runs, the medians over repetitions in Results.Medians.
type Row struct {
	Rep     int    `json:"rep,omitempty"`
	Latency string `json:"upstreamLatency"`
	Target  string `json:"target"`
	// Closed loop (Conns connections): maximum throughput.
	RPS         float64 `json:"rps"`
	RatioProxy  float64 `json:"rpsVsProxy,omitempty"`
	RatioDirect float64 `json:"rpsVsDirect,omitempty"`
	// CPUVsProxy is the proxy's CPU per request over this target's: the
	// throughput ratio each would reach alone on one CPU. It holds up when
	// other work on the machine skews the rps ratio.
	CPUVsProxy float64 `json:"cpuCapacityVsProxy,omitempty"`
	// Open loop at OpenRate (half the proxy's maximum): latency in ms, and
	// what the target adds over the proxy in µs.
	OpenRate   float64 `json:"openLoopRate,omitempty"`
	P50        float64 `json:"p50Ms,omitempty"`
	P99        float64 `json:"p99Ms,omitempty"`
	P999       float64 `json:"p999Ms,omitempty"`
	AddedP50Us float64 `json:"addedP50UsVsProxy,omitempty"`
	AddedP99Us float64 `json:"addedP99UsVsProxy,omitempty"`
	Errors     int     `json:"errors"` // non-200 or failed, closed + open loop
	// Per request of the closed loop.
	RedisCmds   float64 `json:"redisCommandsPerRequest,omitempty"`
	RedisReads  float64 `json:"redisRoundTripsPerRequest,omitempty"` // Redis read events
	Allocs      float64 `json:"allocsPerRequest,omitempty"`          // gateway heap allocations
	CPUPerReqUs float64 `json:"cpuUsPerRequest"`                     // of the proxy or gateway (direct: upstream)
	// CPU use of each process during the closed loop, % of one CPU.
	CPUPct map[string]float64 `json:"cpuPercent,omitempty"`
	// Peak RSS (VmHWM) over the whole session, and right after KeepAlive
	// keep-alive connections were opened (before any load).
	PeakRSSMiB      float64 `json:"peakRssMiB,omitempty"`
	KeepAliveRSSMiB float64 `json:"peakRssWithKeepAliveMiB,omitempty"`
	FirstError      string  `json:"firstError,omitempty"`
	// Attempts is how many closed loops it took to get one with little
	// other work on the machine (Options.MaxOther).
	Attempts int `json:"attempts,omitempty"`
}

// Results is what a run writes with -out.
type Results struct {
	Started   string         `json:"started"`
	Options   string         `json:"options"`
	Pinned    bool           `json:"pinned"`
	Medians   []Row          `json:"medians"`
	InProcess []InProcess    `json:"inProcess,omitempty"`
	Targets   []TargetResult `json:"targets"`
	Runs      []Row          `json:"runs"`
}

// addRatios fills each gateway row's comparison with the proxy and the
// direct rows of the same repetition and latency.
func addRatios(rows []Row) {
	find := func(r Row, target string) *Row {
		for i := range rows {
			if rows[i].Rep == r.Rep && rows[i].Latency == r.Latency && rows[i].Target == target {
				return &rows[i]
			}
		}
		return nil
	}
	for i := range rows {
		r := &rows[i]
		px, dr := find(*r, "proxy"), find(*r, "direct")
		if px != nil && px.RPS > 0 && r.Target != "proxy" {
			r.RatioProxy = r.RPS / px.RPS
			if r.Target != "direct" && r.CPUPerReqUs > 0 {
				r.CPUVsProxy = px.CPUPerReqUs / r.CPUPerReqUs
			}
			if r.P50 > 0 && r.Target != "direct" {
				r.AddedP50Us, r.AddedP99Us = 1000*(r.P50-px.P50), 1000*(r.P99-px.P99)
			}
		}
		if dr != nil && dr.RPS > 0 && r.Target != "direct" {
			r.RatioDirect = r.RPS / dr.RPS
		}
	}
}

// medians groups rows by latency and target (in first-seen order) and
// takes the median of every figure over the repetitions; errors are summed.
func medians(runs []Row) []Row {
	addRatios(runs)
	var keys []string
	groups := map[string][]Row{}
	for _, r := range runs {
		k := r.Latency + "|" + r.Target
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []Row
	for _, k := range keys {
		g := groups[k]
		m := Row{Latency: g[0].Latency, Target: g[0].Target, CPUPct: map[string]float64{}}
		mv := reflect.ValueOf(&m).Elem()
		for i := 0; i < mv.NumField(); i++ {
			if mv.Field(i).Kind() != reflect.Float64 {
				continue
			}
			vals := make([]float64, len(g))
			for j := range g {
				vals[j] = reflect.ValueOf(g[j]).Field(i).Float()
			}
			mv.Field(i).SetFloat(median(vals))
		}
		for role := range g[0].CPUPct {
			vals := make([]float64, len(g))
			for j := range g {
				vals[j] = g[j].CPUPct[role]
			}
			m.CPUPct[role] = median(vals)
		}
		for _, r := range g {
			m.Errors += r.Errors
			if m.FirstError == "" {
				m.FirstError = r.FirstError
			}
		}
		out = append(out, m)
	}
	return out
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// printReport prints the medians as a table per latency, the in-process
// benchmarks and the targets.
func printReport(w io.Writer, res *Results) {
	fmt.Fprintf(w, "\nMedians (%s; pinned %v)\n", res.Options, res.Pinned)
	head := "| target | rps | ×proxy | ×proxy (CPU) | ×direct | p50 ms | p99 ms | p99.9 ms | +p50 µs | +p99 µs | errors | redis cmd/req | redis rt/req | allocs/req | CPU µs/req | peak RSS MiB: session (1k conns) | other CPU % |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
	lat, overloaded := "", false
	for _, r := range res.Medians {
		if r.Latency != lat {
			lat = r.Latency
			fmt.Fprintf(w, "\nUpstream latency %s (open loop at %.0f req/s)\n\n%s", lat, openRate(res.Medians, lat), head)
		}
		over := ""
		if r.OpenRate > 0 && r.OpenRate >= 0.9*r.RPS {
			over, overloaded = "*", true
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s%s | %s | %s | %s | %s | %d | %s | %s | %s | %.1f | %s | %.0f |\n", r.Target, r.RPS,
			opt(r.RatioProxy, "%.2f"), opt(r.CPUVsProxy, "%.2f"), opt(r.RatioDirect, "%.2f"), opt(r.P50, "%.3f"), over, opt(r.P99, "%.3f"), opt(r.P999, "%.3f"),
			optSigned(r.AddedP50Us, r.Target), optSigned(r.AddedP99Us, r.Target), r.Errors,
			opt(r.RedisCmds, "%.2f"), opt(r.RedisReads, "%.2f"), opt(r.Allocs, "%.0f"), r.CPUPerReqUs, rss(r), r.CPUPct["other"])
	}
	if overloaded {
		fmt.Fprintf(w, "\n\\* the open-loop rate is at or above 90%% of this target's closed-loop maximum: it is overloaded and its latency is queueing.\n")
	}
	fmt.Fprintf(w, "\nother CPU %%: CPU time of the two CPUs used by no process of the run (other work on the machine, kernel network processing), as %% of one CPU; high values mean a noisy measurement.\n")
	if len(res.InProcess) > 0 {
		fmt.Fprintf(w, "\nIn-process Go benchmarks (GOMAXPROCS=1)\n\n| benchmark | ns/op | B/op | allocs/op |\n|---|---|---|---|\n")
		for _, b := range res.InProcess {
			fmt.Fprintf(w, "| %s | %.0f | %d | %d |\n", b.Name, b.NsPerOp, b.BytesPerOp, b.AllocsPerOp)
		}
	}
	fmt.Fprintf(w, "\nTargets\n\n")
	for _, t := range res.Targets {
		mark := "PASS"
		if !t.Met {
			mark = "MISS"
		}
		fmt.Fprintf(w, "- %s %s: %s\n", mark, t.Name, t.Got)
	}
}

func opt(v float64, f string) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf(f, v)
}

func optSigned(v float64, target string) string {
	if !strings.HasPrefix(target, "gateway") {
		return "–"
	}
	return fmt.Sprintf("%+.0f", v)
}

func rss(r Row) string {
	switch {
	case r.KeepAliveRSSMiB > 0:
		return fmt.Sprintf("%.1f (%.1f)", r.PeakRSSMiB, r.KeepAliveRSSMiB)
	case r.PeakRSSMiB > 0:
		return fmt.Sprintf("%.1f", r.PeakRSSMiB)
	}
	return "–"
}

// openRate is the open-loop rate used at latency lat (half the proxy's
// maximum).
func openRate(rows []Row, lat string) float64 {
	for _, r := range rows {
		if r.Latency == lat && r.OpenRate > 0 {
			return r.OpenRate
		}
	}
	return 0
}
