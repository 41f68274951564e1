package esign

import (
	"context"
	"net/http"
)

// OrgConsoleURL returns a login-free link (valid 30 minutes) to the e签宝
// console of the v3 orgID, acting as the member transactorPsnID (v3), who
// needs the rights for the pages shown; the org must have granted
// manage_org_resource. POST /v3/organizations/org-console-url
// (v3-organizations-org-console-url.md: both ids required; the answer is
// data.orgConsoleUrl only).
func (c *Client) OrgConsoleURL(ctx context.Context, orgID, transactorPsnID string) (string, error) {
	body := struct {
		OrgID           string `json:"orgId"`
		TransactorPsnID string `json:"transactorPsnId"`
	}{orgID, transactorPsnID}
	var data struct {
		URL string `json:"orgConsoleUrl"`
	}
	if err := c.do(ctx, "OrgConsoleURL", http.MethodPost, "/v3/organizations/org-console-url", nil, body, &data); err != nil {
		return "", err
	}
	return data.URL, nil
}
