package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
)

// callbackBudget bounds the work for one callback: e签宝 gives up after 5 s
// and retries, so a slow store is better answered with a 503 in time.
const callbackBudget = 4 * time.Second

// Callback errors. The 401s say which check failed and never what
// signature was expected.
var (
	errCallbackEmpty     = dingtalk.ErrInvalidParam.Msg("参数错误:回调请求体为空")
	errCallbackMalformed = dingtalk.ErrInvalidParam.Msg("参数错误:回调请求体不是合法的JSON对象")
	errCallbackAuth      = &dingtalk.Error{Status: http.StatusUnauthorized, Code: "InvalidSignature", Message: "回调验签失败"}
)

// callbackBody is the union of e签宝's callback bodies (esign-openapi.md
// §5.3): v1 SIGN_FLOW_UPDATE, SIGN_FLOW_FINISH, PARTICIPANT_MARKREAD; v3
// SIGN_MISSON_COMPLETE (sic), SIGN_FLOW_COMPLETE, OPERATOR_READ; v2
// identity results. Scalars are loose because e签宝 sends some fields as
// strings in one version and numbers in another.
type callbackBody struct {
	Action             string `json:"action"`
	FlowID             loose  `json:"flowId"`
	SignFlowID         loose  `json:"signFlowId"`
	AccountID          loose  `json:"accountId"`
	AgentAccountID     loose  `json:"agentAccountId"`
	SignResult         loose  `json:"signResult"`
	ResultDescription  loose  `json:"resultDescription"`
	SignTime           loose  `json:"signTime"`
	OperateTime        loose  `json:"operateTime"`
	ReadTime           loose  `json:"readTime"`
	FlowStatus         loose  `json:"flowStatus"`
	SignFlowStatus     loose  `json:"signFlowStatus"`
	StatusDescription  loose  `json:"statusDescription"`
	EndTime            loose  `json:"endTime"`
	SignFlowFinishTime loose  `json:"signFlowFinishTime"`
	Timestamp          loose  `json:"timestamp"`
	Success            *loose `json:"success"`
	Operator           struct {
		PsnID loose `json:"psnId"`
	} `json:"operator"`
}

// HandleCallback receives one e签宝 callback: it checks the signature, app
// id and freshness (esign-openapi.md §5.2), then records what happened in
// the task's log and status and queues the event for the ISV, all durably
// before it returns nil (the 2xx). A repeated callback changes nothing and
// queues nothing. Unknown actions and flows are acknowledged and ignored;
// an error means e签宝 should try again (store trouble) or gave a bad
// request (4xx).
func (s *Service) HandleCallback(ctx context.Context, h http.Header, rawQuery string, body []byte) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return errCallbackEmpty
	}
	vc := esign.CallbackConfig{AppID: s.cfg.CallbackAppID, AppSecret: s.cfg.CallbackSecret, Window: s.cfg.CallbackWindow, Now: s.now}
	if err := esign.VerifyCallback(vc, h, rawQuery, body); err != nil {
		reason := callbackReason(err)
		s.log.Warn("esign callback refused", slog.String("reason", reason))
		return errCallbackAuth.Msg("回调验签失败：%s", reason).Wrap(err)
	}
	var cb callbackBody
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &cb) != nil {
		return errCallbackMalformed
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callbackBudget)
	defer cancel()
	switch cb.Action {
	case "SIGN_FLOW_UPDATE", "SIGN_MISSON_COMPLETE":
		at := firstTime(s.nowMs(), cb.SignTime, cb.OperateTime, cb.Timestamp)
		return s.signerResult(ctx, cb.Action, string(first(cb.FlowID, cb.SignFlowID)), string(first(cb.AccountID, cb.Operator.PsnID)),
			cb.SignResult.int(), string(cb.ResultDescription), at)
	case "SIGN_FLOW_FINISH", "SIGN_FLOW_COMPLETE":
		at := firstTime(s.nowMs(), cb.EndTime, cb.SignFlowFinishTime, cb.Timestamp)
		return s.flowEnd(ctx, cb.Action, string(first(cb.FlowID, cb.SignFlowID)), first(cb.FlowStatus, cb.SignFlowStatus).int(),
			string(cb.StatusDescription), at)
	case "PARTICIPANT_MARKREAD", "OPERATOR_READ":
		at := firstTime(s.nowMs(), cb.ReadTime, cb.Timestamp)
		return s.markRead(ctx, cb.Action, string(first(cb.FlowID, cb.SignFlowID)), string(first(cb.AccountID, cb.Operator.PsnID)), at)
	case "identity_psn_end", "identity_org_end":
		return s.identityEnd(ctx, &cb)
	case "":
		// Identity results sent to a notifyUrl carry no action (§5.3).
		if cb.FlowID != "" && cb.Success != nil {
			return s.identityEnd(ctx, &cb)
		}
	}
	// New actions appear without notice; e签宝 asks receivers to ignore them.
	s.log.Debug("esign callback ignored: unknown action", slog.String("action", cb.Action))
	return nil
}

// callbackReason is the short, secret-free reason a callback was refused.
func callbackReason(err error) string {
	switch {
	case errors.Is(err, esign.ErrCallbackMissing):
		return "缺少签名头"
	case errors.Is(err, esign.ErrCallbackAppID):
		return "appId不匹配"
	case errors.Is(err, esign.ErrCallbackStale):
		return "时间戳超出有效期"
	}
	return "签名不匹配"
}

// loose is a JSON scalar read as text whatever its JSON type: "2" and 2
// are both "2". null is "".
type loose string

// UnmarshalJSON accepts strings, numbers and booleans.
func (l *loose) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = loose(v)
	case b[0] == '{' || b[0] == '[':
		return errors.New("service: callback field must be a scalar")
	default:
		*l = loose(b)
	}
	return nil
}

// int is the value as an integer; 0 if it is not one.
func (l loose) int() int {
	n, _ := strconv.Atoi(string(l))
	return n
}

// chinaTime is the zone of e签宝's "yyyy-MM-dd HH:mm:ss" callback times
// (Asia/Shanghai, which has had no DST since 1991).
var chinaTime = time.FixedZone("CST", 8*3600)

// ms reads a callback time: epoch milliseconds (seconds if small) or
// "yyyy-MM-dd HH:mm:ss" in China time.
func (l loose) ms() (int64, bool) {
	if l == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(l), 10, 64); err == nil && n > 0 {
		if n < 1e11 {
			n *= 1000
		}
		return n, true
	}
	t, err := time.ParseInLocation(time.DateTime, string(l), chinaTime)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

// firstTime is the first of vs that is a time, else def.
func firstTime(def int64, vs ...loose) int64 {
	for _, v := range vs {
		if ms, ok := v.ms(); ok {
			return ms
		}
	}
	return def
}

// first is the first non-empty of vs.
func first(vs ...loose) loose {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
