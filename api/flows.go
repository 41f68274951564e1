package api

import (
	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// createProcess handles POST /v2.0/esign/process/startAtOnce (CreateProcess).
func (h handlers) createProcess(c *gin.Context) (any, error) {
	var req dingtalk.ProcessRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.CreateProcess(c.Request.Context(), &req)
}

// flowDetail handles GET /v2.0/esign/flowTasks/:taskId.
func (h handlers) flowDetail(c *gin.Context) (any, error) {
	return h.svc.FlowDetail(c.Request.Context(), c.Param("taskId"))
}

// flowDetailV1 handles GET /v1.0/esign/flows/detail?taskId=.
func (h handlers) flowDetailV1(c *gin.Context) (any, error) {
	d, err := h.svc.FlowDetail(c.Request.Context(), c.Query("taskId"))
	if err != nil {
		return nil, err
	}
	return d.V1(), nil
}

// signDetail handles GET /v2.0/esign/signTasks/:taskId.
func (h handlers) signDetail(c *gin.Context) (any, error) {
	return h.svc.SignDetail(c.Request.Context(), c.Param("taskId"))
}

// signDetailV1 handles GET /v1.0/esign/flows/sign/detail?taskId=.
func (h handlers) signDetailV1(c *gin.Context) (any, error) {
	d, err := h.svc.SignDetail(c.Request.Context(), c.Query("taskId"))
	if err != nil {
		return nil, err
	}
	return d.V1(), nil
}

// flowDocs handles GET /v2.0/esign/flowTasks/:taskId/docs.
func (h handlers) flowDocs(c *gin.Context) (any, error) {
	docs, err := h.svc.FlowDocs(c.Request.Context(), c.Param("taskId"))
	if err != nil {
		return nil, err
	}
	return dingtalk.Docs{Data: docs}, nil
}

// flowDocsV1 handles GET /v1.0/esign/flows/docs?taskId=; the list is the data.
func (h handlers) flowDocsV1(c *gin.Context) (any, error) {
	return h.svc.FlowDocs(c.Request.Context(), c.Query("taskId"))
}

// startURL handles POST /v1.0/esign/process/start and POST /v2.0/esign/processes/startUrls.
func (h handlers) startURL(c *gin.Context) (any, error) {
	var req dingtalk.ProcessRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.StartURL(c.Request.Context(), &req)
}

// signNoticeURL handles POST /v1.0/esign/signs/notice/url.
func (h handlers) signNoticeURL(c *gin.Context) (any, error) {
	var req dingtalk.SignNoticeRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.SignNoticeURL(c.Request.Context(), &req)
}

// executeURL handles POST /v2.0/esign/process/executeUrls.
func (h handlers) executeURL(c *gin.Context) (any, error) {
	var req dingtalk.ExecuteURLRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.ExecuteURL(c.Request.Context(), &req)
}

// sealApprovalsV1 handles GET /v1.0/esign/seals/approval/list?taskId=.
func (h handlers) sealApprovalsV1(c *gin.Context) (any, error) {
	return h.svc.SealApprovals(c.Request.Context(), c.Query("taskId"))
}

// approvalList handles GET /v2.0/esign/approvals/:taskId.
func (h handlers) approvalList(c *gin.Context) (any, error) {
	list, err := h.svc.SealApprovals(c.Request.Context(), c.Param("taskId"))
	if err != nil {
		return nil, err
	}
	out := dingtalk.Approvals{Data: make([]dingtalk.ApprovalV2, len(list))}
	for i, a := range list {
		out.Data[i] = a.V2()
	}
	return out, nil
}

// attachments handles GET /v2.0/esign/dingInstances/:instanceId/attachments.
func (h handlers) attachments(c *gin.Context) (any, error) {
	return h.svc.Attachments(c.Request.Context(), c.Param("instanceId"))
}
