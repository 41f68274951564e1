package api

import (
	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// uploadURLV1 handles POST /v1.0/esign/files/getUploadUrl.
func (h handlers) uploadURLV1(c *gin.Context) (any, error) {
	var req dingtalk.UploadURLRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.UploadURL(c.Request.Context(), &req, req.ValidateV1)
}

// uploadURL handles POST /v2.0/esign/files/uploadUrls.
func (h handlers) uploadURL(c *gin.Context) (any, error) {
	var req dingtalk.UploadURLRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.UploadURL(c.Request.Context(), &req, req.Validate)
}

// missingID answers a path whose id segment is empty (the SDK sends
// /files/ for an empty fileId) with the parameter error naming the field.
func missingID(field string) gin.HandlerFunc {
	return func(c *gin.Context) { _ = c.Error(dingtalk.Field(field)) }
}

// fileInfo handles GET /v1.0/esign/files/:fileId and GET /v2.0/esign/files/:fileId.
func (h handlers) fileInfo(c *gin.Context) (any, error) {
	return h.svc.FileInfo(c.Request.Context(), c.Param("fileId"))
}

// bindFlow handles POST /admin/v1/tasks.
func (h handlers) bindFlow(c *gin.Context) (any, error) {
	var req service.BindFlowRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.BindFlow(c.Request.Context(), &req)
}
