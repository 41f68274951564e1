package esign

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// CodeAccountExists is e签宝's business code for "账号已存在": the
// thirdPartyUserId already has an account.
const CodeAccountExists = 53000000

// CreatePerson creates a person account for req.ThirdPartyUserID and
// returns its accountId. If one already exists it returns that one's id, so
// calling it twice is harmless. POST /v1/accounts/createByThirdPartyUserId
func (c *Client) CreatePerson(ctx context.Context, req *CreatePersonRequest) (string, error) {
	var data struct {
		AccountID string `json:"accountId"`
	}
	err := c.do(ctx, "CreatePerson", http.MethodPost, "/v1/accounts/createByThirdPartyUserId", nil, req, &data)
	if hasCode(err, CodeAccountExists) {
		p, err := c.PersonByThirdID(ctx, req.ThirdPartyUserID)
		if err != nil {
			return "", err
		}
		return p.AccountID, nil
	}
	if err != nil {
		return "", err
	}
	return data.AccountID, nil
}

// PersonByThirdID finds a person account by the id it was created with.
// GET /v1/accounts/getByThirdId
func (c *Client) PersonByThirdID(ctx context.Context, thirdID string) (*Person, error) {
	var p Person
	q := url.Values{"thirdPartyUserId": {thirdID}}
	if err := c.do(ctx, "PersonByThirdID", http.MethodGet, "/v1/accounts/getByThirdId", q, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Person returns a person account. GET /v1/accounts/{accountId}
func (c *Client) Person(ctx context.Context, accountID string) (*Person, error) {
	var p Person
	if err := c.do(ctx, "Person", http.MethodGet, "/v1/accounts/"+url.PathEscape(accountID), nil, nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreateOrganization creates an organization account for
// req.ThirdPartyUserID and returns its orgId, or the existing one's id.
// POST /v1/organizations/createByThirdPartyUserId
func (c *Client) CreateOrganization(ctx context.Context, req *CreateOrgRequest) (string, error) {
	var data struct {
		OrgID string `json:"orgId"`
	}
	err := c.do(ctx, "CreateOrganization", http.MethodPost, "/v1/organizations/createByThirdPartyUserId", nil, req, &data)
	if hasCode(err, CodeAccountExists) {
		o, err := c.OrganizationByThirdID(ctx, req.ThirdPartyUserID)
		if err != nil {
			return "", err
		}
		return o.OrgID, nil
	}
	if err != nil {
		return "", err
	}
	return data.OrgID, nil
}

// OrganizationByThirdID finds an organization account by the id it was
// created with. GET /v1/organizations/getByThirdId
func (c *Client) OrganizationByThirdID(ctx context.Context, thirdID string) (*Organization, error) {
	var o Organization
	q := url.Values{"thirdPartyUserId": {thirdID}}
	if err := c.do(ctx, "OrganizationByThirdID", http.MethodGet, "/v1/organizations/getByThirdId", q, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// Organization returns an organization account. GET /v1/organizations/{orgId}
func (c *Client) Organization(ctx context.Context, orgID string) (*Organization, error) {
	var o Organization
	if err := c.do(ctx, "Organization", http.MethodGet, "/v1/organizations/"+url.PathEscape(orgID), nil, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// PersonIdentity returns a person's real-name state and v3 psnId.
// GET /v3/persons/identity-info (psnId > psnAccount > psnIDCardNum)
func (c *Client) PersonIdentity(ctx context.Context, by PersonLookup) (*IdentityInfo, error) {
	var data struct {
		IdentityInfo
		PsnInfo *struct {
			PsnName string `json:"psnName"`
		} `json:"psnInfo"`
	}
	q := url.Values{}
	switch {
	case by.PsnID != "":
		q.Set("psnId", by.PsnID)
	case by.Account != "":
		q.Set("psnAccount", by.Account)
	default:
		q.Set("psnIDCardNum", by.IDCardNum)
		q.Set("psnIDCardType", by.IDCardType)
	}
	if err := c.do(ctx, "PersonIdentity", http.MethodGet, "/v3/persons/identity-info", q, nil, &data); err != nil {
		return nil, err
	}
	if data.PsnInfo != nil {
		data.IdentityInfo.PsnName = data.PsnInfo.PsnName
	}
	return &data.IdentityInfo, nil
}

// OrgIdentity returns an organization's real-name state and v3 orgId.
// GET /v3/organizations/identity-info (orgId > orgName > orgIDCardNum)
func (c *Client) OrgIdentity(ctx context.Context, by OrgLookup) (*IdentityInfo, error) {
	var info IdentityInfo
	q := url.Values{}
	switch {
	case by.OrgID != "":
		q.Set("orgId", by.OrgID)
	case by.Name != "":
		q.Set("orgName", by.Name)
	default:
		q.Set("orgIDCardNum", by.IDCardNum)
		q.Set("orgIDCardType", by.IDCardType)
	}
	if err := c.do(ctx, "OrgIdentity", http.MethodGet, "/v3/organizations/identity-info", q, nil, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// hasCode reports whether err is an e签宝 business error with code.
func hasCode(err error, code int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == code
}
