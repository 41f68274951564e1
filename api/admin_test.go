package api_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// TestAdminStatus: /admin/status and /admin/ need the admin token and
// report build, store, upstream, outbox, key ids and counts.
func TestAdminStatus(t *testing.T) {
	for _, st := range apitest.Stores {
		t.Run(st, func(t *testing.T) {
			start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			now := start
			g := apitest.New(t, apitest.Options{Store: st, Router: func(d *api.Config) {
				d.Version, d.Now = "v9.9.9", func() time.Time { return now }
			}})
			tok := g.Token(apitest.CorpA)
			g.CreateFlow(tok, nil)
			now = start.Add(90 * time.Second)

			for _, path := range []string{"/admin/status", "/admin/"} {
				for _, auth := range []string{"", "Bearer wrong", "Bearer " + apitest.AdminToken + "x"} {
					if res := admin(g, path, auth); res.Status != 401 || res.Header.Get("WWW-Authenticate") == "" {
						t.Errorf("%s with %q: got %d, want 401 with WWW-Authenticate", path, auth, res.Status)
					}
				}
			}

			res := admin(g, "/admin/status", "Bearer "+apitest.AdminToken)
			if res.Status != 200 {
				t.Fatalf("status: %d %s", res.Status, res.Raw)
			}
			var s struct {
				Version       string
				Build         struct{ GoVersion string }
				UptimeSeconds int64
				Store         struct {
					Kind        string
					RoundTripMs *float64
					Error       string
				}
				Upstream struct {
					LastSuccess *time.Time
					Calls       int
					ErrorRate   float64
					P50Ms       float64
					P99Ms       float64
					Breaker     string
				}
				Outbox        struct{ Depth, OldestAgeMs *int64 }
				SigningKeyIDs []string
				Counts        struct{ Corps, Tasks, Files int64 }
			}
			if err := json.Unmarshal(res.Raw, &s); err != nil {
				t.Fatal(err)
			}
			wantKind := map[string]string{"bolt": "embedded", "redis": "redis"}[st]
			checks := []struct {
				name string
				ok   bool
			}{
				{"version", s.Version == "v9.9.9"},
				{"go version", strings.HasPrefix(s.Build.GoVersion, "go")},
				{"uptime", s.UptimeSeconds == 90},
				{"store kind", s.Store.Kind == wantKind},
				{"store round trip", s.Store.RoundTripMs != nil && s.Store.Error == ""},
				{"upstream calls", s.Upstream.Calls > 0 && s.Upstream.ErrorRate == 0 && s.Upstream.P99Ms >= s.Upstream.P50Ms},
				{"upstream last success", s.Upstream.LastSuccess != nil},
				{"breaker", s.Upstream.Breaker == "closed"},
				{"outbox", s.Outbox.Depth != nil && s.Outbox.OldestAgeMs != nil},
				{"key ids", len(s.SigningKeyIDs) == 1 && s.SigningKeyIDs[0] == "k1"},
				{"counts", s.Counts.Corps >= 1 && s.Counts.Tasks >= 1 && s.Counts.Files >= 1},
			}
			for _, c := range checks {
				if !c.ok {
					t.Errorf("%s: wrong in %s", c.name, res.Raw)
				}
			}
			if strings.Contains(string(res.Raw), apitest.SigningKey) {
				t.Error("status shows a signing key")
			}

			page := admin(g, "/admin/", "Bearer "+apitest.AdminToken)
			html := string(page.Raw)
			if page.Status != 200 || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("page: %d %s", page.Status, page.Header.Get("Content-Type"))
			}
			for _, want := range []string{`<meta http-equiv="refresh" content="10">`, "v9.9.9", wantKind, "<code>k1</code>", "closed", "up 1m30s"} {
				if !strings.Contains(html, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(html, "<script") {
				t.Error("page has a script")
			}
		})
	}
}

func admin(g *apitest.Gateway, path, auth string) *apitest.Response {
	req := httptest.NewRequest("GET", path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return g.Serve(req)
}
