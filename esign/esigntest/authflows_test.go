package esigntest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The organization authorization flow as authflow-docs.md extracts it.

func orgAuthBody(mod func(map[string]any)) map[string]any {
	b := map[string]any{
		"orgAuthConfig":   map[string]any{"orgName": "甲方科技有限公司"},
		"authorizeConfig": map[string]any{"authorizedScopes": []string{ScopeManageOrgResource, ScopeOrgApprovalInfo}},
		"redirectConfig":  map[string]any{"redirectUrl": "https://gw.example.com/pages/auth/au1"},
		"notifyUrl":       "https://gw.example.com/esign/callback",
	}
	if mod != nil {
		mod(b)
	}
	return b
}

// TestOrgAuthURLRefuses: what the page requires or lists is enforced with
// its codes.
func TestOrgAuthURLRefuses(t *testing.T) {
	e := newEnv(t, nil)
	creator := e.person("p1", "张三")
	v1Org := e.org("o1", "甲方科技有限公司", creator)
	for _, c := range []struct {
		name string
		code int
		mod  func(map[string]any)
	}{
		{"orgAuthConfig missing", 1450001, func(b map[string]any) { delete(b, "orgAuthConfig") }},
		{"unknown field", 1435002, func(b map[string]any) { b["orgAuthScopes"] = []string{"x"} }},
		{"unknown nested field", 1435002, func(b map[string]any) { b["orgAuthConfig"] = map[string]any{"orgCode": "x"} }},
		{"scope not listed", 1450002, func(b map[string]any) {
			b["authorizeConfig"] = map[string]any{"authorizedScopes": []string{"manage_everything"}}
		}},
		{"clientType", 1450002, func(b map[string]any) { b["clientType"] = "TV" }},
		{"notifyUrl not http", 1450002, func(b map[string]any) { b["notifyUrl"] = "ftp://x/cb" }},
		{"v1 orgId", errV1OnV3Code, func(b map[string]any) { b["orgAuthConfig"] = map[string]any{"orgId": v1Org} }},
		{"v1 psnId", errV1OnV3Code, func(b map[string]any) {
			b["orgAuthConfig"] = map[string]any{"orgName": "x", "transactorInfo": map[string]any{"psnId": creator}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) { e.wantCode(c.code, "POST", "/v3/org-auth-url", nil, orgAuthBody(c.mod)) })
	}
	e.wantCode(1450007, "GET", "/v3/auth-flow/OF-none", nil, nil)
	// Real-name mode (no authorizeConfig) for a verified organization.
	if err := e.s.SetRealname(v1Org, true); err != nil {
		t.Fatal(err)
	}
	e.wantCode(1450006, "POST", "/v3/org-auth-url", nil, map[string]any{"orgAuthConfig": map[string]any{"orgId": e.s.V3ID(v1Org)}})
}

// TestOrgAuthFlow: the page visit verifies and grants, GET /v3/auth-flow
// reports it, and AUTHORIZE_FINISH arrives signed at notifyUrl; the grants
// open the v3 console; a refusal sends no callback and reads as 3.
func TestOrgAuthFlow(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, nil)
	var d struct{ AuthFlowID, AuthURL, AuthShortURL string }
	e.ok("POST", "/v3/org-auth-url", nil, orgAuthBody(func(b map[string]any) { b["notifyUrl"] = rc.srv.URL + "/cb?t=1" }), &d)
	u, err := url.Parse(d.AuthURL)
	if err != nil || d.AuthFlowID == "" || u.Query().Get("authFlowId") != d.AuthFlowID || d.AuthShortURL == "" ||
		e.s.AuthFlowOf(d.AuthShortURL) != d.AuthFlowID {
		t.Fatalf("org-auth-url answer: %+v", d)
	}
	var f struct {
		AuthorizedStatus int
		AuthInfo         struct {
			Person       struct{ PsnID string }
			Organization struct{ OrgID, OrgName string }
		}
		AuthorizedInfo []struct{ AuthorizedScope string }
	}
	e.ok("GET", "/v3/auth-flow/"+d.AuthFlowID, nil, nil, &f)
	if f.AuthorizedStatus != authPending {
		t.Fatalf("before the visit: %+v", f)
	}
	status, _, page := send(t, nil, mustGet(t, d.AuthURL))
	if status != 200 || !containsAll(string(page), "同意授权", d.AuthFlowID) {
		t.Fatalf("authorization page: %d %s", status, page)
	}
	if err := e.s.CompleteAuthFlow(d.AuthFlowID, AuthVisit{Agree: true}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.s)
	if got := rc.actions(); !slices.Equal(got, []string{"AUTHORIZE_FINISH"}) {
		t.Fatalf("callbacks: %v", got)
	}
	ev := rc.events[0]
	e.ok("GET", "/v3/auth-flow/"+d.AuthFlowID, nil, nil, &f)
	if f.AuthorizedStatus != authAuthorized || f.AuthInfo.Organization.OrgName != "甲方科技有限公司" ||
		ev["orgId"] != f.AuthInfo.Organization.OrgID || ev["psnId"] != f.AuthInfo.Person.PsnID || ev["authFlowId"] != d.AuthFlowID ||
		len(f.AuthorizedInfo) != 2 || len(ev["authorizedInfo"].([]any)) != 2 {
		t.Fatalf("after the visit: %+v, callback %v", f, ev)
	}
	// The grant is real: the console opens for the v3 org and transactor.
	var c struct{ OrgConsoleURL string }
	e.ok("POST", "/v3/organizations/org-console-url", nil,
		map[string]string{"orgId": f.AuthInfo.Organization.OrgID, "transactorPsnId": f.AuthInfo.Person.PsnID}, &c)
	if err := e.s.CompleteAuthFlow(d.AuthFlowID, AuthVisit{Agree: true}); err == nil {
		t.Error("a finished flow completed again")
	}

	var d2 struct{ AuthFlowID string }
	e.ok("POST", "/v3/org-auth-url", nil, orgAuthBody(func(b map[string]any) { b["notifyUrl"] = rc.srv.URL + "/cb" }), &d2)
	if err := e.s.CompleteAuthFlow(d2.AuthFlowID, AuthVisit{Agree: false}); err != nil {
		t.Fatal(err)
	}
	wait(t, e.s)
	e.ok("GET", "/v3/auth-flow/"+d2.AuthFlowID, nil, nil, &f)
	if f.AuthorizedStatus != authRejected || len(rc.actions()) != 1 {
		t.Errorf("refused: status %d, callbacks %v", f.AuthorizedStatus, rc.actions())
	}
}

func containsAll(s string, want ...string) bool {
	for _, w := range want {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
