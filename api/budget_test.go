package api_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"esign-gateway/api/apitest"
)

// requestBudget is the memory one request may allocate at the largest
// body the gateway takes (server.body_limit, 1 MiB, with every list at its
// maxItems): with server.max_in_flight 256 requests at once that is at
// most 256 × requestBudget of garbage in flight, and in practice far less
// (README, reliability).
const requestBudget = 48 << 20

// TestLargestRequestMemory sends the largest CreateProcess the gateway
// takes and measures what the process allocates for it (runtime
// TotalAlloc, the sum of every allocation: an upper bound on what the
// request holds at once), then the same again with its accounts known.
// Both must stay within requestBudget.
func TestLargestRequestMemory(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	contract := g.Upload(tok, "c.pdf", apitest.PDF)
	attachment := g.Upload(tok, "a.pdf", apitest.PDF)
	body := apitest.LargestCreateProcess(contract, attachment, 1<<20)
	for _, round := range []string{"new accounts", "known accounts"} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		calls := g.Emulator.CallCount("")
		res := g.Call("CreateProcess", "esign_2.0", tok, json.RawMessage(body))
		runtime.ReadMemStats(&after)
		calls = g.Emulator.CallCount("") - calls
		if res.Status != 200 {
			t.Fatalf("%s: got %d %.300s", round, res.Status, res.Raw)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("largest CreateProcess (%d bytes, %s): %.1f MiB allocated, %d objects, %d e签宝 calls", len(body), round,
			float64(alloc)/(1<<20), after.Mallocs-before.Mallocs, calls)
		if alloc > requestBudget {
			t.Errorf("%s: %d bytes allocated, budget %d", round, alloc, requestBudget)
		}
	}

	// The amplifier of issue 13: one owned file named 50 times and 600
	// signers with "1,2" (60,000 sign fields from a 50 KB body). Refused
	// before any work: within the budget and without an e签宝 call.
	files := make([]map[string]any, 50)
	for i := range files {
		files[i] = map[string]any{"fileId": contract, "fileName": "c.pdf", "fileType": 1}
	}
	parts := make([]map[string]any, 600)
	for i := range parts {
		parts[i] = map[string]any{"accountType": "DING_USER", "userId": fmt.Sprintf("amp-u%d", i), "signRequirements": "1,2"}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	calls := g.Emulator.CallCount("")
	res := g.Call("CreateProcess", "esign_2.0", tok, map[string]any{"taskName": "amp", "initiatorUserId": "amp-u0", "files": files, "participants": parts})
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	n := g.Emulator.CallCount("") - calls
	t.Logf("amplifier (600 signers × 50 files × 2): %d, %.1f MiB allocated, %d e签宝 calls", res.Status, float64(alloc)/(1<<20), n)
	if res.Status != 400 || alloc > requestBudget || n != 0 {
		t.Errorf("amplifier: got %d with %d bytes allocated and %d e签宝 calls, want 400 within %d bytes and none", res.Status, alloc, n, requestBudget)
	}
}
