package api

import (
	"fmt"
	"testing"
	"time"
)

// TestRequestMetricsAllocs: once a route's series exist, recording a
// request allocates nothing.
func TestRequestMetricsAllocs(t *testing.T) {
	m := NewMetrics(MetricsConfig{})
	m.observeRequest("/v2.0/esign/flowTasks/:taskId", "GET", 200, time.Millisecond)
	allocs := testing.AllocsPerRun(1000, func() {
		m.observeRequest("/v2.0/esign/flowTasks/:taskId", "GET", 200, time.Millisecond)
		m.observeRequest("/v2.0/esign/flowTasks/:taskId", "GET", 503, time.Millisecond)
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per request, want 0", allocs)
	}
}

func BenchmarkRequestMetrics(b *testing.B) {
	m := NewMetrics(MetricsConfig{})
	routes := make([]string, 40)
	for i := range routes {
		routes[i] = fmt.Sprintf("/v2.0/esign/route%d/:id", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.observeRequest(routes[i%len(routes)], "POST", 200, time.Millisecond)
			i++
		}
	})
}

// TestLabelGuard: label values from request bodies stay few and tame.
func TestLabelGuard(t *testing.T) {
	g := labelGuard{max: 2}
	tests := []struct{ in, want string }{
		{"SIGN_FLOW_FINISH", "SIGN_FLOW_FINISH"},
		{"", "other"},
		{"a b", "other"},
		{"x\"}", "other"},
		{string(make([]byte, 65)), "other"},
		{"SIGN_MISSON_COMPLETE", "SIGN_MISSON_COMPLETE"},
		{"THIRD_ONE", "other"}, // over max
		{"SIGN_FLOW_FINISH", "SIGN_FLOW_FINISH"},
	}
	for _, tt := range tests {
		if got := g.value(tt.in); got != tt.want {
			t.Errorf("value(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNormalMethod keeps the method label bounded.
func TestNormalMethod(t *testing.T) {
	for in, want := range map[string]string{"GET": "GET", "POST": "POST", "get": "OTHER", "BREW": "OTHER", "": "OTHER"} {
		if got := normalMethod(in); got != want {
			t.Errorf("normalMethod(%q) = %q, want %q", in, got, want)
		}
	}
}
