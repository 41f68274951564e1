package esign

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// statsWindow is how far back Stats looks; statsSamples caps the memory,
// so at very high call rates the window is the last statsSamples calls.
const (
	statsWindow  = 5 * time.Minute
	statsSamples = 1024
)

// Stats summarises recent calls for an admin page.
type Stats struct {
	// LastSuccess is when a call last got a successful answer; zero if
	// none has yet.
	LastSuccess time.Time
	// Calls is the number of calls in the last five minutes.
	Calls int
	// ErrorRate is the share of those calls that failed for any reason but
	// a business error (e签宝 answered properly, just "no").
	ErrorRate float64
	// P50 and P99 are call latencies, retries included.
	P50, P99 time.Duration
}

// OpStats are the Stats of one operation (LastSuccess unset).
type OpStats struct {
	Op string
	Stats
}

// opSamples caps each operation's ring: the figures of a rarely called
// operation need far fewer samples than the whole client's.
const opSamples = 256

type sample struct {
	at     time.Time
	d      time.Duration
	failed bool
}

// ring holds the latest samples.
type ring struct {
	buf     []sample
	next, n int
}

func (r *ring) add(x sample) {
	r.buf[r.next] = x
	r.next = (r.next + 1) % len(r.buf)
	r.n = min(r.n+1, len(r.buf))
}

// summary is the figures of the samples within statsWindow of now.
func (r *ring) summary(now time.Time) Stats {
	var st Stats
	var ds []time.Duration
	failed := 0
	for _, x := range r.buf[:r.n] {
		if now.Sub(x.at) > statsWindow {
			continue
		}
		ds = append(ds, x.d)
		if x.failed {
			failed++
		}
	}
	if len(ds) == 0 {
		return st
	}
	slices.Sort(ds)
	st.Calls = len(ds)
	st.ErrorRate = float64(failed) / float64(len(ds))
	st.P50, st.P99 = percentile(ds, 50), percentile(ds, 99)
	return st
}

// stats keeps the latest samples of every call and of each operation.
type stats struct {
	mu          sync.Mutex
	all         ring
	ops         map[string]*ring
	lastSuccess time.Time
}

func (s *stats) add(op string, at time.Time, d time.Duration, outcome string) {
	x := sample{at: at, d: d, failed: outcome != outcomeOK && outcome != outcomeBusiness}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.all.buf == nil {
		s.all.buf, s.ops = make([]sample, statsSamples), map[string]*ring{}
	}
	s.all.add(x)
	r := s.ops[op]
	if r == nil {
		r = &ring{buf: make([]sample, opSamples)}
		s.ops[op] = r
	}
	r.add(x)
	if outcome == outcomeOK {
		s.lastSuccess = at
	}
}

func (s *stats) snapshot(now time.Time) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.all.summary(now)
	st.LastSuccess = s.lastSuccess
	return st
}

// byOperation is the figures of each operation called within statsWindow,
// by name.
func (s *stats) byOperation(now time.Time) []OpStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []OpStats
	for op, r := range s.ops {
		if st := r.summary(now); st.Calls > 0 {
			out = append(out, OpStats{Op: op, Stats: st})
		}
	}
	slices.SortFunc(out, func(a, b OpStats) int { return strings.Compare(a.Op, b.Op) })
	return out
}

// percentile is the nearest-rank percentile of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	i := (len(ds)*p + 99) / 100 // ceil(len·p/100)
	return ds[max(i-1, 0)]
}

// record feeds a finished call to Stats and Config.Observe.
func (c *Client) record(op string, err error, d time.Duration) {
	o := outcome(err)
	c.stats.add(op, c.cfg.Now(), d, o)
	if c.cfg.Observe != nil {
		c.cfg.Observe(op, o, d)
	}
}

// Stats summarises the calls of the last five minutes.
func (c *Client) Stats() Stats { return c.stats.snapshot(c.cfg.Now()) }

// OperationStats summarises the calls of the last five minutes of each
// operation (this process's calls: each replica counts its own).
func (c *Client) OperationStats() []OpStats { return c.stats.byOperation(c.cfg.Now()) }
