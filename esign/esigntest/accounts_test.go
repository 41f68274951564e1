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
	// thirdPartyUserId is one namespace for persons and organizations.
	e.wantCode(53000002, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "u1", "creator": a})
	// creator is required, and is a v1 person accountId.
	e.wantCode(1435002, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "c0", "name": "无主"})
	e.wantCode(53000001, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "c0", "creator": "ghost"})
	e.wantCode(1435002, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "c0", "creator": a, "orgName": "x"})
	o := e.org("corp1", "某某科技有限公司", a)
	e.wantCode(53000000, "POST", "/v1/organizations/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "corp1", "creator": a})

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

	// v3 endpoints take v3 ids only, which exist after real-name.
	e.wantCode(1450004, "GET", "/v3/persons/identity-info", url.Values{"psnId": {a}}, nil)
	e.wantCode(1450001, "GET", "/v3/persons/identity-info", nil, nil)
	e.wantCode(1450008, "GET", "/v3/persons/identity-info", url.Values{"psnIDCardNum": {"x"}, "psnIDCardType": {"CRED_PSN_CH_IDCARD"}}, nil)
	e.wantCode(1450004, "GET", "/v3/organizations/identity-info", url.Values{"orgId": {o}}, nil)
	e.wantCode(1450008, "GET", "/v3/organizations/identity-info", url.Values{"orgName": {"某某科技有限公司"}}, nil)
	e.s.SetRealname(a, true)
	e.s.SetRealname(o, true)
	psn, orgV3 := e.s.V3ID(a), e.s.V3ID(o)
	if psn == "" || psn == a || orgV3 == "" || orgV3 == o {
		t.Fatalf("v3 ids %q %q for %q %q", psn, orgV3, a, o)
	}
	// and v1 endpoints do not take v3 ids.
	e.wantCode(53000001, "GET", "/v1/accounts/"+psn, nil, nil)
	type psnInfo struct {
		RealnameStatus    int
		AuthorizeUserInfo bool
		PsnID             string
		PsnInfo           *struct{ PsnName string }
	}
	var pi psnInfo
	e.ok("GET", "/v3/persons/identity-info", url.Values{"psnId": {psn}}, nil, &pi)
	if pi.RealnameStatus != 1 || pi.PsnID != psn || pi.AuthorizeUserInfo || pi.PsnInfo != nil {
		t.Errorf("without get_psn_identity_info: got %+v", pi)
	}
	e.s.Grant(psn, ScopePsnIdentityInfo)
	pi = psnInfo{}
	e.ok("GET", "/v3/persons/identity-info", url.Values{"psnId": {psn}}, nil, &pi)
	if !pi.AuthorizeUserInfo || pi.PsnInfo == nil || pi.PsnInfo.PsnName != "张三" {
		t.Errorf("with get_psn_identity_info: got %+v", pi)
	}
	var oi struct {
		RealnameStatus int
		OrgID, OrgName string
	}
	e.ok("GET", "/v3/organizations/identity-info", url.Values{"orgName": {"某某科技有限公司"}}, nil, &oi)
	if oi.RealnameStatus != 1 || oi.OrgName != "某某科技有限公司" || oi.OrgID != orgV3 {
		t.Errorf("got %+v", oi)
	}
	e.wantCode(1435203, "GET", "/v3/persons/identity-info", url.Values{"psnId": {"missing"}}, nil)

	console := "/v3/organizations/org-console-url"
	// transactorPsnId is required; psnId is not a field of this page.
	e.wantCode(1450001, "POST", console, nil, map[string]string{"orgId": orgV3})
	e.wantCode(1435002, "POST", console, nil, map[string]string{"orgId": orgV3, "psnId": psn})
	e.wantCode(1450004, "POST", console, nil, map[string]string{"orgId": o, "transactorPsnId": psn})
	e.wantCode(1450004, "POST", console, nil, map[string]string{"orgId": orgV3, "transactorPsnId": a})
	e.wantCode(1436116, "POST", console, nil, map[string]string{"orgId": orgV3, "transactorPsnId": psn})
	e.s.Grant(o, ScopeManageOrgResource)
	var cu map[string]string
	e.ok("POST", console, nil, map[string]string{"orgId": orgV3, "transactorPsnId": psn}, &cu)
	if len(cu) != 1 || !strings.HasPrefix(cu["orgConsoleUrl"], e.s.URL()+"/console/"+o) {
		t.Errorf("got %v, want only orgConsoleUrl", cu)
	}
	status, _, page := send(t, nil, mustGet(t, cu["orgConsoleUrl"]))
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
