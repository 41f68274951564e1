package console

import (
	"slices"
	"sync"
	"time"
)

// OpStats keeps the latest e签宝 calls of each operation for the
// Overview; Observe is chained into esign.Config.Observe. This process's
// calls only: each replica shows its own.
type OpStats struct {
	now func() time.Time

	mu  sync.Mutex
	ops map[string]*opRing
}

// opWindow is how far back the figures look; opSamples caps each ring.
const (
	opWindow  = 5 * time.Minute
	opSamples = 256
)

type opSample struct {
	at     time.Time
	d      time.Duration
	failed bool
}

type opRing struct {
	ring    [opSamples]opSample
	next, n int
}

// NewOpStats returns an empty OpStats; now nil means time.Now.
func NewOpStats(now func() time.Time) *OpStats {
	if now == nil {
		now = time.Now
	}
	return &OpStats{now: now, ops: map[string]*opRing{}}
}

// Observe records one call (esign.Config.Observe). A business error
// (e签宝 answered properly, just "no") is not a failure.
func (o *OpStats) Observe(op, outcome string, d time.Duration) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.ops[op]
	if r == nil {
		r = new(opRing)
		o.ops[op] = r
	}
	r.ring[r.next] = opSample{at: o.now(), d: d, failed: outcome != "ok" && outcome != "business_error"}
	r.next = (r.next + 1) % opSamples
	r.n = min(r.n+1, opSamples)
}

// OpFigures are one operation's calls in the window.
type OpFigures struct {
	Op        string
	Calls     int
	ErrorRate float64
	P50, P99  time.Duration
}

// Snapshot is every operation called in the window, by name.
func (o *OpStats) Snapshot() []OpFigures {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	var out []OpFigures
	for op, r := range o.ops {
		var ds []time.Duration
		failed := 0
		for _, s := range r.ring[:r.n] {
			if now.Sub(s.at) > opWindow {
				continue
			}
			ds = append(ds, s.d)
			if s.failed {
				failed++
			}
		}
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		out = append(out, OpFigures{Op: op, Calls: len(ds), ErrorRate: float64(failed) / float64(len(ds)),
			P50: rank(ds, 50), P99: rank(ds, 99)})
	}
	slices.SortFunc(out, func(a, b OpFigures) int {
		if a.Op < b.Op {
			return -1
		}
		return 1
	})
	return out
}

// rank is the nearest-rank percentile of sorted ds.
func rank(ds []time.Duration, p int) time.Duration {
	i := (len(ds)*p + 99) / 100
	return ds[max(i-1, 0)]
}
