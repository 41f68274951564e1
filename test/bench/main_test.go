package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"esign-gateway/test/testkit"
)

// TestMain lets the test binary play the harness's child roles, as the
// harness binary does: the harness starts os.Executable() for them.
func TestMain(m *testing.M) {
	if os.Getenv(roleEnv) != "" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestSmoke runs the whole harness once with tiny durations: the gateway
// binary is built and started on both stores, and every measurement must
// produce figures. It also guards the hot path's store budget: GetFlowDetail
// uncached on Redis makes at most one round trip. It takes some 20-40s;
// -short skips it, as does a machine without redis-server unless
// ESIGNGW_REQUIRE_REDIS is set (then it fails, as the Redis tests do).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		testkit.Skip(t, "-short")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("ESIGNGW_REQUIRE_REDIS") != "" {
			t.Fatalf("redis-server not found and ESIGNGW_REQUIRE_REDIS is set: %v", err)
		}
		testkit.Skip(t, fmt.Sprintf("redis-server not found (%v)", err))
	}
	opts := defaultOptions()
	opts.quick()
	opts.Duration, opts.SlowDuration, opts.Warmup = 400*time.Millisecond, 400*time.Millisecond, 100*time.Millisecond
	opts.Latencies, opts.KeepAlive, opts.Conns = []time.Duration{0}, 100, 16
	opts.Specs = []gwSpec{{"redis", 0}, {"embedded", 2 * time.Second}}
	var out bytes.Buffer
	res, err := run(context.Background(), opts, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	if got, want := len(res.Medians), 4; got != want {
		t.Fatalf("got %d rows, want %d (direct, proxy, two gateways)", got, want)
	}
	for _, r := range res.Medians {
		if r.RPS <= 0 {
			t.Errorf("%s: got %.0f rps, want some", r.Target, r.RPS)
		}
		if strings.HasPrefix(r.Target, "gateway") && (r.Allocs <= 0 || r.KeepAliveRSSMiB <= 0) {
			t.Errorf("%s: got allocs/req %.0f and RSS %.1f MiB, want both measured", r.Target, r.Allocs, r.KeepAliveRSSMiB)
		}
		if r.Target == "gateway redis uncached" && (r.RedisReads <= 0 || r.RedisReads > 1.05) {
			t.Errorf("%s: got %.2f Redis round trips per request, want 1", r.Target, r.RedisReads)
		}
	}
	if err := writeJSON(filepath.Join(t.TempDir(), "r.json"), res); err != nil {
		t.Error(err)
	}
}
