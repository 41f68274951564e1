package esigntest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAccounts(t *testing.T) {
	e := newEnv(t, nil)
	a := e.person("u1", "张三")
	r := e.wantCode(53000000, "POST", "/v1/accounts/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "u1"})
	if json := string(r.Data); !strings.Contains(json, a) {
		t.Errorf("got data %s, want existing accountId %s", json, a)
	}
	e.wantCode(1435002, "POST", "/v1/accounts/createByThirdPartyUserId", nil, map[string]string{"name": "无名"})
	e.wantCode(53000002, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "u1"})
	o := e.org("corp1", "某某科技有限公司", a)
	e.wantCode(53000000, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "corp1"})

	var p struct{ AccountID, Name, ThirdPartyUserID, IDType string }
	e.ok("GET", "/v1/accounts/getByThirdId", url.Values{"thirdPartyUserId": {"u1"}}, nil, &p)
	if p.AccountID != a || p.Name != "张三" || p.IDType != "CRED_PSN_CH_IDCARD" {
		t.Errorf("got %+v", p)
	}
	e.ok("GET", "/v1/accounts/"+a, nil, nil, &p)
	e.wantCode(53000001, "GET", "/v1/accounts/getByThirdId", url.Values{"thirdPartyUserId": {"nobody"}}, nil)
	var org struct{ OrgID, Name string }
	e.ok("GET", "/v1/organizations/getByThirdId", url.Values{"thirdPartyUserId": {"corp1"}}, nil, &org)
	if org.OrgID != o || org.Name != "某某科技有限公司" {
		t.Errorf("got %+v", org)
	}
	e.wantCode(53000001, "GET", "/v1/organizations/"+a, nil, nil)

	var pi struct {
		RealnameStatus int
		PsnID          string
		PsnInfo        struct{ PsnName string }
	}
	e.ok("GET", "/v3/persons/identity-info", url.Values{"psnId": {a}}, nil, &pi)
	if pi.RealnameStatus != 0 || pi.PsnID != a || pi.PsnInfo.PsnName != "张三" {
		t.Errorf("got %+v", pi)
	}
	e.s.SetRealname(o, true)
	var oi struct {
		RealnameStatus int
		OrgID, OrgName string
	}
	e.ok("GET", "/v3/organizations/identity-info", url.Values{"orgId": {o}}, nil, &oi)
	if oi.RealnameStatus != 1 || oi.OrgName != "某某科技有限公司" {
		t.Errorf("got %+v", oi)
	}
	e.wantCode(1435203, "GET", "/v3/persons/identity-info", url.Values{"psnId": {"missing"}}, nil)

	var cu struct{ OrgConsoleURL, OrgConsoleShortURL string }
	e.ok("POST", "/v3/organizations/org-console-url", nil, map[string]string{"orgId": o, "psnId": a}, &cu)
	if !strings.HasPrefix(cu.OrgConsoleURL, e.s.URL()+"/console/"+o) {
		t.Errorf("got %v", cu.OrgConsoleURL)
	}
	status, _, page := send(t, nil, mustGet(t, cu.OrgConsoleShortURL))
	if status != 200 || !strings.Contains(string(page), "某某科技有限公司") || !strings.Contains(string(page), "viewport") {
		t.Errorf("console page: got %d %s", status, page)
	}
}

func mustGet(t testing.TB, u string) *http.Request {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
