package api

import (
	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// corpToken handles POST /v1.0/oauth2/corpAccessToken.
func (h handlers) corpToken(c *gin.Context) (any, error) {
	var req dingtalk.CorpTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.CorpToken(c.Request.Context(), &req)
}

// appToken handles POST /v1.0/oauth2/accessToken.
func (h handlers) appToken(c *gin.Context) (any, error) {
	var req dingtalk.AppTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.AppToken(c.Request.Context(), &req)
}

// suiteToken handles POST /v1.0/oauth2/suiteAccessToken.
func (h handlers) suiteToken(c *gin.Context) (any, error) {
	var req dingtalk.SuiteTokenRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.SuiteToken(c.Request.Context(), &req)
}
