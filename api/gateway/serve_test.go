package gateway

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// holdTransport parks the first e签宝 call made after arm until release
// is closed, so a test can keep a request in flight without sleeping.
type holdTransport struct {
	base    http.RoundTripper
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func newHoldTransport() *holdTransport {
	return &holdTransport{base: http.DefaultTransport, entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.armed.CompareAndSwap(true, false) {
		close(h.entered)
		<-h.release
	}
	return h.base.RoundTrip(r)
}

// TestGracefulShutdown runs serve on a bolt store and the emulator, keeps
// one API call in flight, ends serve's context and checks the order:
// readiness 503 while the listener still answers, the in-flight call ends
// 200, serve returns nil, and only then is the store closed.
func TestGracefulShutdown(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{AppID: "7438000000shut", AppSecret: "shutdown-test-esign-secret"})
	var cfg Config
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Server.ShutdownDelay = time.Hour // held by the test through gateway.after
	cfg.Server.ShutdownTimeout = 30 * time.Second
	cfg.Store.Path = filepath.Join(t.TempDir(), "gw.db")
	cfg.Esign.BaseURL, cfg.Esign.AppID, cfg.Esign.AppSecret = emu.URL(), "7438000000shut", "shutdown-test-esign-secret"
	cfg.Esign.Timeout, cfg.Esign.CallTimeout = 30*time.Second, 30*time.Second
	hold := newHoldTransport()
	cfg.Esign.Transport = hold
	cfg.Dingtalk.Apps = []service.App{{Key: "suite", Secret: "suite-secret", Type: service.AppISVEnterprise, Corps: []string{"corp1"}}}
	cfg.Dingtalk.InitialQuota = 10
	cfg.Admin.Token = "admin-token"

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs testkit.Buffer
	cfg.Hooks.Out = &logs
	g, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := g.Listen()
	if err != nil {
		t.Fatal(err)
	}
	delaying, endDelay := make(chan struct{}), make(chan time.Time)
	after := func(time.Duration) <-chan time.Time { close(delaying); return endDelay }
	done := make(chan error, 1)
	go func() {
		err := g.Serve(ctx, ln, after)
		g.Close()
		done <- err
	}()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if status, body := call(t, client, "GET", base+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz before shutdown: %d %s", status, body)
	}
	tok, err := g.Services.Tokens.Mint(ctx, "suite", "corp1")
	if err != nil {
		t.Fatal(err)
	}
	_, uploadPath := api.Route("GetFileUploadUrl", "esign_2.0")
	upload := `{"contentMd5":"1B2M2Y8AsgTpgAmY7PhCfg==","contentType":"application/pdf","convert2Pdf":false,"fileName":"a.pdf","fileSize":10}`
	if status, body := call(t, client, "POST", base+uploadPath, tok.AccessToken, upload); status != 200 {
		t.Fatalf("uploadUrls: %d %s", status, body)
	}
	_, metrics := call(t, client, "GET", base+"/metrics", "", "")
	for _, want := range []string{
		`esigngw_http_requests_total{code_class="2xx",method="POST",route="` + uploadPath + `"} 1`,
		`esigngw_upstream_requests_total{operation="UploadURL",outcome="ok"} 1`,
		`esigngw_store_operation_duration_seconds_count{operation="Ping"}`,
		`esigngw_build_info{goversion="`, "esigngw_outbox_depth 0", "esigngw_upstream_breaker_state 0",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	hold.armed.Store(true)
	type result struct {
		status int
		body   string
	}
	inflight := make(chan result, 1)
	go func() {
		status, body := call(t, client, "POST", base+uploadPath, tok.AccessToken, upload)
		inflight <- result{status, body}
	}()
	<-hold.entered
	cancel() // what SIGTERM does
	<-delaying

	status, body := call(t, client, "GET", base+"/readyz", "", "")
	var nr struct {
		Code   string         `json:"code"`
		Checks map[string]any `json:"checks"`
	}
	_ = json.Unmarshal([]byte(body), &nr)
	if status != 503 || nr.Code != "ServiceUnavailable" || nr.Checks["shutdown"] != true || nr.Checks["store"] != "ok" {
		t.Errorf("readyz while draining: %d %s, want 503 with checks.shutdown true", status, body)
	}
	if status, body := call(t, client, "GET", base+"/livez", "", ""); status != 200 {
		t.Errorf("livez while draining: %d %s, want 200", status, body)
	}
	select {
	case r := <-inflight:
		t.Fatalf("the held call ended before it was released: %d %s", r.status, r.body)
	default:
	}

	close(endDelay) // the listener closes; the held call keeps the server up
	close(hold.release)
	if r := <-inflight; r.status != 200 {
		t.Errorf("in-flight call: %d %s, want 200", r.status, r.body)
	}
	if err := <-done; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	if err := g.Store.Ping(context.Background()); err == nil {
		t.Error("the store is still open after serve returned")
	}
	for _, want := range []string{`"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s", want)
		}
	}
}

// call sends one request and returns the status and body.
func call(t *testing.T, c *http.Client, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set(service.TokenHeader, token)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}
