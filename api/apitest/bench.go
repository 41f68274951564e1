package apitest

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"esign-gateway/api/gateway"
	"esign-gateway/esign"
	"esign-gateway/service"
)

// The benchmark bodies live here so that `go test -bench` in package api
// and the harness in test/bench (through testing.Benchmark) measure the
// same thing.

// BenchGateway starts a gateway configured like production for a benchmark
// (gateway.New: access log at warn, as the harness runs it, and metrics),
// with no rate limit and the read caches kept for ttl (0: off).
func BenchGateway(b testing.TB, storeKind string, ttl time.Duration) *Gateway {
	if ttl == 0 {
		ttl = -1 // off
	}
	return New(b, Options{Store: storeKind, Config: func(c *gateway.Config) {
		c.Log.Level = "warn"
		c.Cache.TTL = ttl
	}})
}

// BenchFlowDetail measures esign_2.0 GetFlowDetail through the
// real router on a gateway from BenchGateway, with a seeded flow of two
// signers. With ttl > 0 every call after the first is a cache hit.
func BenchFlowDetail(b *testing.B, storeKind string, ttl time.Duration) {
	BenchFlowDetailOn(b, BenchGateway(b, storeKind, ttl))
}

// BenchFlowDetailOn is BenchFlowDetail on a gateway of the caller's.
func BenchFlowDetailOn(b *testing.B, g *Gateway) {
	token := g.Token(CorpA)
	task := g.CreateFlow(token, nil)
	req := httptest.NewRequest(http.MethodGet, Path("GetFlowDetail", "esign_2.0", "taskId", task), nil)
	req.Header.Set(service.TokenHeader, token)
	w := &discardWriter{h: http.Header{}}
	g.Router.ServeHTTP(w, req) // fill the caches and the name cache
	if w.status != http.StatusOK {
		b.Fatalf("GetFlowDetail: status %d", w.status)
	}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		g.Router.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("GetFlowDetail: status %d", w.status)
		}
	}
}

// BenchTokenVerify measures Service.Authenticate for a token it has seen
// before: signature check cached, corp revocation epoch cached.
func BenchTokenVerify(b *testing.B) {
	g := BenchGateway(b, "bolt", 0)
	req := httptest.NewRequest(http.MethodGet, Path("GetFlowDetail", "esign_2.0", "taskId", "x"), nil)
	req.Header.Set(service.TokenHeader, g.Token(CorpA))
	if _, err := g.Service.Tokens.Authenticate(req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Service.Tokens.Authenticate(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchSignRequest measures signing one upstream call as the e签宝 client
// does: a GET of a flow, or a POST whose 1 KiB JSON body is hashed
// (Content-MD5) and signed.
func BenchSignRequest(b *testing.B, method string) {
	body := make([]byte, 1024)
	for i := range body {
		body[i] = 'a'
	}
	url := "http://esign.example/v1/signflows/0123456789abcdef0123456789abcdef"
	if method == http.MethodPost {
		url = "http://esign.example/api/v2/signflows/createFlowOneStep"
	}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if method == http.MethodPost {
			sum := md5.Sum(body)
			req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
		}
		esign.SignRequest(req, EsignAppID, EsignSecret, now)
	}
}

// discardWriter is a ResponseWriter that keeps only the status, so a
// benchmark counts the gateway's allocations rather than a recorder's.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

func (w *discardWriter) reset() {
	clear(w.h)
	w.status = 0
}
