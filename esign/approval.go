package esign

import (
	"context"
	"net/http"
	"net/url"
)

// Approvals lists an organization's seal-use approvals. It needs the
// org_approval_info or manage_org_resource authorisation.
// POST /v3/approval/approval-task-list
func (c *Client) Approvals(ctx context.Context, req *ApprovalListRequest) ([]ApprovalFlow, error) {
	var data struct {
		Total            int            `json:"total"`
		ApprovalFlowList []ApprovalFlow `json:"approvalFlowList"`
	}
	if err := c.do(ctx, "Approvals", http.MethodPost, "/v3/approval/approval-task-list", nil, req, &data); err != nil {
		return nil, err
	}
	return data.ApprovalFlowList, nil
}

// Approval returns one approval with its nodes and approvers.
// GET /v3/approval/{approvalFlowId}/detail
func (c *Client) Approval(ctx context.Context, approvalFlowID string) (*ApprovalDetail, error) {
	var d ApprovalDetail
	path := "/v3/approval/" + url.PathEscape(approvalFlowID) + "/detail"
	if err := c.do(ctx, "Approval", http.MethodGet, path, nil, nil, &d); err != nil {
		return nil, err
	}
	return &d, nil
}
