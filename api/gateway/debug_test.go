package gateway

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
)

// TestServeDebug checks the opt-in debug listener (debug.addr): runtime
// counters and the profiler index answer, and nothing else is served.
func TestServeDebug(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := serveDebug(ctx, addr, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want int
	}{
		{"/debug/vars", http.StatusOK},
		{"/debug/pprof/", http.StatusOK},
		{"/livez", http.StatusNotFound},
	}
	for _, tc := range tests {
		res, err := http.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: got %d, want %d", tc.path, res.StatusCode, tc.want)
		}
		if tc.path == "/debug/vars" {
			var v struct {
				Memstats struct{ Mallocs uint64 } `json:"memstats"`
			}
			if err := json.Unmarshal(body, &v); err != nil || v.Memstats.Mallocs == 0 {
				t.Errorf("/debug/vars: got Mallocs %d (%v), want a count", v.Memstats.Mallocs, err)
			}
		}
	}
}
