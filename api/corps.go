package api

import (
	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// createDeveloperV1 handles GET /v1.0/esign/developers/create. The SDK
// sends no body on this GET; redirectUrl and noticeUrl may come as query
// parameters instead.
func (h handlers) createDeveloperV1(c *gin.Context) (any, error) {
	req := dingtalk.DeveloperRequest{NoticeURL: c.Query("noticeUrl"), RedirectURL: c.Query("redirectUrl")}
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.SetDeveloper(c.Request.Context(), &req)
}

// createDevelopers handles POST /v2.0/esign/developers.
func (h handlers) createDevelopers(c *gin.Context) (any, error) {
	var req dingtalk.DeveloperRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	ok, err := h.svc.SetDeveloper(c.Request.Context(), &req)
	if err != nil {
		return nil, err
	}
	return dingtalk.DataBool{Data: ok}, nil
}

// authURL handles POST /v1.0/esign/auths/url and POST /v2.0/esign/auths/urls.
func (h handlers) authURL(c *gin.Context) (any, error) {
	var req dingtalk.RedirectRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.AuthURL(c.Request.Context(), &req)
}

// cancelAuth handles GET /v1.0/esign/corps/auth/cancel and POST /v2.0/esign/auths/cancel.
func (h handlers) cancelAuth(c *gin.Context) (any, error) {
	return h.svc.CancelAuth(c.Request.Context())
}

// appStatus handles GET /v1.0/esign/corps/statuses and GET /v2.0/esign/corps/appStatus.
func (h handlers) appStatus(c *gin.Context) (any, error) {
	return h.svc.AppStatus(c.Request.Context())
}

// corpInfoV1 handles GET /v1.0/esign/corps/info: realName is a bool.
func (h handlers) corpInfoV1(c *gin.Context) (any, error) {
	name, real, err := h.svc.CorpInfo(c.Request.Context())
	if err != nil {
		return nil, err
	}
	return dingtalk.CorpInfoV1{OrgRealName: name, RealName: real}, nil
}

// corpInfo handles GET /v2.0/esign/corps/infos: isRealName is a string.
func (h handlers) corpInfo(c *gin.Context) (any, error) {
	name, real, err := h.svc.CorpInfo(c.Request.Context())
	if err != nil {
		return nil, err
	}
	return dingtalk.CorpInfo{OrgRealName: name, IsRealName: service.BoolString(real)}, nil
}

// corpConsoleV1 handles GET /v1.0/esign/corps/console. Its SDK model types
// orgConsoleUrl as a number, so the address travels in a response header.
func (h handlers) corpConsoleV1(c *gin.Context) (any, error) {
	u, err := h.svc.CorpConsole(c.Request.Context())
	if err != nil {
		return nil, err
	}
	c.Header(dingtalk.ConsoleURLHeader, u)
	return dingtalk.CorpConsoleV1{}, nil
}

// corpConsole handles GET /v2.0/esign/corps/consoles.
func (h handlers) corpConsole(c *gin.Context) (any, error) {
	u, err := h.svc.CorpConsole(c.Request.Context())
	if err != nil {
		return nil, err
	}
	return dingtalk.CorpConsole{OrgConsoleURL: u}, nil
}

// corpRealname handles POST /v1.0/esign/corps/realname and POST /v2.0/esign/corps/realnames.
func (h handlers) corpRealname(c *gin.Context) (any, error) {
	var req dingtalk.UserPageRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.CorpRealnameURL(c.Request.Context(), &req)
}

// userRealname handles POST /v1.0/esign/users/realname and POST /v2.0/esign/users/realnames.
func (h handlers) userRealname(c *gin.Context) (any, error) {
	var req dingtalk.UserPageRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.UserRealnameURL(c.Request.Context(), &req)
}

// userInfoV1 handles GET /v1.0/esign/users/:userId.
func (h handlers) userInfoV1(c *gin.Context) (any, error) {
	name, real, err := h.svc.UserInfo(c.Request.Context(), c.Param("userId"))
	if err != nil {
		return nil, err
	}
	return dingtalk.UserInfoV1{RealName: real, UserRealName: name}, nil
}

// userInfo handles GET /v2.0/esign/users/:userId.
func (h handlers) userInfo(c *gin.Context) (any, error) {
	name, real, err := h.svc.UserInfo(c.Request.Context(), c.Param("userId"))
	if err != nil {
		return nil, err
	}
	return dingtalk.UserInfo{IsRealName: service.BoolString(real), UserRealName: name}, nil
}
