package esign

import (
	"context"
	"net/http"
	"net/url"
)

// Authorization scopes an organization grants an AppId through e签宝's
// authorization flow (POST /v3/org-auth-url, authorizeConfig.authorizedScopes;
// esigntest/authflow-docs.md). Since 2024-09-12 most of them need e签宝's
// 高级版 or 生态伙伴版.
const (
	ScopeOrgIdentityInfo   = "get_org_identity_info"
	ScopePsnIdentityInfo   = "get_psn_identity_info"
	ScopeManageOrgResource = "manage_org_resource"
	ScopeOrgApprovalInfo   = "org_approval_info"
	ScopeOrgInitiateSign   = "org_initiate_sign"
)

// OrgAuthURLRequest is the body of POST /v3/org-auth-url. Only
// orgAuthConfig is required; inside it orgName or orgId names the
// organization (neither: the transactor types it on e签宝's page).
type OrgAuthURLRequest struct {
	OrgAuthConfig   OrgAuthConfig    `json:"orgAuthConfig"`
	AuthorizeConfig *AuthorizeConfig `json:"authorizeConfig,omitempty"`
	RedirectConfig  *RedirectConfig  `json:"redirectConfig,omitempty"`
	ClientType      string           `json:"clientType,omitempty"` // ALL (default), H5, PC
	NotifyURL       string           `json:"notifyUrl,omitempty"`
}

// OrgAuthConfig names the organization (v3 orgId or its name) and the
// transactor who acts for it.
type OrgAuthConfig struct {
	OrgName        string          `json:"orgName,omitempty"`
	OrgID          string          `json:"orgId,omitempty"` // v3 orgId only
	TransactorInfo *TransactorInfo `json:"transactorInfo,omitempty"`
}

// TransactorInfo is the person acting for the organization; without it
// the transactor registers on the page with a phone number or e-mail.
type TransactorInfo struct {
	PsnID      string `json:"psnId,omitempty"` // v3 psnId only
	PsnAccount string `json:"psnAccount,omitempty"`
}

// AuthorizeConfig asks for grants; without it the page only verifies the
// real name.
type AuthorizeConfig struct {
	AuthorizedScopes []string `json:"authorizedScopes"`
}

// RedirectConfig is where the browser goes once the flow ends.
type RedirectConfig struct {
	RedirectURL string `json:"redirectUrl,omitempty"`
}

// OrgAuthURL is the answer of POST /v3/org-auth-url: the page (valid 30
// days) and the flow's id, which the AUTHORIZE_FINISH callback and GET
// /v3/auth-flow/{authFlowId} carry.
type OrgAuthURL struct {
	AuthURL      string `json:"authUrl"`
	AuthShortURL string `json:"authShortUrl"`
	AuthFlowID   string `json:"authFlowId"`
}

// OrgAuthURL starts an organization's authentication & authorization flow.
// POST /v3/org-auth-url
func (c *Client) OrgAuthURL(ctx context.Context, req *OrgAuthURLRequest) (*OrgAuthURL, error) {
	var out OrgAuthURL
	if err := c.do(ctx, "OrgAuthURL", http.MethodPost, "/v3/org-auth-url", nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Authorized statuses of GET /v3/auth-flow/{authFlowId}.
const (
	AuthFlowExpired    = 0 // 流程过期失效
	AuthFlowAuthorized = 1 // 已授权
	AuthFlowPending    = 2 // 授权中
	AuthFlowRejected   = 3 // 审批未通过
)

// AuthFlow is the state of an authentication & authorization flow. The
// ids are v3 ids.
type AuthFlow struct {
	AuthFlowID       string `json:"authFlowId"`
	AuthType         string `json:"authType"` // ORG | PSN
	RealNameStatus   int    `json:"realNameStatus"`
	AuthorizedStatus int    `json:"authorizedStatus"`
	AuthInfo         struct {
		Person struct {
			PsnID string `json:"psnId"`
		} `json:"person"`
		Organization struct {
			OrgID   string `json:"orgId"`
			OrgName string `json:"orgName"`
		} `json:"organization"`
	} `json:"authInfo"`
	AuthorizedInfo []AuthorizedScope `json:"authorizedInfo"`
}

// AuthorizedScope is one grant (effective and expiry in ms).
type AuthorizedScope struct {
	AuthorizedScope string `json:"authorizedScope"`
	EffectiveTime   int64  `json:"effectiveTime"`
	ExpireTime      int64  `json:"expireTime"`
}

// AuthFlow returns an authentication & authorization flow.
// GET /v3/auth-flow/{authFlowId}
func (c *Client) AuthFlow(ctx context.Context, authFlowID string) (*AuthFlow, error) {
	var out AuthFlow
	if err := c.do(ctx, "AuthFlow", http.MethodGet, "/v3/auth-flow/"+url.PathEscape(authFlowID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
