package esign

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// countingTransport counts attempts as the client makes them, whether or
// not they reach the server in time.
type countingTransport struct {
	n  atomic.Int32
	rt http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.rt.RoundTrip(r)
}

// TestDoTimeouts pits one short deadline against long others (10s); the
// call must end on the short one. Bounds are loose because CI machines are
// slow, not because the deadlines are.
func TestDoTimeouts(t *testing.T) {
	const long = 10 * time.Second
	tests := []struct {
		name         string
		method       string
		timeout      time.Duration // per attempt
		callTimeout  time.Duration
		ctxTimeout   time.Duration // 0: none
		wantAttempts int32
	}{
		{"GET attempts time out and are retried", "GET", 50 * time.Millisecond, long, 0, 3},
		{"POST attempt times out once", "POST", 50 * time.Millisecond, long, 0, 1},
		{"call_timeout cuts a GET short", "GET", long, 100 * time.Millisecond, 0, 1},
		{"caller deadline cuts a GET short", "GET", long, long, 100 * time.Millisecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var obs observed
			rt := &countingTransport{rt: &http.Transport{DisableKeepAlives: true}}
			c, mux := setup(t, func(cfg *Config) {
				cfg.Timeout, cfg.CallTimeout, cfg.Observe, cfg.Transport = tt.timeout, tt.callTimeout, obs.observe, rt
			})
			release := make(chan struct{})
			t.Cleanup(func() { close(release) }) // runs before the server's Close
			mux.HandleFunc("/v1/slow", func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			ctx := t.Context()
			if tt.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			start := time.Now()
			err := c.Do(ctx, tt.method, "/v1/slow", nil, nil, nil)
			if elapsed := time.Since(start); elapsed > long/2 {
				t.Errorf("returned after %v, want the short deadline to end the call", elapsed)
			}
			if !IsTimeout(err) {
				t.Errorf("IsTimeout(%v): got false, want true", err)
			}
			if got := obs.last(); got != "timeout" {
				t.Errorf("outcome: got %q, want timeout", got)
			}
			if got := rt.n.Load(); got != tt.wantAttempts {
				t.Errorf("attempts: got %d, want %d", got, tt.wantAttempts)
			}
		})
	}
}

// TestBackoffStopsAtCallDeadline shows the wait between attempts ends with
// the call, not with the backoff.
func TestBackoffStopsAtCallDeadline(t *testing.T) {
	c, mux := setup(t, func(cfg *Config) {
		cfg.CallTimeout = 100 * time.Millisecond
		cfg.Backoff = func(int) time.Duration { return time.Hour }
	})
	mux.HandleFunc("/v1/thing", reply("", 503))
	start := time.Now()
	err := c.Do(t.Context(), "GET", "/v1/thing", nil, nil, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != 503 {
		t.Errorf("err: got %v, want the 503", err)
	}
	if elapsed := time.Since(start); elapsed > 30*time.Second {
		t.Errorf("returned after %v, want about 100ms, not the hour of backoff", elapsed)
	}
}

func TestRetryBudget(t *testing.T) {
	b := newBudget()
	for i := range 10 {
		if !b.withdraw() {
			t.Fatalf("withdraw %d of a full budget refused", i+1)
		}
	}
	if b.withdraw() {
		t.Fatal("withdraw from an empty budget allowed")
	}
	for range 4 {
		b.deposit()
	}
	if b.withdraw() {
		t.Error("withdraw after 4 calls (0.8 tokens) allowed, want refused")
	}
	b.deposit()
	if !b.withdraw() {
		t.Error("withdraw after 5 calls (1.0 token) refused, want allowed")
	}

	c, mux := setup(t)
	var hits atomic.Int32
	mux.HandleFunc("/v1/thing", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(503)
	})
	c.budget.tenths = 0
	c.Do(t.Context(), "GET", "/v1/thing", nil, nil, nil)
	if got := hits.Load(); got != 1 {
		t.Errorf("hits with an empty budget: got %d, want 1", got)
	}
}

func TestJitteredBackoff(t *testing.T) {
	for attempt := range 10 {
		limit := min(3*time.Second, 200*time.Millisecond<<attempt)
		for range 100 {
			if d := jitteredBackoff(attempt); d < 0 || d > limit {
				t.Fatalf("jitteredBackoff(%d) = %v, want within [0, %v]", attempt, d, limit)
			}
		}
	}
}
