package api_test

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
	"esign-gateway/test/testkit"
)

// credentialSpy remembers every credential the gateway sends to e签宝:
// request signatures and, in token mode, access tokens.
type credentialSpy struct {
	mu     sync.Mutex
	values []string
}

func (s *credentialSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	for _, h := range []string{"X-Tsign-Open-Ca-Signature", "X-Tsign-Open-Token"} {
		if v := r.Header.Get(h); v != "" {
			s.values = append(s.values, v)
		}
	}
	s.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestLogsKeepSecrets runs a whole session (token endpoints, actions with
// tokens, a forged token, admin calls, signed callbacks, upstream failures
// in both e签宝 auth modes) at debug level and checks no credential appears
// in the logs, while every request still gets its access-log line.
func TestLogsKeepSecrets(t *testing.T) {
	for _, mode := range []string{esign.AuthSignature, esign.AuthToken} {
		t.Run(mode, func(t *testing.T) {
			var logs testkit.Buffer
			spy := &credentialSpy{}
			emu := esigntest.Start(t, esigntest.Config{AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret})
			g := apitest.New(t, apitest.Options{Emulator: emu, Log: &logs, Esign: func(c *esign.Config) {
				c.AuthMode, c.Transport = mode, spy
			}})
			secrets := map[string]string{"suite secret": apitest.SuiteSecret, "app secret": apitest.AppSecret,
				"e签宝 secret": apitest.EsignSecret, "admin token": apitest.AdminToken, "signing key": apitest.SigningKey}
			requests := 0
			do := func(method, path, token string, body any) *apitest.Response {
				requests++
				return g.Do(method, path, token, body)
			}

			res := do("POST", "/v1.0/oauth2/corpAccessToken", "", map[string]any{"suiteKey": apitest.SuiteKey,
				"suiteSecret": apitest.SuiteSecret, "authCorpId": apitest.CorpA, "suiteTicket": "ticket"})
			tok, _ := res.JSON["accessToken"].(string)
			if tok == "" {
				t.Fatalf("corpAccessToken: %d %s", res.Status, res.Raw)
			}
			secrets["access token"] = tok
			do("POST", "/v1.0/oauth2/accessToken", "", map[string]any{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret})
			do("POST", "/v1.0/oauth2/accessToken", "", map[string]any{"appKey": apitest.InternalKey, "appSecret": "wrong-app-secret-guess"})
			secrets["wrong app secret"] = "wrong-app-secret-guess"

			task := g.CreateFlow(tok, nil) // uploadUrls + startAtOnce
			requests += 2
			do("GET", "/v2.0/esign/flowTasks/"+task, tok, nil)
			do("GET", "/v1.0/esign/flows/detail?taskId="+task+"&access_token="+tok, tok, nil)
			forged := tok[:strings.LastIndexByte(tok, '.')+1] + "Zm9yZ2VkLXNpZ25hdHVyZQ"
			secrets["forged token"] = forged
			do("GET", "/v2.0/esign/flowTasks/"+task, forged, nil)

			emu.SetFault(esigntest.Fault{PathPrefix: "/v1/signflows/", Status: 401, Count: 1})
			do("GET", "/v2.0/esign/flowTasks/"+task, tok, nil)
			emu.SetFault(esigntest.Fault{PathPrefix: "/v1/signflows/", Reset: true, Count: 3})
			do("GET", "/v2.0/esign/signTasks/"+task, tok, nil)

			for _, bearer := range []string{apitest.AdminToken, "wrong-admin-token-guess"} {
				req := httptest.NewRequest("GET", "/admin/status", nil)
				req.Header.Set("Authorization", "Bearer "+bearer)
				g.Serve(req)
				requests++
			}
			secrets["wrong admin token"] = "wrong-admin-token-guess"

			body := []byte(`{"action":"SIGN_FLOW_UPDATE","flowId":"` + g.FlowID(task) + `","signResult":2,"timestamp":1}`)
			now := time.Now().UnixMilli()
			good := signCallback(apitest.EsignSecret, now, body)
			bad := signCallback("not-the-secret", now, body)
			secrets["callback signature"], secrets["bad callback signature"] = good, bad
			for _, sig := range []string{good, bad} {
				req := httptest.NewRequest("POST", "/esign/callback", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Tsign-Open-App-Id", apitest.EsignAppID)
				req.Header.Set("X-Tsign-Open-TIMESTAMP", strconv.FormatInt(now, 10))
				req.Header.Set("X-Tsign-Open-SIGNATURE", sig)
				req.Header.Set("X-Tsign-Open-SIGNATURE-ALGORITHM", "hmac-sha256")
				g.Serve(req)
				requests++
			}

			out := logs.String()
			for name, v := range secrets {
				if strings.Contains(out, v) {
					t.Errorf("the logs contain the %s", name)
				}
			}
			if i := strings.LastIndexByte(tok, '.'); strings.Contains(out, tok[i+1:]) {
				t.Error("the logs contain an access token's signature")
			}
			spy.mu.Lock()
			if len(spy.values) == 0 {
				t.Error("no upstream credential was seen; the spy is not wired")
			}
			for _, v := range spy.values {
				if strings.Contains(out, v) {
					t.Errorf("the logs contain an upstream credential (%d chars)", len(v))
				}
			}
			spy.mu.Unlock()
			checkAccessLog(t, out, requests)
		})
	}
}

// signCallback is e签宝's callback signature for a notify URL without a
// query: hex HMAC-SHA256 over timestamp and body.
func signCallback(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// checkAccessLog wants one "request" line per request with its fields,
// app and corp on authenticated calls, and route templates, never paths.
func checkAccessLog(t *testing.T, out string, requests int) {
	t.Helper()
	lines, withCaller := 0, 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("not a JSON log line: %s", sc.Bytes())
		}
		if rec["msg"] != "request" {
			continue
		}
		lines++
		for _, k := range []string{"requestid", "method", "route", "status", "duration"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("access log line without %s: %s", k, sc.Bytes())
			}
		}
		if route, _ := rec["route"].(string); strings.Contains(route, "tk") || strings.Contains(route, "?") {
			t.Errorf("route %q is a path, want a template", route)
		}
		if rec["app"] == apitest.SuiteKey && rec["corp"] == apitest.CorpA {
			withCaller++
		}
	}
	if lines != requests {
		t.Errorf("got %d access log lines, want %d", lines, requests)
	}
	if withCaller < 4 {
		t.Errorf("got %d lines naming app and corp, want the authenticated calls' (at least 4)", withCaller)
	}
}
