package esigntest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestVerifierVectors rebuilds §1.7's vectors from request headers with the
// emulator's own verifier helpers.
func TestVerifierVectors(t *testing.T) {
	const ct = "application/json; charset=UTF-8"
	tests := []struct {
		name, secret, method, target, md5, ctype, wantSTS, wantSig string
	}{
		{"1 doc POST", "dummysecret", "POST", "/v3/sign-flow/create-by-file", "uxydqKBMBy6x1siClKEQ6Q==", ct,
			"POST\n*/*\nuxydqKBMBy6x1siClKEQ6Q==\n" + ct + "\n\n/v3/sign-flow/create-by-file",
			"6dYuzEqXUobDAEL97Ja5pvH3QWHpn4R5iJSWEvIsCo8="},
		{"2 GET no body", "dummysecret", "GET", "/v3/sign-flow/abc123/detail", "", ct,
			"GET\n*/*\n\n" + ct + "\n\n/v3/sign-flow/abc123/detail",
			"xG4jw3vs+xusJ0x3XkIJBwxpTHHzEHqdMGOJ45Ry8Fk="},
		{"4 sorted query", testSecret, "GET", "/v1/signflows/1234567/executeUrl?urlType=0&organizeId=0&accountId=438be8042d9843118cbca94f17dc", "", ct,
			"GET\n*/*\n\n" + ct + "\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc&organizeId=0&urlType=0",
			"Q9jG5AZA61pT12aiSL2vLT0b85d6PYNrQVdJId75sw4="},
		{"5 empty value", testSecret, "GET", "/v1/signflows/1234567/executeUrl?urlType=0&organizeId=0&accountId=438be8042d9843118cbca94f17dc&appScheme=", "", ct,
			"GET\n*/*\n\n" + ct + "\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc&appScheme&organizeId=0&urlType=0",
			"Qq5D79apKn41vKH/kSWhiXxKpv4JMuqnrvsszJzlGv4="},
		{"6 decoded Chinese", testSecret, "GET", "/v3/organizations/identity-info?" + url.Values{"orgName": {"某某科技有限公司"}, "orgIDCardType": {""}}.Encode(), "", ct,
			"GET\n*/*\n\n" + ct + "\n\n/v3/organizations/identity-info?orgIDCardType&orgName=某某科技有限公司",
			"nDtzNda+eHbtOCnJF36uYmlmmMisbTxZQNI5nH8C3Hk="},
		{"7 online tool", testSecret, "GET", "/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc", "1B2M2Y8AsgTpgAmY7PhCfg==", "application/json;charset=UTF-8",
			"GET\n*/*\n1B2M2Y8AsgTpgAmY7PhCfg==\napplication/json;charset=UTF-8\n\n/v1/signflows/1234567/executeUrl?accountId=438be8042d9843118cbca94f17dc",
			"6WCJ3s0XXtNGRJTR3+LKZogoAubHl0CRXZ+U3h35NJk="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(tt.method, "http://example"+tt.target, nil)
			r.Header.Set("Accept", "*/*")
			r.Header.Set("Content-Type", tt.ctype)
			if tt.md5 != "" {
				r.Header.Set("Content-MD5", tt.md5)
			}
			if got := requestStringToSign(r); got != tt.wantSTS {
				t.Errorf("got %q, want %q", got, tt.wantSTS)
			}
			if got := signBase64(tt.secret, requestStringToSign(r)); got != tt.wantSig {
				t.Errorf("got %v, want %v", got, tt.wantSig)
			}
		})
	}
	if got := contentMD5([]byte(`{"name":"张某人","age":18}`)); got != "jsmDBtOHeXhiozlzXsFtlg==" {
		t.Errorf("got %v, want jsmDBtOHeXhiozlzXsFtlg==", got)
	}
}

func TestSignatureAccepted(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		sp   signSpec
	}{
		{"GET no query", signSpec{method: "GET", path: "/v1/accounts/nobody"}},
		{"GET Chinese and empty values", signSpec{method: "GET", path: "/v1/accounts/getByThirdId",
			query: url.Values{"thirdPartyUserId": {"张三 & co"}, "empty": {""}}}},
		{"POST body", signSpec{method: "POST", path: "/v1/accounts/createByThirdPartyUserId",
			body: []byte(`{"thirdPartyUserId":"sig-ok","name":"张三"}`)}},
		{"Date signed", signSpec{method: "GET", path: "/v1/accounts/x", date: "Mon, 02 Nov 2026 10:00:00 GMT"}},
		{"Headers block", signSpec{method: "GET", path: "/v1/accounts/x", extra: map[string]string{"X-Extra-B": "2", "X-Extra-A": "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := send(t, nil, e.sig.request(t, tt.sp))
			if status != http.StatusOK || !strings.HasPrefix(string(body), `{"code":`) {
				t.Errorf("got %d %s, want 200 envelope", status, body)
			}
		})
	}
	if n := len(e.s.Calls()); n != len(tests) {
		t.Errorf("got %d calls, want %d", n, len(tests))
	}
	for _, c := range e.s.Calls() {
		if c.Auth != "signature" {
			t.Errorf("got auth %q, want signature", c.Auth)
		}
	}
}

func TestSignatureRejected(t *testing.T) {
	e := newEnv(t, nil)
	body := []byte(`{"thirdPartyUserId":"x"}`)
	del := func(k string) func(http.Header) { return func(h http.Header) { h.Del(k) } }
	set := func(k, v string) func(http.Header) { return func(h http.Header) { h.Set(k, v) } }
	tests := []struct {
		name string
		sp   signSpec
		want string
	}{
		{"no app id", signSpec{mutate: del(hAppID)}, "缺少参数"},
		{"no timestamp", signSpec{mutate: del(hTimestamp)}, "缺少参数"},
		{"no signature", signSpec{mutate: del(hSignature)}, "缺少参数"},
		{"wrong app before anything", signSpec{mutate: func(h http.Header) { h.Set(hAppID, "5111"); h.Del(hTimestamp) }}, "无效的应用"},
		{"no auth mode no token", signSpec{mutate: del(hAuthMode)}, "TOKEN_CANT_BE_NULL"},
		{"bad auth mode", signSpec{mutate: set(hAuthMode, "signature")}, "AUTHSTRATEGY_NOT_FOUND"},
		{"seconds timestamp", signSpec{mutate: set(hTimestamp, strconv.FormatInt(newClock().Now().Unix(), 10))}, "INVALID_TIMESTAMP"},
		{"stale timestamp", signSpec{mutate: set(hTimestamp, strconv.FormatInt(newClock().Now().Add(-16*time.Minute).UnixMilli(), 10))}, "INVALID_TIMESTAMP"},
		{"future timestamp", signSpec{mutate: set(hTimestamp, strconv.FormatInt(newClock().Now().Add(16*time.Minute).UnixMilli(), 10))}, "INVALID_TIMESTAMP"},
		{"body without Content-MD5", signSpec{method: "POST", body: body, mutate: del("Content-MD5")}, "INVALID_SIGNATURE"},
		{"wrong Content-MD5", signSpec{method: "POST", body: body, mutate: set("Content-MD5", b64md5([]byte("{}")))}, "INVALID_SIGNATURE"},
		{"Accept differs", signSpec{mutate: set("Accept", "application/json")}, "INVALID_SIGNATURE"},
		{"Content-Type differs", signSpec{mutate: set("Content-Type", "application/json;charset=UTF-8")}, "INVALID_SIGNATURE"},
		{"unsigned Date", signSpec{mutate: set("Date", "Mon, 02 Nov 2026 10:00:00 GMT")}, "INVALID_SIGNATURE"},
		{"garbage signature", signSpec{mutate: set(hSignature, "AAAA")}, "INVALID_SIGNATURE"},
		{"token mode bad token", signSpec{mutate: func(h http.Header) { h.Del(hAuthMode); h.Set(hToken, "nope") }}, "TOKEN错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := tt.sp
			if sp.method == "" {
				sp.method = "GET"
			}
			sp.path = "/v1/accounts/createByThirdPartyUserId"
			status, h, got := send(t, nil, e.sig.request(t, sp))
			want := `{"success":false,"code":401,"message":"` + tt.want + `"}`
			if status != http.StatusUnauthorized || string(got) != want {
				t.Errorf("got %d %s, want 401 %s", status, got, want)
			}
			if ct, ok := h["Content-Type"]; ok {
				t.Errorf("got Content-Type %v, want none", ct)
			}
		})
	}
	wrongSecret := testSigner{base: e.s.URL(), appID: testAppID, secret: "other", now: e.clk.Now}
	if status, _, got := send(t, nil, wrongSecret.request(t, signSpec{method: "GET", path: "/v1/accounts/x"})); status != 401 || !strings.Contains(string(got), "INVALID_SIGNATURE") {
		t.Errorf("wrong secret: got %d %s", status, got)
	}
	if e.s.CallCount("/v1/accounts/") != len(tests)+1 {
		t.Errorf("got %d calls, want %d", e.s.CallCount("/v1/accounts/"), len(tests)+1)
	}
}

func TestUnknownRoute(t *testing.T) {
	e := newEnv(t, nil)
	status, _, got := send(t, nil, e.sig.request(t, signSpec{method: "GET", path: "/v9/nothing"}))
	if status != 404 || string(got) != `{"code":404,"message":"not found"}` {
		t.Errorf("got %d %s, want 404 not found", status, got)
	}
	status, _, got = send(t, nil, e.sig.request(t, signSpec{method: "DELETE", path: "/v1/signflows/x"}))
	if status != 404 {
		t.Errorf("wrong method: got %d %s, want 404", status, got)
	}
	req, _ := http.NewRequest("GET", e.s.URL()+"/v9/nothing", nil)
	if status, _, _ := send(t, nil, req); status != 401 {
		t.Errorf("unauthenticated: got %d, want 401", status)
	}
}

func TestTokenMode(t *testing.T) {
	e := newEnv(t, nil)
	get := func(q url.Values) reply {
		req, _ := http.NewRequest("GET", e.s.URL()+"/v1/oauth2/access_token?"+q.Encode(), nil)
		var r reply
		status, _, b := send(t, nil, req)
		if status != 200 {
			t.Fatalf("token: got %d", status)
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	bad := get(url.Values{"appId": {testAppID}, "secret": {"wrong"}, "grantType": {"client_credentials"}})
	if bad.Code != 72000032 || bad.Message != "应用停用或应用不存在" || string(bad.Data) != "null" {
		t.Errorf("got %+v, want 72000032 with data null", bad)
	}
	tokenOf := func() (string, string) {
		r := get(url.Values{"appId": {testAppID}, "secret": {testSecret}, "grantType": {"client_credentials"}})
		var d struct{ Token, ExpiresIn, RefreshToken string }
		if err := json.Unmarshal(r.Data, &d); err != nil || r.Code != 0 || d.Token == "" || d.RefreshToken == "" {
			t.Fatalf("got %+v %v", r, err)
		}
		return d.Token, d.ExpiresIn
	}
	tok, exp := tokenOf()
	if want := strconv.FormatInt(e.clk.Now().Add(2*time.Hour).UnixMilli(), 10); exp != want {
		t.Errorf("got expiresIn %v, want %v", exp, want)
	}
	withToken := func(tok string) (int, string) {
		req, _ := http.NewRequest("GET", e.s.URL()+"/v1/accounts/x", nil)
		req.Header.Set(hAppID, testAppID)
		req.Header.Set(hToken, tok)
		status, _, b := send(t, nil, req)
		return status, string(b)
	}
	if status, b := withToken(tok); status != 200 {
		t.Errorf("valid token: got %d %s", status, b)
	}
	tok2, _ := tokenOf()
	e.clk.Add(6 * time.Minute)
	if status, b := withToken(tok); status != 401 || !strings.Contains(b, "TOKEN错误") {
		t.Errorf("superseded token after 6m: got %d %s, want 401 TOKEN错误", status, b)
	}
	if status, _ := withToken(tok2); status != 200 {
		t.Errorf("new token: got %d", status)
	}
	e.clk.Add(2 * time.Hour)
	if status, _ := withToken(tok2); status != 401 {
		t.Errorf("expired token: got %d, want 401", status)
	}
}
