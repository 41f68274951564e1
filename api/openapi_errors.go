package api

import (
	"net/http"
	"strconv"

	"esign-gateway/dingtalk"
)

// docError is one error code a route can answer with, for the document.
type docError struct {
	*dingtalk.Error
	en string // when it happens, in English (Message is the Chinese text sent)
}

// errorCatalog lists every code the document names. The dingtalk values are
// the ones sent; the service's own are restated here (they are unexported
// there) and compared with real answers by TestOpenAPIMatchesAnswers.
func errorCatalog() map[string]docError {
	svc := func(status int, code, msg string) *dingtalk.Error {
		return &dingtalk.Error{Status: status, Code: code, Message: msg}
	}
	list := []docError{
		{dingtalk.ErrMissingToken, "the x-acs-dingtalk-access-token header is missing (a token elsewhere, e.g. Authorization, counts as missing)"},
		{dingtalk.ErrInvalidToken, "the token is malformed, expired, signed by an unknown key, or revoked (CancelCorpAuth)"},
		{dingtalk.Field("<field>"), "a parameter is missing or invalid; the message names the first one (DingTalk's spelling of the code, sic)"},
		{dingtalk.ErrPermissionDenied, "the token is not a third-party enterprise app's corp token (internal and personal apps may not call e签宝 actions)"},
		{svc(http.StatusForbidden, "Forbidden.AccessDenied.CorpNotAuthorized", "企业未授权e签宝，请先完成授权"), "the corp has not authorized e签宝 (open the AuthUrl page first)"},
		{dingtalk.ErrQPSLimit, "the app's calls per second for this action are over the limit (when rate limiting is configured)"},
		{dingtalk.ErrNotFound, "no such route or method"},
		{dingtalk.ErrDuplicateOrder, "the orderId was used before with a different body (the same body again returns the same esignOrderId)"},
		{dingtalk.ErrBodyTooLarge, "the body is larger than server.body_limit (gateway code; DingTalk has none)"},
		{dingtalk.ErrSystem, "an unexpected failure (the cause is logged, never sent)"},
		{dingtalk.ErrUpstream, "e签宝 failed, or rejected the gateway's credentials (gateway code)"},
		{dingtalk.ErrUnavailable, "the store is unreachable, the e签宝 circuit breaker is open, or the gateway is not ready (gateway code)"},
		{dingtalk.ErrUpstreamTimeout, "e签宝 did not answer in time (gateway code)"},
		{svc(http.StatusBadRequest, "flowNotExists", "流程信息不存在"), "no such task for the caller's corp (another corp's task looks the same), or e签宝 lost the flow"},
		{svc(http.StatusBadRequest, "fileNotExists", "文件不存在"), "no such file for the caller's corp"},
		{svc(http.StatusBadRequest, "instanceNotExists", "审批实例不存在或没有关联的签署流程"), "no task is linked to this approval instance"},
		{svc(http.StatusBadRequest, "invalidRequest.notParticipant", "当前用户不是流程参与人"), "the account is not a signer of the flow"},
		{svc(http.StatusBadRequest, "invalidRequest.quotaNotEnough", "套餐余量不足，请先购买套餐"), "the corp's quota is used up (buy with ChannelOrder/OrderResale)"},
		{dingtalk.ErrInvalidClient, "unknown app key or wrong secret"},
		{dingtalk.ErrInvalidSuiteKey, "unknown suite key or wrong suite secret"},
		{dingtalk.ErrInvalidSuiteTicket, "the suite ticket is empty"},
		{dingtalk.ErrInvalidAuthInfo, "the corp has not installed the suite's app"},
		{errAdminAuth, "the admin bearer token is missing or wrong"},
		{svc(http.StatusUnauthorized, "InvalidSignature", "回调验签失败"), "the e签宝 callback's app id, signature or timestamp does not verify"},
	}
	m := make(map[string]docError, len(list))
	for _, e := range list {
		m[e.Code] = e
	}
	return m
}

// Error code sets shared by many routes.
var (
	tokenErrors = []string{"AuthenticationFailed.MissingParameter", "InvalidAuthentication",
		"Forbidden.AccessDenied.AccessTokenPermissionDenied", "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "ServiceUnavailable"}
	baseErrors     = []string{"InvalidAction.NotFound", "unknownError"}
	paramErrors    = []string{"invalidRequest.invalidAguemnts"}
	bodyErrors     = []string{"invalidRequest.invalidAguemnts", "invalidRequest.bodyTooLarge"}
	upstreamErrors = []string{"UpstreamError", "ServiceUnavailable", "UpstreamTimeout"}
	storeErrors    = []string{"ServiceUnavailable"}
	corpErrors     = []string{"Forbidden.AccessDenied.CorpNotAuthorized"}
	taskErrors     = []string{"invalidRequest.invalidAguemnts", "flowNotExists"}
	startErrors    = []string{"Forbidden.AccessDenied.CorpNotAuthorized", "invalidRequest.quotaNotEnough"}
)

// errorResponses groups codes by status into OpenAPI responses, naming
// the codes in x-dingtalk-error-codes and referring to one example per code
// (components.examples, see errorExamples).
func errorResponses(cat map[string]docError, codes []string) map[string]any {
	byStatus := map[int][]docError{}
	seen := map[string]bool{}
	for _, c := range codes {
		e, ok := cat[c]
		if !ok {
			panic("openapi: unknown error code " + c) // a typo in the tables; every test run builds the document
		}
		if !seen[c] {
			seen[c] = true
			byStatus[e.Status] = append(byStatus[e.Status], e)
		}
	}
	out := map[string]any{}
	for status, list := range byStatus {
		desc := http.StatusText(status) + ":"
		var names []string
		examples := map[string]any{}
		for _, e := range list {
			desc += "\n- `" + e.Code + "` " + e.Message
			names = append(names, e.Code)
			examples[e.Code] = map[string]any{"$ref": "#/components/examples/" + e.Code}
		}
		out[strconv.Itoa(status)] = map[string]any{
			"description":            desc,
			"x-dingtalk-error-codes": names,
			"headers":                requestIDHeader(),
			"content":                map[string]any{"application/json": map[string]any{"schema": ref("Error"), "examples": examples}},
		}
	}
	return out
}

// errorExamples is one example body per code, with when it happens.
func errorExamples(cat map[string]docError) map[string]any {
	out := map[string]any{}
	for code, e := range cat {
		body := map[string]any{"code": e.Code, "message": e.Message, "requestid": "7d1a3c2e-5b8f-4c7d-9e21-0a6b4f3d2c10"}
		if e.Detail != nil {
			body["accessdenieddetail"] = e.Detail
		}
		out[code] = map[string]any{"summary": e.en, "value": body}
	}
	return out
}
