package esign

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestBreakerOpensAndFailsFast(t *testing.T) {
	var obs observed
	c, mux := setup(t, func(cfg *Config) { cfg.BreakerTimeout, cfg.Observe = time.Hour, obs.observe })
	var hits atomic.Int32
	mux.HandleFunc("/v1/down", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	mux.HandleFunc("/v1/no", reply(`{"code":1435002,"message":"参数错误"}`, 200))
	mux.HandleFunc("/v1/forbidden", reply(`{"code":403,"message":"IP白名单不匹配"}`, 403))

	// Answers that prove e签宝 is up never trip the breaker.
	for range 10 {
		c.Do(t.Context(), "POST", "/v1/no", nil, nil, nil)
		c.Do(t.Context(), "POST", "/v1/forbidden", nil, nil, nil)
	}
	if got := c.BreakerState(); got != "closed" {
		t.Fatalf("after business and 4xx errors: got %q, want closed", got)
	}

	for i := range 5 {
		if got := c.BreakerState(); got != "closed" {
			t.Fatalf("after %d failures: got %q, want closed", i, got)
		}
		c.Do(t.Context(), "POST", "/v1/down", nil, nil, nil)
	}
	if got := c.BreakerState(); got != "open" {
		t.Fatalf("after 5 failures: got %q, want open", got)
	}
	err := c.Do(t.Context(), "GET", "/v1/down", nil, nil, nil)
	if !errors.Is(err, ErrBreakerOpen) {
		t.Errorf("err: got %v, want ErrBreakerOpen", err)
	}
	if got := obs.last(); got != "breaker_open" {
		t.Errorf("outcome: got %q, want breaker_open", got)
	}
	if got := hits.Load(); got != 5 {
		t.Errorf("hits: got %d, want 5 (the open breaker must not send)", got)
	}
}

// TestBreakerHalfOpensAndRecovers uses a 1ns open timeout, so the breaker
// is half-open as soon as it has opened and no test has to wait.
func TestBreakerHalfOpensAndRecovers(t *testing.T) {
	c, mux := setup(t, func(cfg *Config) { cfg.BreakerTimeout = time.Nanosecond })
	var healthy atomic.Bool
	mux.HandleFunc("/v1/flaky", func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(`{"code":0,"data":{}}`))
	})
	for range 5 {
		c.Do(t.Context(), "POST", "/v1/flaky", nil, nil, nil)
	}
	if got := c.BreakerState(); got != "half-open" {
		t.Fatalf("after 5 failures and the open timeout: got %q, want half-open", got)
	}
	// A failed probe opens it again.
	c.Do(t.Context(), "POST", "/v1/flaky", nil, nil, nil)
	if got := c.BreakerState(); got != "half-open" {
		t.Fatalf("after a failed probe and the open timeout: got %q, want half-open", got)
	}
	// Two good probes (MaxRequests) close it.
	healthy.Store(true)
	for i := range 2 {
		if err := c.Do(t.Context(), "POST", "/v1/flaky", nil, nil, nil); err != nil {
			t.Fatalf("probe %d: %v", i, err)
		}
	}
	if got := c.BreakerState(); got != "closed" {
		t.Errorf("after good probes: got %q, want closed", got)
	}
}
