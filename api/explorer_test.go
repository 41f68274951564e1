package api_test

import (
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// TestExplorer: the page and its files are served with a same-origin CSP,
// and the demo credentials only when the gateway is a demo.
func TestExplorer(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	files := []struct{ path, contentType, contains string }{
		{"/explorer", "text/html; charset=utf-8", `id="token-get"`},
		{"/explorer/explorer.js", "text/javascript; charset=utf-8", "x-dingtalk-sdk"},
		{"/explorer/explorer.css", "text/css; charset=utf-8", ".sidebar"},
	}
	for _, f := range files {
		res := g.Do("GET", f.path, "", nil)
		if res.Status != 200 || res.Header.Get("Content-Type") != f.contentType || !strings.Contains(string(res.Raw), f.contains) {
			t.Errorf("GET %s: %d %q, want 200 %q containing %q", f.path, res.Status, res.Header.Get("Content-Type"), f.contentType, f.contains)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe") || strings.Contains(csp, "http") {
			t.Errorf("GET %s: CSP %q, want only 'self'", f.path, csp)
		}
	}
	page := string(g.Do("GET", "/explorer", "", nil).Raw)
	for _, id := range []string{"token-get", "token-status", "search", "send", "resp-status", "resp-body", "curl", "node"} {
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("page has no #%s", id)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " style=") || strings.Contains(page, "://") {
		t.Error("page has inline script or style, or loads something from elsewhere")
	}

	tests := []struct {
		name string
		demo *api.DemoInfo
		want map[string]any
	}{
		{"not a demo", nil, map[string]any{"demo": false}},
		{"demo", &api.DemoInfo{SuiteKey: "k", SuiteSecret: "s", CorpID: "c"},
			map[string]any{"demo": true, "suiteKey": "k", "suiteSecret": "s", "corpId": "c"}},
	}
	for _, tc := range tests {
		g := apitest.New(t, apitest.Options{Router: func(d *api.Config) { d.Demo = tc.demo }})
		res := g.Do("GET", "/explorer/config.json", "", nil)
		if len(res.JSON) != len(tc.want) {
			t.Errorf("%s: config %s, want %v", tc.name, res.Raw, tc.want)
		}
		for k, v := range tc.want {
			if res.JSON[k] != v {
				t.Errorf("%s: config %s = %v, want %v", tc.name, k, res.JSON[k], v)
			}
		}
	}
}
