package esign

import (
	"context"
	"net/http"
	"net/url"
)

// OrgIdentityURL returns the page where an agent verifies an organization's
// real name. POST /v2/identity/auth/web/{orgId}/orgIdentityUrl
func (c *Client) OrgIdentityURL(ctx context.Context, orgID string, req *OrgIdentityRequest) (*IdentityURL, error) {
	var u IdentityURL
	path := "/v2/identity/auth/web/" + url.PathEscape(orgID) + "/orgIdentityUrl"
	if err := c.do(ctx, "OrgIdentityURL", http.MethodPost, path, nil, req, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// IndivIdentityURL returns the page where a person verifies their real
// name. POST /v2/identity/auth/web/{accountId}/indivIdentityUrl
func (c *Client) IndivIdentityURL(ctx context.Context, accountID string, req *IndivIdentityRequest) (*IdentityURL, error) {
	var u IdentityURL
	path := "/v2/identity/auth/web/" + url.PathEscape(accountID) + "/indivIdentityUrl"
	if err := c.do(ctx, "IndivIdentityURL", http.MethodPost, path, nil, req, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// IdentityDetail returns the state of a real-name verification.
// GET /v2/identity/auth/api/common/{flowId}/detail
func (c *Client) IdentityDetail(ctx context.Context, flowID string) (*IdentityDetail, error) {
	var d IdentityDetail
	path := "/v2/identity/auth/api/common/" + url.PathEscape(flowID) + "/detail"
	if err := c.do(ctx, "IdentityDetail", http.MethodGet, path, nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
