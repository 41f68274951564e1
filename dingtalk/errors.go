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
	when      string        // when it happens, in English, for the OpenAPI document
	cause     error
}

// AccessDenied is the accessdenieddetail object DingTalk adds to permission errors.
type AccessDenied struct {
	RequiredScopes []string `json:"requiredScopes"`
}

// The catalogue of what can go wrong, declared once. The gateway creates
// these where they happen; on a DingTalk action the router sends the code
// the action's page documents for it instead (codes.go, the action table),
// so most of these codes are only seen on the gateway's own routes. The
// token errors are DingTalk's as its pages give them. Catalog lists them
// all; the OpenAPI document reads it.
var (
	ErrMissingToken = def(http.StatusBadRequest, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token",
		"the x-acs-dingtalk-access-token header is missing (a token elsewhere, e.g. Authorization, counts as missing)")
	ErrInvalidToken = def(http.StatusBadRequest, "InvalidAuthentication", "不合法的access_token",
		"the token is malformed, expired, signed by an unknown key, or revoked (CancelCorpAuth)")
	ErrPermissionDenied = &Error{Status: http.StatusForbidden, Code: "Forbidden.AccessDenied.AccessTokenPermissionDenied",
		Message: "没有调用该接口的权限",
		Detail:  &AccessDenied{RequiredScopes: []string{"Esign.Common.ReadWrite"}},
		when:    "the token's app type or scopes may not call this action"}
	ErrQPSLimit = def(http.StatusForbidden, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "调用频率超过限制，请稍后再试",
		"the app's calls per second for this action are over the limit")
	ErrInvalidParam = def(http.StatusBadRequest, "invalidRequest.invalidAguemnts", "参数错误", // sic, as DingTalk spells it
		"a parameter is missing or invalid; the message names the first one")
	ErrDuplicateOrder = def(http.StatusConflict, "invalidRequest.duplicateClientToken", "Duplicate ClientToken detected. Please generate a new client token and retry.",
		"the orderId was used before with a different body (the same body again returns the same esignOrderId)")
	ErrNotFound = def(http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.",
		"no such route or method")
	ErrBodyTooLarge = def(http.StatusRequestEntityTooLarge, "invalidRequest.bodyTooLarge", "请求体过大",
		"the body is larger than server.body_limit (gateway code; DingTalk has none)")
	ErrUpstream = def(http.StatusBadGateway, "UpstreamError", "e签宝服务异常，请稍后重试",
		"e签宝 failed, or rejected the gateway's credentials (gateway code)")
	ErrUpstreamTimeout = def(http.StatusGatewayTimeout, "UpstreamTimeout", "e签宝服务响应超时",
		"e签宝 did not answer in time (gateway code)")
	ErrUnavailable = def(http.StatusServiceUnavailable, "ServiceUnavailable", "服务暂不可用，请稍后重试",
		"the store is unreachable, the e签宝 circuit breaker is open, or the gateway is not ready (gateway code)")
	ErrSystem = def(http.StatusInternalServerError, "unknownError", "未知错误",
		"an unexpected failure (the cause is logged, never sent)")

	// Token endpoints (contract §5.1).
	ErrInvalidClient      = def(http.StatusBadRequest, "invalidClientIdOrSecret", "无效的clientId或者clientSecret", "unknown app key or wrong secret")
	ErrInvalidSuiteKey    = def(http.StatusBadRequest, "invalidSuiteKey", "suitekey不合法", "unknown suite key or wrong suite secret")
	ErrInvalidSuiteTicket = def(http.StatusBadRequest, "invalidSuiteTicket", "suiteTicket无效", "the suite ticket is empty")
	ErrInvalidAuthInfo    = def(http.StatusBadRequest, "invalidAuthInfo", "授权关系不存在", "the corp has not installed the suite's app")

	// The e签宝 actions.
	ErrTaskNotFound = def(http.StatusBadRequest, "flowNotExists", "流程信息不存在",
		"no such task for the caller's corp (another corp's task looks the same), or e签宝 lost the flow")
	ErrFileNotFound     = def(http.StatusBadRequest, "fileNotExists", "文件不存在", "no such file for the caller's corp")
	ErrInstanceNotFound = def(http.StatusBadRequest, "instanceNotExists", "审批实例不存在或没有关联的签署流程",
		"no task is linked to this approval instance")
	ErrNotSigner = def(http.StatusBadRequest, "invalidRequest.notParticipant", "当前用户不是流程参与人",
		"the account is not a signer of the flow")
	ErrNoQuota = def(http.StatusBadRequest, "invalidRequest.quotaNotEnough", "套餐余量不足，请先购买套餐",
		"the corp's quota is used up (buy with ChannelOrder/OrderResale)")
	ErrNotAuthorized = def(http.StatusForbidden, "Forbidden.AccessDenied.CorpNotAuthorized", "企业未授权e签宝，请先完成授权",
		"the corp has not authorized e签宝 (open the AuthUrl page first)")
	ErrUpstreamRefused = def(http.StatusBadRequest, "invalidRequest.upstreamRefused", "e签宝拒绝了请求",
		"e签宝 refused the action's call (its message follows)")
	ErrAccountRefused = def(http.StatusBadRequest, "invalidRequest.accountRefused", "e签宝拒绝了个人账号",
		"e签宝 refused creating or reading a person account")
	ErrOrgRefused = def(http.StatusBadRequest, "invalidRequest.orgRefused", "e签宝拒绝了企业账号",
		"e签宝 refused creating or reading the corp's organization account")

	// Routes that are not DingTalk's: e签宝 callbacks and the admin API.
	ErrCallbackSignature = def(http.StatusUnauthorized, "InvalidSignature", "回调验签失败",
		"the e签宝 callback's app id, signature or timestamp does not verify")
	ErrAdminAuth = def(http.StatusUnauthorized, "Unauthorized", "需要管理员令牌：Authorization: Bearer <admin.token>",
		"the admin bearer token is missing or wrong")
)

// Catalog returns every error the gateway sends, each once.
func Catalog() []*Error {
	return []*Error{
		ErrMissingToken, ErrInvalidToken, ErrPermissionDenied, ErrQPSLimit, ErrInvalidParam, ErrDuplicateOrder,
		ErrNotFound, ErrBodyTooLarge, ErrUpstream, ErrUpstreamTimeout, ErrUnavailable, ErrSystem,
		ErrInvalidClient, ErrInvalidSuiteKey, ErrInvalidSuiteTicket, ErrInvalidAuthInfo,
		ErrTaskNotFound, ErrFileNotFound, ErrInstanceNotFound, ErrNotSigner, ErrNoQuota, ErrNotAuthorized,
		ErrUpstreamRefused, ErrAccountRefused, ErrOrgRefused,
		ErrCallbackSignature, ErrAdminAuth,
	}
}

func def(status int, code, msg, when string) *Error {
	return &Error{Status: status, Code: code, Message: msg, when: when}
}

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

// When says, in English, when the error happens.
func (e *Error) When() string { return e.when }

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

// FieldWhy is Field with the reason, when there is one: 参数错误:<field>(<why>).
func FieldWhy(name, why string) *Error {
	if why == "" {
		return Field(name)
	}
	return ErrInvalidParam.Msg("参数错误:%s(%s)", name, why)
}
