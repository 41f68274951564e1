package esign

import (
	"testing"
	"time"

	"esign-gateway/test/testkit"
)

func TestStats(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(t0)
	c, mux := setup(t, func(cfg *Config) { cfg.Now = clk.Now })
	mux.HandleFunc("/v1/ok", reply(`{"code":0,"data":{}}`, 200))
	mux.HandleFunc("/v1/no", reply(`{"code":1435011,"message":"流程不存在"}`, 200))
	mux.HandleFunc("/v1/down", reply("", 500))

	if got := c.Stats(); got != (Stats{}) {
		t.Errorf("before any call: got %+v, want zero", got)
	}
	c.Do(t.Context(), "GET", "/v1/ok", nil, nil, nil)
	clk.Set(t0.Add(time.Minute))
	c.Do(t.Context(), "GET", "/v1/no", nil, nil, nil)
	c.Do(t.Context(), "POST", "/v1/down", nil, nil, nil)
	c.Do(t.Context(), "POST", "/v1/down", nil, nil, nil)

	st := c.Stats()
	if st.Calls != 4 || st.ErrorRate != 0.5 || !st.LastSuccess.Equal(t0) {
		t.Errorf("got %+v, want 4 calls, error rate 0.5, last success %v", st, t0)
	}
	if st.P50 <= 0 || st.P99 < st.P50 {
		t.Errorf("latencies: got p50 %v, p99 %v", st.P50, st.P99)
	}
	clk.Set(t0.Add(time.Minute + statsWindow + time.Second))
	if st := c.Stats(); st.Calls != 0 || !st.LastSuccess.Equal(t0) {
		t.Errorf("after the window: got %+v, want no calls and the last success kept", st)
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	tests := []struct {
		ds   []time.Duration
		p    int
		want time.Duration
	}{
		{ds, 50, 50 * time.Millisecond},
		{ds, 99, 99 * time.Millisecond},
		{ds[:1], 50, time.Millisecond},
		{ds[:1], 99, time.Millisecond},
		{ds[:3], 50, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.ds, tt.p); got != tt.want {
			t.Errorf("p%d of %d samples: got %v, want %v", tt.p, len(tt.ds), got, tt.want)
		}
	}
}

// TestOperationStats: each operation has its own figures, by name, within
// the same window as the client's.
func TestOperationStats(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(t0)
	c, mux := setup(t, func(cfg *Config) { cfg.Now = clk.Now })
	mux.HandleFunc("/v1/ok", reply(`{"code":0,"data":{}}`, 200))
	mux.HandleFunc("/v1/down", reply("", 500))
	_ = c.do(t.Context(), "Flow", "GET", "/v1/ok", nil, nil, nil)
	_ = c.do(t.Context(), "Flow", "GET", "/v1/ok", nil, nil, nil)
	_ = c.do(t.Context(), "Start", "POST", "/v1/down", nil, nil, nil)
	ops := c.OperationStats()
	if len(ops) != 2 || ops[0].Op != "Flow" || ops[0].Calls != 2 || ops[0].ErrorRate != 0 ||
		ops[1].Op != "Start" || ops[1].Calls != 1 || ops[1].ErrorRate != 1 {
		t.Errorf("got %+v, want Flow 2 calls no errors, Start 1 call failed", ops)
	}
	clk.Set(t0.Add(statsWindow + time.Second))
	if ops := c.OperationStats(); len(ops) != 0 {
		t.Errorf("after the window: got %+v, want none", ops)
	}
}
