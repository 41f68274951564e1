package dingtalk

import (
	"net/http"
	"strings"
)

// The error codes DingTalk's pages document (../shared/reference/
// dingtalk-docs): per action on the action's page, and the platform's on
// the global error-code page (0013). The gateway's own errors (errors.go)
// say what happened; the action table maps each to the code the action's
// page documents for it (api/actions.go), and Render turns it into the body
// the client gets. Messages are the pages', "%s" filled with the detail.
var (
	// esign_1.0: every page documents one code.
	V1InvalidArguments = def(http.StatusBadRequest, "invalidRequest.invalidAguemnts", "参数错误:%s",
		"esign_1.0: any refusal of the request (the only code its pages document)")
	V1FailToCreateCorpAccount = def(http.StatusInternalServerError, "fail.failToCreateCorpAccount", "创建企业账号异常",
		"esign_1.0 GetUploadUrl: e签宝 refused the corp's organization account")

	// esign_2.0.
	RequestParamError = def(http.StatusBadRequest, "requestParamError", "%s", "a parameter is missing or invalid; the message names it")
	IllegalArgument   = def(http.StatusBadRequest, "illegalArgument", "非法参数 %s", "CreateDevelopers: a parameter is invalid")
	FlowNotExists     = def(http.StatusBadRequest, "flowNotExists", "流程信息不存在", "no such task for the caller's corp")
	GetFlowInfoError  = def(http.StatusBadRequest, "getFlowInfoError", "查询流程信息异常", "the task's flow cannot be read")
	GetFlowInfoFailed = def(http.StatusBadRequest, "getFlowInfoError", "获取流程信息失败", "GetExecuteUrl: the task's flow cannot be read")
	QueryFlowDetail   = def(http.StatusBadRequest, "queryFlowDetailError", "查询流程详情异常", "e签宝 refused the flow's detail")
	QueryFlowDocInfo  = def(http.StatusBadRequest, "queryFlowDocInfoError", "查询流程文档信息详情异常", "e签宝 refused the flow's documents")
	QueryFlowSigners  = def(http.StatusBadRequest, "queryFlowSignersError", "查询流程签署人信息异常", "e签宝 refused the flow's signers")
	UserInfoError     = def(http.StatusBadRequest, "userInfoError", "用户信息异常", "GetFlowDetail: an account cannot be read")
	GetUserInfoError  = def(http.StatusBadRequest, "getUserInfoError", "获取用户信息异常", "an account or its real-name state cannot be read")
	GetUserInfoFail   = def(http.StatusBadRequest, "getUserInfoFail", "获取用户信息失败,%s", "a participant's account cannot be read or made")
	CreateUserError   = def(http.StatusBadRequest, "createUserError", "创建用户账号异常", "e签宝 refused the user's person account")
	CreateUserAccount = def(http.StatusBadRequest, "createUserAccountError", "创建用户账号异常", "CreateProcess: e签宝 refused a person account")
	CreateOrgAccount  = def(http.StatusBadRequest, "createOrgAccountError", "创建企业账号异常", "e签宝 refused the corp's organization account")
	CreateFlowError   = def(http.StatusBadRequest, "createFlowError", "创建流程失败: %s", "CreateProcess: e签宝 refused the flow, or the quota is used up")
	GetSignURLError   = def(http.StatusBadRequest, "getSignUrlError", "获取签署链接失败: %s", "GetExecuteUrl: no signing page for that account")
	GetFileInfoError  = def(http.StatusBadRequest, "getFileInfoError", "获取文件信息失败: %s", "no such file for the caller's corp, or e签宝 refused it")
	GetUploadURLError = def(http.StatusBadRequest, "getFileUploadUrlError", "获取文件上传地址异常", "e签宝 refused the upload address")
	ServiceError      = def(http.StatusBadRequest, "serviceError", "服务错误", "ProcessStart, UsersRealname: e签宝 refused, or the quota is used up")
	DoRepeatOrder     = def(http.StatusBadRequest, "doRepeatOrderError", "请勿重复下单", "the orderId was used before with a different body")
	RequestTooMuch    = def(http.StatusBadRequest, "requestTooMuch", "请求太频繁了，稍后再试", "order actions: over the rate limit")

	// A body over the limit is refused before the action runs: HTTP's 413
	// with the version's parameter code (no page documents a status for it).
	V1BodyTooLarge = def(http.StatusRequestEntityTooLarge, "invalidRequest.invalidAguemnts", "参数错误:%s",
		"esign_1.0 and the token endpoints: the request body is over the limit")
	V2BodyTooLarge = def(http.StatusRequestEntityTooLarge, "requestParamError", "%s",
		"esign_2.0: the request body is over the limit")

	// The platform's (0013), for what an action's page lists nothing for.
	CorpNotAuthorized = def(http.StatusForbidden, "Forbidden.AccessDenied.AccessTokenPermissionDenied", "没有调用该接口的权限：%s",
		"the corp has not authorized e签宝 (open the AuthUrl page first)")
	PlatformBusy    = def(http.StatusServiceUnavailable, "serviceBusy", "The server is busy and unable to complete your request. Please try again later.", "the store is unreachable or the e签宝 circuit breaker is open: retry later")
	PlatformTimeout = def(http.StatusGatewayTimeout, "service.timeout", "The server is busy and unable to complete your request. Please try again later.", "e签宝 did not answer in time: retry later")
	PlatformUnknown = def(http.StatusBadGateway, "unknownError", "Unknown Error", "e签宝 failed (5xx, reset, garbage), or rejected the gateway's credentials")
	QPSLimitISV     = def(http.StatusForbidden, "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi", "您的ISV应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了",
		"a third-party app acting for one corp is over the calls per second of this action")
	QPSLimitApp = def(http.StatusForbidden, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "您的企业应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了",
		"an internal app is over the calls per second of this action")
)

// DocumentedCodes lists every documented code the gateway may send.
func DocumentedCodes() []*Error {
	return []*Error{V1InvalidArguments, V1FailToCreateCorpAccount, RequestParamError, IllegalArgument,
		FlowNotExists, GetFlowInfoError, GetFlowInfoFailed, QueryFlowDetail, QueryFlowDocInfo, QueryFlowSigners,
		UserInfoError, GetUserInfoError, GetUserInfoFail, CreateUserError, CreateUserAccount, CreateOrgAccount,
		CreateFlowError, GetSignURLError, GetFileInfoError, GetUploadURLError, ServiceError, DoRepeatOrder,
		RequestTooMuch, V1BodyTooLarge, V2BodyTooLarge, CorpNotAuthorized, PlatformBusy, PlatformTimeout, PlatformUnknown, QPSLimitISV, QPSLimitApp}
}

// Render is the error the client gets when e happens on an action that
// documents code for it: code's status, code and message, with the "%s" of
// the message filled with e's detail (its message without the "参数错误:"
// that already starts it where the documented message says so too), and
// e's cause kept for the log.
func (code *Error) Render(e *Error) *Error {
	out := *code
	out.cause = e
	out.Detail = e.Detail
	if strings.Contains(code.Message, "%s") {
		detail := e.Message
		if code.Message != "%s" {
			// The code's own words replace the generic prefix.
			detail = strings.TrimPrefix(detail, "参数错误:")
		}
		out.Message = strings.Replace(code.Message, "%s", detail, 1)
	}
	return &out
}
