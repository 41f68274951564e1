package service

import (
	"errors"
	"log/slog"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Errors of the gateway's own making (DingTalk has no code for them, or
// documents the code for esign_2.0: flowNotExists).
var (
	errTaskNotFound  = &dingtalk.Error{Status: 400, Code: "flowNotExists", Message: "流程信息不存在"}
	errFileNotFound  = &dingtalk.Error{Status: 400, Code: "fileNotExists", Message: "文件不存在"}
	errUserNotFound  = &dingtalk.Error{Status: 400, Code: "userInfoError", Message: "用户信息不存在"}
	errNoQuota       = &dingtalk.Error{Status: 400, Code: "invalidRequest.quotaNotEnough", Message: "套餐余量不足，请先购买套餐"}
	errNotAuthorized = &dingtalk.Error{Status: 403, Code: "Forbidden.AccessDenied.CorpNotAuthorized", Message: "企业未授权e签宝，请先完成授权"}
	errNotSigner     = &dingtalk.Error{Status: 400, Code: "invalidRequest.notParticipant", Message: "当前用户不是流程参与人"}
)

// upstreamError turns an e签宝 failure into the error the client sees. It is
// the only code that knows what e签宝 errors mean to a DingTalk client.
func (s *Service) upstreamError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae *esign.APIError
	switch {
	case errors.Is(err, esign.ErrBreakerOpen):
		return dingtalk.ErrUnavailable.Msg("e签宝服务暂不可用（熔断中），请稍后重试").Wrap(err)
	case esign.IsTimeout(err):
		return dingtalk.ErrUpstreamTimeout.Wrap(err)
	case errors.As(err, &ae) && ae.Auth():
		s.log.Error("e签宝 rejected the gateway's credentials: check esign.app_id, esign.app_secret and the clock",
			slog.String("op", op), slog.String("upstream_message", ae.Message))
		return dingtalk.ErrUpstream.Wrap(err)
	case errors.As(err, &ae) && ae.HTTPStatus >= 200 && ae.HTTPStatus < 300 && ae.Code > 0:
		switch ae.Code {
		case 1435011, 1437105:
			return errTaskNotFound.Wrap(err)
		case 1437114:
			return errNotSigner.Wrap(err)
		case 1435403, 1435404, 1435405:
			return errNoQuota.Wrap(err)
		}
		return dingtalk.ErrInvalidParam.Msg("参数错误:%s", ae.Message).Wrap(err)
	}
	return dingtalk.ErrUpstream.Wrap(err)
}

// storeError turns a store failure into the error the client sees: not
// found stays with the caller's meaning, anything else means the store is
// unreachable (503, never a guess).
func storeError(err error, notFound *dingtalk.Error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound) && notFound != nil:
		return notFound.Wrap(err)
	}
	return dingtalk.ErrUnavailable.Wrap(err)
}
