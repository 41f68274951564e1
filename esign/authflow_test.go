package esign_test

import (
	"testing"
	"time"

	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
)

// TestOrgAuthFlowAgainstEmulator: what OrgAuthURL sends passes the strict
// emulator (every field documented, orgAuthConfig present even when it
// names nothing), and AuthFlow reads the outcome of the page visit.
func TestOrgAuthFlowAgainstEmulator(t *testing.T) {
	s := esigntest.Start(t, esigntest.Config{AppID: "app1", AppSecret: "secret1"})
	c, err := esign.New(esign.Config{BaseURL: s.URL(), AppID: "app1", AppSecret: "secret1", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.OrgAuthURL(t.Context(), &esign.OrgAuthURLRequest{
		AuthorizeConfig: &esign.AuthorizeConfig{AuthorizedScopes: []string{esign.ScopeManageOrgResource, esign.ScopeOrgApprovalInfo}},
		RedirectConfig:  &esign.RedirectConfig{RedirectURL: "https://gw.example.com/pages/auth/au1"},
	})
	if err != nil || res.AuthFlowID == "" || res.AuthURL == "" {
		t.Fatalf("OrgAuthURL: %+v %v", res, err)
	}
	if b := s.Bodies("POST", "/v3/org-auth-url"); len(b) != 1 || string(b[0]) != `{"orgAuthConfig":{},"authorizeConfig":`+
		`{"authorizedScopes":["manage_org_resource","org_approval_info"]},"redirectConfig":{"redirectUrl":"https://gw.example.com/pages/auth/au1"}}` {
		t.Errorf("body sent: %s", b)
	}
	f, err := c.AuthFlow(t.Context(), res.AuthFlowID)
	if err != nil || f.AuthorizedStatus != esign.AuthFlowPending {
		t.Fatalf("AuthFlow before: %+v %v", f, err)
	}
	if err := s.CompleteAuthFlow(res.AuthFlowID, esigntest.AuthVisit{Agree: true, OrgName: "甲方科技有限公司"}); err != nil {
		t.Fatal(err)
	}
	f, err = c.AuthFlow(t.Context(), res.AuthFlowID)
	if err != nil || f.AuthorizedStatus != esign.AuthFlowAuthorized || f.AuthInfo.Organization.OrgID == "" ||
		f.AuthInfo.Person.PsnID == "" || len(f.AuthorizedInfo) != 2 {
		t.Fatalf("AuthFlow after: %+v %v", f, err)
	}
	if _, err := c.AuthFlow(t.Context(), "OF-none"); err == nil {
		t.Error("unknown authFlowId: no error")
	}
}
