package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
)

// InProcess is one Go benchmark run inside the harness (the same bodies as
// `go test -bench` in package api).
type InProcess struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"nsPerOp"`
	BytesPerOp  int64   `json:"bytesPerOp"`
	AllocsPerOp int64   `json:"allocsPerOp"`
}

// inProcess runs the hot-path benchmarks through testing.Benchmark.
func inProcess() []InProcess {
	benches := []struct {
		name string
		fn   func(b *testing.B)
	}{
		{"GetFlowDetailCached/bolt", func(b *testing.B) { apitest.BenchFlowDetail(b, "bolt", 2*time.Second) }},
		{"GetFlowDetailUncached/bolt", func(b *testing.B) { apitest.BenchFlowDetail(b, "bolt", 0) }},
		{"TokenVerify", apitest.BenchTokenVerify},
		{"SignRequest/GET", func(b *testing.B) { apitest.BenchSignRequest(b, http.MethodGet) }},
		{"SignRequest/POST", func(b *testing.B) { apitest.BenchSignRequest(b, http.MethodPost) }},
	}
	var out []InProcess
	for _, bm := range benches {
		r := testing.Benchmark(bm.fn)
		out = append(out, InProcess{Name: bm.name, NsPerOp: float64(r.T.Nanoseconds()) / float64(max(1, r.N)),
			BytesPerOp: r.AllocedBytesPerOp(), AllocsPerOp: r.AllocsPerOp()})
	}
	return out
}

// TargetResult is one target of issue 6 judged on the medians.
type TargetResult struct {
	Name string `json:"name"`
	Met  bool   `json:"met"`
	Got  string `json:"got"`
}

// checkTargets judges the medians against the targets, per
// upstream latency and store.
func checkTargets(res *Results) []TargetResult {
	var out []TargetResult
	add := func(name string, met bool, format string, args ...any) {
		out = append(out, TargetResult{Name: name, Met: met, Got: fmt.Sprintf(format, args...)})
	}
	for _, r := range res.Medians {
		if !strings.HasPrefix(r.Target, "gateway") {
			continue
		}
		where := r.Target + " @" + r.Latency
		if strings.HasSuffix(r.Target, "uncached") {
			add("uncached throughput ≥ 0.8× proxy, "+where, r.RatioProxy >= 0.8, "%.2f× (by CPU per request %.2f×)", r.RatioProxy, r.CPUVsProxy)
		} else {
			add("cached throughput ≥ 2× proxy, "+where, r.RatioProxy >= 2, "%.2f× (by CPU per request %.2f×)", r.RatioProxy, r.CPUVsProxy)
		}
		add("added p50 ≤ 150µs and p99 ≤ 1ms at 50% load, "+where, r.AddedP50Us <= 150 && r.AddedP99Us <= 1000,
			"%+.0fµs / %+.0fµs", r.AddedP50Us, r.AddedP99Us)
		if strings.Contains(r.Target, "redis") {
			add("≤ 1 Redis round trip per request, "+where, r.RedisReads <= 1.05,
				"%.2f round trips (%.2f commands)", r.RedisReads, r.RedisCmds)
		}
		if r.KeepAliveRSSMiB > 0 {
			add("peak RSS ≤ 64 MiB with 1,000 keep-alive connections, "+where, r.KeepAliveRSSMiB <= 64, "%.1f MiB", r.KeepAliveRSSMiB)
		}
	}
	for _, b := range res.InProcess {
		switch b.Name {
		case "GetFlowDetailCached/bolt":
			add("cache-hit GetFlowDetail ≤ 10µs/op and ≤ 40 allocs/op in-process", b.NsPerOp <= 10000 && b.AllocsPerOp <= 40,
				"%.1fµs/op, %d allocs/op", b.NsPerOp/1000, b.AllocsPerOp)
		case "TokenVerify":
			add("token verification of a recently seen token ≤ 1µs", b.NsPerOp <= 1000, "%.0fns/op", b.NsPerOp)
		}
	}
	return out
}
