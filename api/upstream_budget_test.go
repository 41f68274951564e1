package api_test

import (
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
)

// TestRetryBudget: GetFileInfo makes one e签宝 GET. When the first attempt
// of every call fails with 503, retries are bounded by the client's budget
// (20% of calls plus a bucket of 10), so e签宝 sees at most 1.2×calls+10
// attempts; the calls that could retry succeed, the others answer 502 JSON.
// Under a sustained 5xx the breaker cuts attempts further still.
func TestRetryBudget(t *testing.T) {
	const calls = 200
	for _, tt := range []struct {
		name      string
		sustained bool
	}{{"first attempt fails", false}, {"sustained 5xx", true}} {
		t.Run(tt.name, func(t *testing.T) {
			var logical atomic.Int64
			g := apitest.New(t, apitest.Options{Esign: func(c *esign.Config) {
				c.Observe = func(op, _ string, _ time.Duration) {
					if op == "File" {
						logical.Add(1)
					}
				}
			}})
			tok := g.Token(apitest.CorpA)
			file := g.Upload(tok, "a.pdf", apitest.PDF)
			path := "/v2.0/esign/files/" + file
			before := g.Emulator.CallCount("/v1/files/")
			if tt.sustained {
				g.Emulator.SetFault(esigntest.Fault{PathPrefix: "/v1/files/", Status: 503})
			}
			statuses := map[int]int{}
			for i := 0; i < calls; i++ {
				if !tt.sustained {
					g.Emulator.ClearFaults()
					g.Emulator.SetFault(esigntest.Fault{PathPrefix: "/v1/files/", Status: 503, Count: 1})
				}
				res := g.Do("GET", path, tok, nil)
				statuses[res.Status]++
				switch res.Status {
				case 200:
				case 502:
					checkError(t, res, "unknownError")
				case 503:
					checkError(t, res, "serviceBusy")
				default:
					t.Fatalf("call %d: got %d %s", i, res.Status, res.Raw)
				}
			}
			attempts := g.Emulator.CallCount("/v1/files/") - before
			limit := int(1.2*float64(logical.Load())) + 10
			t.Logf("%d API calls, %d e签宝 calls, %d attempts (limit %d), statuses %v", calls, logical.Load(), attempts, limit, statuses)
			if attempts > limit {
				t.Errorf("e签宝 got %d attempts for %d calls, want at most %d", attempts, logical.Load(), limit)
			}
			if !tt.sustained {
				// Retries happen (the budget is not zero) but only within it:
				// each retry here is exactly one success.
				retries := attempts - int(logical.Load())
				if retries < 10 || statuses[200] != retries {
					t.Errorf("%d retries and %d successes, want them equal and at least the bucket of 10", retries, statuses[200])
				}
				if statuses[503] != 0 {
					t.Errorf("the breaker opened (%d fast failures): failures never ran 5 in a row here", statuses[503])
				}
			}
		})
	}
}

// TestBreakerOpensAndRecovers: consecutive upstream failures open the
// breaker; calls then fail fast with 503 JSON without reaching e签宝 and
// without waiting for a retry (counted, not timed: neither an upstream
// call nor a backoff), /readyz says so, and after the breaker's timeout a
// probe closes it again.
func TestBreakerOpensAndRecovers(t *testing.T) {
	const breakerTimeout = 300 * time.Millisecond
	var backoffs atomic.Int64 // retry waits the client asked for
	g := apitest.New(t, apitest.Options{Esign: func(c *esign.Config) {
		c.BreakerTimeout = breakerTimeout
		c.Backoff = func(int) time.Duration { backoffs.Add(1); return 0 }
	}})
	tok := g.Token(apitest.CorpA)
	file := g.Upload(tok, "a.pdf", apitest.PDF)
	path := "/v2.0/esign/files/" + file
	g.Emulator.SetFault(esigntest.Fault{PathPrefix: "/v1/files/", Reset: true})
	for i := 0; i < 5; i++ {
		if res := g.Do("GET", path, tok, nil); res.Status != 502 {
			t.Fatalf("failure %d: got %d %s, want 502", i, res.Status, res.Raw)
		}
	}
	if s := g.Service.Admin.BreakerState(); s != "open" {
		t.Fatalf("breaker %s after 5 failed calls, want open", s)
	}
	before, waits := g.Emulator.CallCount(""), backoffs.Load()
	res := g.Do("GET", path, tok, nil)
	if n := backoffs.Load() - waits; n != 0 {
		t.Errorf("an open breaker waited for %d retries, want none", n)
	}
	if res.Status != 503 {
		t.Fatalf("open breaker: got %d %s, want 503", res.Status, res.Raw)
	}
	checkError(t, res, "serviceBusy")
	if n := g.Emulator.CallCount("") - before; n != 0 {
		t.Errorf("an open breaker let %d calls through to e签宝", n)
	}
	if r := g.Do("GET", "/readyz", "", nil); r.Status != 503 || upstreamCheck(r) != "open" {
		t.Errorf("readyz with the breaker open: got %d %s, want 503 with checks.upstream open", r.Status, r.Raw)
	}

	g.Emulator.ClearFaults()
	// After the timeout the breaker half-opens; its probes (two) succeed and
	// close it. Until then calls may still fail fast.
	// The deadline is a hang guard far above breakerTimeout, not a bound
	// under test: the breaker's own timer decides when it half-opens.
	eventually(t, 10*time.Second, "breaker half-opens and its probes close it", func() bool {
		res := g.Do("GET", path, tok, nil)
		if res.Status != 200 && res.Status != 503 {
			t.Fatalf("while recovering: got %d %s, want 200 or 503", res.Status, res.Raw)
		}
		return res.Status == 200 && g.Service.Admin.BreakerState() == "closed"
	})
	if r := g.Do("GET", "/readyz", "", nil); r.Status != 200 || upstreamCheck(r) != "closed" {
		t.Errorf("readyz after recovery: got %d %s, want 200 with checks.upstream closed", r.Status, r.Raw)
	}
}

func upstreamCheck(r *apitest.Response) any {
	checks, _ := r.JSON["checks"].(map[string]any)
	return checks["upstream"]
}
