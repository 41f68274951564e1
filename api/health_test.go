package api_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/esign/esigntest"
)

// TestProbes: /livez checks nothing, /readyz and its alias /healthz check
// the lifecycle, the e签宝 breaker and the store, and name what failed.
func TestProbes(t *testing.T) {
	shuttingDown := errors.New("shutting down")
	tests := []struct {
		name string
		// setup breaks something in g; lifecycle is Deps.Ready's answer.
		setup      func(t *testing.T, g *apitest.Gateway)
		lifecycle  error
		wantStatus int
		wantChecks map[string]any
		wantInMsg  string
	}{
		{"ready", nil, nil, 200, map[string]any{"store": "ok", "upstream": "closed", "shutdown": false}, ""},
		{"shutting down", nil, shuttingDown, 503, map[string]any{"store": "ok", "upstream": "closed", "shutdown": true}, "not ready: shutting down"},
		{"breaker open", tripBreaker, nil, 503, map[string]any{"store": "ok", "upstream": "open", "shutdown": false}, "not ready: upstream: e签宝 circuit breaker open"},
		{"store down", func(t *testing.T, g *apitest.Gateway) { g.Store.Close() }, nil, 503,
			map[string]any{"upstream": "closed", "shutdown": false}, "not ready: store: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Router: func(d *api.Config) {
				d.Ready = func(context.Context) error { return tt.lifecycle }
			}})
			if tt.setup != nil {
				tt.setup(t, g)
			}
			if res := g.Do("GET", "/livez", "", nil); res.Status != 200 || res.JSON["status"] != "ok" {
				t.Errorf("livez: got %d %s, want 200 ok whatever else is broken", res.Status, res.Raw)
			}
			for _, path := range []string{"/readyz", "/healthz"} {
				res := g.Do("GET", path, "", nil)
				if res.Status != tt.wantStatus {
					t.Fatalf("%s: got %d %s, want %d", path, res.Status, res.Raw, tt.wantStatus)
				}
				checks, _ := res.JSON["checks"].(map[string]any)
				for k, want := range tt.wantChecks {
					if checks[k] != want {
						t.Errorf("%s: checks.%s = %v, want %v", path, k, checks[k], want)
					}
				}
				if tt.wantStatus == 200 {
					continue
				}
				msg, _ := res.JSON["message"].(string)
				if res.JSON["code"] != "ServiceUnavailable" || !strings.HasPrefix(msg, tt.wantInMsg) {
					t.Errorf("%s: got code %v message %q, want ServiceUnavailable %q...", path, res.JSON["code"], msg, tt.wantInMsg)
				}
				if res.JSON["requestid"] == "" || res.JSON["requestid"] != res.Header.Get("x-acs-request-id") {
					t.Errorf("%s: requestid %v does not match header %q", path, res.JSON["requestid"], res.Header.Get("x-acs-request-id"))
				}
				if tt.name == "store down" && !strings.HasPrefix(checks["store"].(string), "error: ") {
					t.Errorf("%s: checks.store = %v, want error: ...", path, checks["store"])
				}
			}
		})
	}
}

// tripBreaker makes e签宝 fail until the gateway's breaker opens.
func tripBreaker(t *testing.T, g *apitest.Gateway) {
	t.Helper()
	g.Emulator.SetFault(esigntest.Fault{Status: 503})
	tok := g.Token(apitest.CorpA)
	body := map[string]any{"contentMd5": "1B2M2Y8AsgTpgAmY7PhCfg==", "contentType": "application/pdf", "fileName": "a.pdf", "fileSize": 10}
	for i := 0; i < 10 && g.Service.Admin.BreakerState() != "open"; i++ {
		g.Call("GetFileUploadUrl", "esign_2.0", tok, body)
	}
	if s := g.Service.Admin.BreakerState(); s != "open" {
		t.Fatalf("breaker %s after 10 failures, want open", s)
	}
}
