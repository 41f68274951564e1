package esign

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Flow returns a sign flow's state. GET /v1/signflows/{flowId}
func (c *Client) Flow(ctx context.Context, flowID string) (*Flow, error) {
	var f Flow
	if err := c.do(ctx, "Flow", http.MethodGet, "/v1/signflows/"+url.PathEscape(flowID), nil, nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Signers returns a flow's signers and their status (no sign times: those
// come only with callbacks). GET /v1/signflows/{flowId}/signers
func (c *Client) Signers(ctx context.Context, flowID string) ([]Signer, error) {
	var data struct {
		Signers []Signer `json:"signers"`
	}
	if err := c.do(ctx, "Signers", http.MethodGet, "/v1/signflows/"+url.PathEscape(flowID)+"/signers", nil, nil, &data); err != nil {
		return nil, err
	}
	return data.Signers, nil
}

// Documents returns a finished flow's signed files; their URLs are valid
// for 60 minutes. GET /v1/signflows/{flowId}/documents
func (c *Client) Documents(ctx context.Context, flowID string) ([]Document, error) {
	var data struct {
		Docs []Document `json:"docs"`
	}
	if err := c.do(ctx, "Documents", http.MethodGet, "/v1/signflows/"+url.PathEscape(flowID)+"/documents", nil, nil, &data); err != nil {
		return nil, err
	}
	return data.Docs, nil
}

// CreateFlowOneStep creates a flow with its files, signers and sign fields
// in one call and returns its flowId. It is never retried: a retry could
// create a second flow. POST /api/v2/signflows/createFlowOneStep
func (c *Client) CreateFlowOneStep(ctx context.Context, req *CreateFlowOneStepRequest) (string, error) {
	var data struct {
		FlowID string `json:"flowId"`
	}
	if err := c.do(ctx, "CreateFlowOneStep", http.MethodPost, "/api/v2/signflows/createFlowOneStep", nil, req, &data); err != nil {
		return "", err
	}
	return data.FlowID, nil
}

// StartFlow starts a draft flow. PUT /v1/signflows/{flowId}/start
func (c *Client) StartFlow(ctx context.Context, flowID string) error {
	return c.do(ctx, "StartFlow", http.MethodPut, "/v1/signflows/"+url.PathEscape(flowID)+"/start", nil, nil, nil)
}

// RevokeFlow revokes a flow that is being signed; an empty reason lets
// e签宝 use its default ("撤销"). PUT /v1/signflows/{flowId}/revoke
func (c *Client) RevokeFlow(ctx context.Context, flowID, reason string) error {
	body := struct {
		RevokeReason string `json:"revokeReason,omitempty"`
	}{reason}
	return c.do(ctx, "RevokeFlow", http.MethodPut, "/v1/signflows/"+url.PathEscape(flowID)+"/revoke", nil, body, nil)
}

// ExecuteURL returns the page where accountID signs (urlType 0) or previews
// (1) the flow. organizeID "" means the signer's own tasks, "0" also every
// organisation they sign for. GET /v1/signflows/{flowId}/executeUrl
func (c *Client) ExecuteURL(ctx context.Context, flowID, accountID, organizeID string, urlType int) (*ExecuteURL, error) {
	q := url.Values{"accountId": {accountID}, "organizeId": {organizeID}, "urlType": {strconv.Itoa(urlType)}}
	var u ExecuteURL
	if err := c.do(ctx, "ExecuteURL", http.MethodGet, "/v1/signflows/"+url.PathEscape(flowID)+"/executeUrl", q, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
