package api_test

import (
	"net/http"
	"testing"
	"time"

	"esign-gateway/api/apitest"
)

// Run with: go test ./api -run '^$' -bench . -benchmem
// The bodies are in apitest (bench.go), shared with the harness in
// test/bench.

// BenchmarkGetFlowDetailCached is the hot path: token, corp epoch and the
// flow detail all cached, through the real router.
func BenchmarkGetFlowDetailCached(b *testing.B) {
	for _, st := range apitest.Stores {
		b.Run(st, func(b *testing.B) { apitest.BenchFlowDetail(b, st, 2*time.Second) })
	}
}

// BenchmarkGetFlowDetailUncached reads the task and log from the store and
// calls the emulator (flow and signers) over loopback on every request.
func BenchmarkGetFlowDetailUncached(b *testing.B) {
	for _, st := range apitest.Stores {
		b.Run(st, func(b *testing.B) { apitest.BenchFlowDetail(b, st, 0) })
	}
}

// BenchmarkTokenVerify checks a recently seen token (Service.Authenticate).
func BenchmarkTokenVerify(b *testing.B) { apitest.BenchTokenVerify(b) }

// BenchmarkSignRequest signs a typical e签宝 GET and POST.
func BenchmarkSignRequest(b *testing.B) {
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		b.Run(m, func(b *testing.B) { apitest.BenchSignRequest(b, m) })
	}
}
