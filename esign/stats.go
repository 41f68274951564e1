package esign

import (
	"slices"
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

type sample struct {
	at     time.Time
	d      time.Duration
	failed bool
}

// stats is a ring of the latest samples.
type stats struct {
	mu          sync.Mutex
	ring        [statsSamples]sample
	next, n     int
	lastSuccess time.Time
}

func (s *stats) add(at time.Time, d time.Duration, outcome string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ring[s.next] = sample{at: at, d: d, failed: outcome != outcomeOK && outcome != outcomeBusiness}
	s.next = (s.next + 1) % statsSamples
	s.n = min(s.n+1, statsSamples)
	if outcome == outcomeOK {
		s.lastSuccess = at
	}
}

func (s *stats) snapshot(now time.Time) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{LastSuccess: s.lastSuccess}
	var ds []time.Duration
	failed := 0
	for _, x := range s.ring[:s.n] {
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

// percentile is the nearest-rank percentile of sorted ds.
func percentile(ds []time.Duration, p int) time.Duration {
	i := (len(ds)*p + 99) / 100 // ceil(len·p/100)
	return ds[max(i-1, 0)]
}

// record feeds a finished call to Stats and Config.Observe.
func (c *Client) record(op string, err error, d time.Duration) {
	o := outcome(err)
	c.stats.add(c.cfg.Now(), d, o)
	if c.cfg.Observe != nil {
		c.cfg.Observe(op, o, d)
	}
}

// Stats summarises the calls of the last five minutes.
func (c *Client) Stats() Stats { return c.stats.snapshot(c.cfg.Now()) }
