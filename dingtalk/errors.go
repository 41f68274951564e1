package dingtalk

import (
	"fmt"
	"net/http"
)

// Error is the only error shape the gateway sends to clients, matching
// api.dingtalk.com: an HTTP status plus {"code","message","requestid"}. The
// cause is for the logs and never leaves the process.
type Error struct {
	Status    int           `json:"-"`
	Code      string        `json:"code"`
	Message   string        `json:"message"`
	RequestID string        `json:"requestid"`
	Detail    *AccessDenied `json:"accessdenieddetail,omitempty"`
	cause     error
}

// AccessDenied is the accessdenieddetail object DingTalk adds to permission errors.
type AccessDenied struct {
	RequiredScopes []string `json:"requiredScopes"`
}

// Errors clients can get. Codes and statuses follow dingtalk-contract.md §3.5
// and anchors.md §2.1; the ones DingTalk has no code for are marked.
var (
	ErrMissingToken     = &Error{Status: http.StatusBadRequest, Code: "AuthenticationFailed.MissingParameter", Message: "缺少参数：x-acs-dingtalk-access-token"}
	ErrInvalidToken     = &Error{Status: http.StatusBadRequest, Code: "InvalidAuthentication", Message: "不合法的access_token"}
	ErrPermissionDenied = &Error{Status: http.StatusForbidden, Code: "Forbidden.AccessDenied.AccessTokenPermissionDenied", Message: "没有调用该接口的权限，接口权限申请参考：https://open.dingtalk.com/document/orgapp-server/add-api-permission", Detail: &AccessDenied{RequiredScopes: []string{"Esign.Common.ReadWrite"}}}
	ErrQPSLimit         = &Error{Status: http.StatusForbidden, Code: "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", Message: "调用频率超过限制，请稍后再试"}
	ErrInvalidParam     = &Error{Status: http.StatusBadRequest, Code: "invalidRequest.invalidAguemnts", Message: "参数错误"} // sic, as DingTalk spells it
	ErrDuplicateOrder   = &Error{Status: http.StatusConflict, Code: "invalidRequest.duplicateClientToken", Message: "幂等键重复：相同的orderId对应不同的请求内容"}
	ErrNotFound         = &Error{Status: http.StatusNotFound, Code: "InvalidAction.NotFound", Message: "Specified api is not found, please check your url and method."}
	ErrBodyTooLarge     = &Error{Status: http.StatusRequestEntityTooLarge, Code: "invalidRequest.bodyTooLarge", Message: "请求体过大"} // our code: DingTalk has none
	ErrUpstream         = &Error{Status: http.StatusBadGateway, Code: "UpstreamError", Message: "e签宝服务异常，请稍后重试"}                  // our code
	ErrUpstreamTimeout  = &Error{Status: http.StatusGatewayTimeout, Code: "UpstreamTimeout", Message: "e签宝服务响应超时"}                // our code
	ErrUnavailable      = &Error{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "服务暂不可用，请稍后重试"}      // our code
	ErrSystem           = &Error{Status: http.StatusInternalServerError, Code: "unknownError", Message: "未知错误"}

	// Token endpoints (contract §5.1).
	ErrInvalidClient      = &Error{Status: http.StatusBadRequest, Code: "invalidClientIdOrSecret", Message: "无效的clientId或者clientSecret"}
	ErrInvalidSuiteKey    = &Error{Status: http.StatusBadRequest, Code: "invalidSuiteKey", Message: "无效的suiteKey"}
	ErrInvalidSuiteTicket = &Error{Status: http.StatusBadRequest, Code: "invalidSuiteTicket", Message: "无效的suiteTicket"}
	ErrInvalidAuthInfo    = &Error{Status: http.StatusBadRequest, Code: "invalidAuthInfo", Message: "授权关系不存在"}
)

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code + ": " + e.Message + ": " + e.cause.Error()
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause recorded with Wrap.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is the same kind of error (same status and code),
// so errors.Is(err, ErrInvalidToken) holds for copies made by Wrap and Msg.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status && t.Code == e.Code
}

// Wrap returns a copy of e that records cause for the logs.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// Msg returns a copy of e with a more specific message for the client.
func (e *Error) Msg(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// Field returns the parameter error DingTalk sends for a missing or invalid
// field: 参数错误:<field>.
func Field(name string) *Error { return ErrInvalidParam.Msg("参数错误:%s", name) }
