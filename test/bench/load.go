package main

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"esign-gateway/esign"
)

// loadResult is one load measurement.
type loadResult struct {
	Requests int
	Errors   int
	Elapsed  time.Duration
	// Latency quantiles over every request, exact (sorted), not estimated.
	P50, P99, P999 time.Duration
	FirstError     string
}

// RPS is the rate of successful requests.
func (r loadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// newClient is the load generator's HTTP client for one target: keep-alive,
// HTTP/1.1, enough idle connections for the load, shared across the
// warm-up and the measurements so they reuse connections. Connections are
// capped at 4× the closed loop's: when an open loop outruns its target,
// requests queue for a connection (and that wait counts in their latency)
// instead of opening thousands of new ones, which would measure accept
// queues and file descriptor limits rather than the target.
func newClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxConnsPerHost:     4 * conns,
		MaxIdleConns:        4 * conns,
		MaxIdleConnsPerHost: 4 * conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// closedLoop keeps conns requests in flight for d: each worker sends its
// next request when the previous answer is in (maximum throughput).
func closedLoop(c *http.Client, tr vegeta.Targeter, conns int, d time.Duration) loadResult {
	atk := vegeta.NewAttacker(vegeta.Client(c), vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.MaxBody(64<<10))
	return collect(atk.Attack(tr, vegeta.Rate{}, d, "closed"))
}

// openLoop sends requests at a fixed rate for d whatever the answers'
// latency (vegeta adds workers as needed), so queueing shows in the
// percentiles instead of slowing the load (no coordinated omission).
func openLoop(c *http.Client, tr vegeta.Targeter, rate float64, d time.Duration) loadResult {
	// Workers are goroutines waiting on the client; the cap only bounds
	// memory when a target stalls completely.
	atk := vegeta.NewAttacker(vegeta.Client(c), vegeta.MaxBody(64<<10), vegeta.MaxWorkers(16384))
	per := time.Second
	freq := int(rate)
	if freq < 1 {
		freq = 1
	}
	return collect(atk.Attack(tr, vegeta.Rate{Freq: freq, Per: per}, d, "open"))
}

func collect(results <-chan *vegeta.Result) loadResult {
	var (
		r     loadResult
		lats  []time.Duration
		first time.Time
		last  time.Time
	)
	for res := range results {
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if end := res.Timestamp.Add(res.Latency); end.After(last) {
			last = end
		}
		r.Requests++
		if res.Error != "" || res.Code != http.StatusOK {
			r.Errors++
			if r.FirstError == "" {
				r.FirstError = strconv.Itoa(int(res.Code)) + " " + res.Error + " " + string(trim(res.Body, 200))
			}
			continue
		}
		lats = append(lats, res.Latency)
	}
	r.Elapsed = last.Sub(first)
	slices.Sort(lats)
	r.P50, r.P99, r.P999 = quantile(lats, 0.50), quantile(lats, 0.99), quantile(lats, 0.999)
	return r
}

// quantile of sorted values: the smallest value with at least q of them at
// or below it.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func trim(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// getTarget is a plain GET with fixed headers.
func getTarget(url string, header http.Header) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodGet, url, header
		return nil
	}
}

// signedTarget is a GET to e签宝 signed like the gateway signs it. The
// signature covers method, Accept, Content-Type and path, not the
// timestamp, so the headers are signed once per second (fresh timestamp,
// well inside e签宝's 15-minute window) and shared by that second's
// requests; the upstream still verifies every request.
func signedTarget(base, path string) vegeta.Targeter {
	var (
		mu     sync.Mutex
		header http.Header
		at     time.Time
	)
	return func(t *vegeta.Target) error {
		mu.Lock()
		if now := time.Now(); now.Sub(at) >= time.Second {
			req, _ := http.NewRequest(http.MethodGet, base+path, nil)
			req.Header.Set("Accept", "*/*")
			req.Header.Set("Content-Type", "application/json; charset=UTF-8")
			esign.SignRequest(req, esignAppID, esignSecret, now)
			header, at = req.Header, now
		}
		h := header
		mu.Unlock()
		t.Method, t.URL, t.Header = http.MethodGet, base+path, h
		return nil
	}
}
