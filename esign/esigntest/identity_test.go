package esigntest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestIdentityFlow(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, nil)
	a := e.person("a", "甲")
	org := e.org("org", "甲方公司", a)
	path := "/v2/identity/auth/web/" + a + "/indivIdentityUrl"
	e.wantCode(1435002, "POST", path, nil, map[string]any{"contextInfo": map[string]any{}})
	e.wantCode(1435203, "POST", "/v2/identity/auth/web/ghost/indivIdentityUrl", nil,
		map[string]any{"contextInfo": map[string]any{"redirectUrl": "https://app/done"}})
	var iu struct{ FlowID, URL, ShortLink string }
	e.ok("POST", path, nil, map[string]any{"authType": "PSN_FACEAUTH_BYURL",
		"contextInfo": map[string]any{"redirectUrl": "https://app/done", "notifyUrl": rc.srv.URL + "/id?x=1", "contextId": "ctx-1"}}, &iu)
	if iu.URL != e.s.URL()+"/identity/"+iu.FlowID || !strings.HasPrefix(iu.ShortLink, e.s.URL()+"/s/") {
		t.Errorf("got %+v", iu)
	}
	detail := func(id string) (status, object string) {
		var d struct{ FlowID, Status, ObjectType string }
		e.ok("GET", "/v2/identity/auth/api/common/"+id+"/detail", nil, nil, &d)
		return d.Status, d.ObjectType
	}
	if st, obj := detail(iu.FlowID); st != "INIT" || obj != "INDIVIDUAL" {
		t.Errorf("got %s %s, want INIT INDIVIDUAL", st, obj)
	}
	status, _, page := send(t, nil, mustGet(t, iu.URL))
	if status != 200 || !strings.Contains(string(page), "完成认证") || !strings.Contains(string(page), "甲") {
		t.Errorf("identity page: got %d %s", status, page)
	}
	if st, _ := detail(iu.FlowID); st != "ING" {
		t.Errorf("after opening: got %s, want ING", st)
	}
	req, _ := http.NewRequest("POST", iu.URL+"/complete", strings.NewReader(url.Values{"ok": {"1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if status, h, _ := send(t, e.noRed, req); status != 303 || h.Get("Location") != "https://app/done" {
		t.Errorf("complete: got %d %s", status, h.Get("Location"))
	}
	if st, _ := detail(iu.FlowID); st != "SUCCESS" {
		t.Errorf("after completing: got %s, want SUCCESS", st)
	}
	// Real-name gives the person a v3 psnId, found through identity-info
	// by the id number the identity detail reports.
	var det struct {
		IndivInfo struct{ AccountID, Name, CertNo, CertType string }
	}
	e.ok("GET", "/v2/identity/auth/api/common/"+iu.FlowID+"/detail", nil, nil, &det)
	if det.IndivInfo.AccountID != a || det.IndivInfo.CertNo == "" {
		t.Fatalf("indivInfo: got %+v", det.IndivInfo)
	}
	var pi struct {
		RealnameStatus int
		PsnID          string
	}
	e.ok("GET", "/v3/persons/identity-info", url.Values{"psnIDCardNum": {det.IndivInfo.CertNo}, "psnIDCardType": {det.IndivInfo.CertType}}, nil, &pi)
	if pi.RealnameStatus != 1 || pi.PsnID == "" || pi.PsnID != e.s.V3ID(a) {
		t.Errorf("got %+v, want realnameStatus 1 and v3 id %s", pi, e.s.V3ID(a))
	}
	if err := e.s.CompleteIdentity(iu.FlowID, true); err == nil {
		t.Errorf("completing twice: got nil error")
	}

	orgPath := "/v2/identity/auth/web/" + org + "/orgIdentityUrl"
	e.wantCode(1435002, "POST", orgPath, nil, map[string]any{"contextInfo": map[string]any{"redirectUrl": "https://app/done"}})
	var ou struct{ FlowID string }
	e.ok("POST", orgPath, nil, map[string]any{"agentAccountId": a, "authType": "ORG_BANK_TRANSFER",
		"contextInfo": map[string]any{"redirectUrl": "https://app/done", "notifyUrl": rc.srv.URL}}, &ou)
	if err := e.s.CompleteIdentity(ou.FlowID, false); err != nil {
		t.Fatal(err)
	}
	if st, obj := detail(ou.FlowID); st != "FAIL" || obj != "ORGANIZATION" {
		t.Errorf("got %s %s, want FAIL ORGANIZATION", st, obj)
	}
	e.wantCode(30500004, "GET", "/v2/identity/auth/api/common/nope/detail", nil, nil)

	wait(t, e.s)
	// Each identity flow has its own queue, so only the set is fixed.
	byAction := map[any]map[string]any{}
	for _, ev := range rc.events {
		byAction[ev["action"]] = ev
	}
	psn, o := byAction["identity_psn_end"], byAction["identity_org_end"]
	if len(rc.events) != 2 || psn == nil || o == nil {
		t.Fatalf("got %v", rc.actions())
	}
	if psn["flowId"] != iu.FlowID || psn["accountId"] != a || psn["success"] != true || psn["contextId"] != "ctx-1" {
		t.Errorf("person callback: got %v", psn)
	}
	if o["orgAccountId"] != org || o["agentAccountId"] != a || o["success"] != false {
		t.Errorf("org callback: got %v", o)
	}
}
