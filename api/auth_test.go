package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"esign-gateway/api/apitest"
)

// TestTokenEndpoints covers the three oauth2 token routes and their errors.
func TestTokenEndpoints(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tests := []struct {
		name, path string
		body       any
		wantStatus int
		wantCode   string
	}{
		{"corp token", "/v1.0/oauth2/corpAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "authCorpId": apitest.CorpA, "suiteTicket": "t"}, 200, ""},
		{"corp token wrong secret", "/v1.0/oauth2/corpAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": "nope", "authCorpId": apitest.CorpA, "suiteTicket": "t"}, 400, "invalidSuiteKey"},
		{"corp token unknown key", "/v1.0/oauth2/corpAccessToken", map[string]string{"suiteKey": "x", "suiteSecret": "y", "authCorpId": apitest.CorpA, "suiteTicket": "t"}, 400, "invalidSuiteKey"},
		{"corp token no ticket", "/v1.0/oauth2/corpAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "authCorpId": apitest.CorpA}, 400, "invalidSuiteTicket"},
		{"corp token unauthorized corp", "/v1.0/oauth2/corpAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "authCorpId": "corp-z", "suiteTicket": "t"}, 400, "invalidAuthInfo"},
		{"corp token bad json", "/v1.0/oauth2/corpAccessToken", `{"suiteKey":`, 400, "invalidRequest.invalidAguemnts"},
		{"app token", "/v1.0/oauth2/accessToken", map[string]string{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret}, 200, ""},
		{"app token wrong secret", "/v1.0/oauth2/accessToken", map[string]string{"appKey": apitest.InternalKey, "appSecret": "x"}, 400, "invalidClientIdOrSecret"},
		{"app token for a suite key", "/v1.0/oauth2/accessToken", map[string]string{"appKey": apitest.SuiteKey, "appSecret": apitest.SuiteSecret}, 400, "invalidClientIdOrSecret"},
		{"suite token", "/v1.0/oauth2/suiteAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "suiteTicket": "t"}, 200, ""},
		{"suite token wrong secret", "/v1.0/oauth2/suiteAccessToken", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": "x", "suiteTicket": "t"}, 400, "invalidClientIdOrSecret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Do("POST", tt.path, "", tt.body)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Raw)
			}
			if tt.wantCode != "" {
				checkError(t, res, tt.wantCode)
				return
			}
			if tok, _ := res.JSON["accessToken"].(string); tok == "" {
				t.Errorf("no accessToken: %s", res.Raw)
			}
			if exp, ok := res.JSON["expireIn"].(float64); !ok || exp != 7200 {
				t.Errorf("expireIn %v, want the number 7200", res.JSON["expireIn"])
			}
		})
	}
}

// checkError asserts a DingTalk error body: code, message and the same
// request id as the x-acs-request-id header.
func checkError(t *testing.T, res *apitest.Response, code string) {
	t.Helper()
	if got := res.JSON["code"]; got != code {
		t.Errorf("code %v, want %s: %s", got, code, res.Raw)
	}
	if msg, _ := res.JSON["message"].(string); msg == "" {
		t.Errorf("no message: %s", res.Raw)
	}
	rid := res.Header.Get("x-acs-request-id")
	if rid == "" || res.JSON["requestid"] != rid {
		t.Errorf("requestid %v, header %q", res.JSON["requestid"], rid)
	}
}

// TestAuthErrors covers the token checks every e签宝 action goes through.
func TestAuthErrors(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			internal := g.Do("POST", "/v1.0/oauth2/accessToken", "", map[string]string{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret}).JSON["accessToken"].(string)
			personal := g.Do("POST", "/v1.0/oauth2/accessToken", "", map[string]string{"appKey": apitest.PersonalKey, "appSecret": apitest.AppSecret}).JSON["accessToken"].(string)
			suite := g.Do("POST", "/v1.0/oauth2/suiteAccessToken", "", map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "suiteTicket": "t"}).JSON["accessToken"].(string)
			good := g.Token(apitest.CorpA)
			const v1, v2 = "/v1.0/esign/contracts/margin", "/v2.0/esign/margins"
			// esign_2.0's pages take internal and third-party enterprise
			// apps, esign_1.0's third-party enterprise apps only.
			tests := []struct {
				name, token, path string
				wantStatus        int
				wantCode          string
			}{
				{"missing", "", v2, 400, "AuthenticationFailed.MissingParameter"},
				{"garbage", "not-a-token", v2, 400, "InvalidAuthentication"},
				{"tampered", good[:len(good)-2] + "xx", v2, 400, "InvalidAuthentication"},
				{"internal app on esign_2.0", internal, v2, 200, ""},
				{"internal app on esign_1.0", internal, v1, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied"},
				{"third-party app on esign_1.0", good, v1, 200, ""},
				{"personal app", personal, v2, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied"},
				{"suite token", suite, v2, 403, "Forbidden.AccessDenied.AccessTokenPermissionDenied"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					res := g.Do("GET", tt.path, tt.token, nil)
					if res.Status != tt.wantStatus {
						t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Raw)
					}
					if tt.wantStatus == 200 {
						return
					}
					checkError(t, res, tt.wantCode)
					if tt.wantStatus == 403 {
						d, _ := res.JSON["accessdenieddetail"].(map[string]any)
						if d == nil || d["requiredScopes"] == nil {
							t.Errorf("no accessdenieddetail.requiredScopes: %s", res.Raw)
						}
					}
				})
			}
			t.Run("token in query or bearer is not accepted", func(t *testing.T) {
				req := httptest.NewRequest("GET", "/v2.0/esign/margins?access_token="+good, nil)
				req.Header.Set("Authorization", "Bearer "+good)
				res := g.Serve(req)
				if res.Status != 400 {
					t.Fatalf("status %d", res.Status)
				}
				checkError(t, res, "AuthenticationFailed.MissingParameter")
			})
		})
	}
}

// TestCancelCorpAuthRevokesTokens: after CancelCorpAuth every token of the
// corp is refused, a new one works, and e签宝 actions need re-authorization.
func TestCancelCorpAuthRevokesTokens(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			old1, old2 := g.Token(apitest.CorpB), g.Token(apitest.CorpB)
			other := g.Token(apitest.CorpA)
			if res := g.Do("POST", "/v2.0/esign/auths/cancel", old1, nil); res.Status != 200 || res.JSON["result"] != true {
				t.Fatalf("cancel: %d %s", res.Status, res.Raw)
			}
			for _, tok := range []string{old1, old2} {
				if res := g.Do("GET", "/v2.0/esign/margins", tok, nil); res.Status != 400 || res.JSON["code"] != "InvalidAuthentication" {
					t.Errorf("revoked token: %d %s", res.Status, res.Raw)
				}
			}
			if res := g.Do("GET", "/v2.0/esign/margins", other, nil); res.Status != 200 {
				t.Errorf("other corp's token: %d %s", res.Status, res.Raw)
			}
			fresh := g.Token(apitest.CorpB)
			res := g.Do("GET", "/v2.0/esign/corps/appStatus", fresh, nil)
			if res.Status != 200 || res.JSON["authStatus"] != "UNAUTH" {
				t.Errorf("status after cancel: %d %s", res.Status, res.Raw)
			}
			if res := g.Do("GET", "/v2.0/esign/corps/infos", fresh, nil); res.Status != 403 || res.JSON["code"] != "Forbidden.AccessDenied.AccessTokenPermissionDenied" {
				t.Errorf("corp info after cancel: %d %s", res.Status, res.Raw)
			}
			// Re-authorize through the consent page.
			au := g.Do("POST", "/v2.0/esign/auths/urls", fresh, map[string]string{})
			page := strings.TrimPrefix(au.JSON["pcUrl"].(string), g.URL)
			if res := g.Consent(page, agree); res.Status != 200 {
				t.Fatalf("consent: %d %s", res.Status, res.Raw)
			}
			if res := g.Do("GET", "/v2.0/esign/corps/infos", fresh, nil); res.Status != 200 {
				t.Errorf("corp info after consent: %d %s", res.Status, res.Raw)
			}
			c, _ := g.Store.Corp(context.Background(), apitest.CorpB)
			if !c.Authorized || c.SaaSOrgID == "" {
				t.Errorf("corp after consent: %+v", c)
			}
		})
	}
}
