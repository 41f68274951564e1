package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// callbackBudget bounds the work for one callback: e签宝 gives up after 5 s
// and retries, so a slow store is better answered with a 503 in time.
const callbackBudget = 4 * time.Second

// Callback errors. The 401s say which check failed and never what
// signature was expected.
var (
	errCallbackEmpty     = dingtalk.ErrInvalidParam.Msg("参数错误:回调请求体为空")
	errCallbackMalformed = dingtalk.ErrInvalidParam.Msg("参数错误:回调请求体不是合法的JSON对象")
)

// Callbacks receives e签宝's callbacks and turns each into the change it
// stands for.
type Callbacks service

// Path is where the callbacks arrive (Config.Callbacks.Path).
func (s *Callbacks) Path() string { return s.cfg.Callbacks.Path }

// Handle receives one e签宝 callback: it checks the signature, app
// id and freshness (esign-openapi.md §5.2), then records what happened in
// the task's log and status and queues the event for the ISV, all durably
// before it returns nil (the 2xx). A repeated callback changes nothing and
// queues nothing. Unknown actions and flows are acknowledged and ignored;
// an error means e签宝 should try again (store trouble) or gave a bad
// request (4xx). action is the body's action once the signature holds
// (for metrics).
func (s *Callbacks) Handle(ctx context.Context, h http.Header, rawQuery string, body []byte) (action string, err error) {
	return s.handle(ctx, h, rawQuery, body)
}

func (s *Callbacks) handle(ctx context.Context, h http.Header, rawQuery string, body []byte) (string, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return "", errCallbackEmpty
	}
	vc := esign.CallbackConfig{AppID: s.cfg.Callbacks.AppID, AppSecret: s.cfg.Callbacks.Secret, Window: s.cfg.Callbacks.Window, Now: s.now}
	if err := esign.VerifyCallback(vc, h, rawQuery, body); err != nil {
		reason := callbackReason(err)
		s.log.Warn("esign callback refused", slog.String("reason", reason))
		return "", dingtalk.ErrCallbackSignature.Msg("回调验签失败：%s", reason).Wrap(err)
	}
	var cb callbackBody
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &cb) != nil {
		return "", errCallbackMalformed
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callbackBudget)
	defer cancel()
	return cb.Action, s.dispatch(ctx, &cb)
}

// dispatch applies a verified callback.
func (s *Callbacks) dispatch(ctx context.Context, cb *callbackBody) error {
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
	case "AUTHORIZE_FINISH":
		return s.authorizeFinish(ctx, cb)
	case "identity_psn_end", "identity_org_end":
		return s.identityEnd(ctx, cb)
	case "":
		// Identity results sent to a notifyUrl carry no action (§5.3).
		if cb.FlowID != "" && cb.Success != nil {
			return s.identityEnd(ctx, cb)
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

// Status of a real-name task once its identity flow ends.
const (
	identityPassed = 2
	identityFailed = 4
)

// nameBudget bounds the real-name lookup of a callback's operator, which
// may miss the name cache and ask e签宝.
const nameBudget = 2 * time.Second

// signerResult records a signer's result (signResult 2 signed, 4 refused)
// under the key reconcile uses for the same signer state; a failed attempt
// (3) is not logged, as the signer may try again and DingTalk has no log
// type for it.
func (s *Callbacks) signerResult(ctx context.Context, action, flowID, accountID string, result int, desc string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	var e store.LogEntry
	switch result {
	case 2:
		e = logEntry(signedKey(accountID), logSigned, "签署完成", at, "")
	case 4:
		text := "拒签"
		if desc != "" && desc != text {
			text += "：" + desc
		}
		e = logEntry(refusedKey, logRefused, text, at, "")
	default:
		s.log.Debug("esign callback ignored: unknown signResult", slog.String("action", action), slog.Int("signResult", result))
		return nil
	}
	e.OperatorName = s.operatorName(ctx, t, accountID)
	// A signer acting means the flow is under way (a start-page flow may
	// have been started on e签宝's side).
	return s.record(ctx, t, change{entries: []store.LogEntry{e}, status: 1})
}

// flowEnd records the flow's end (flowStatus 2 完成, 3 撤销, 5 过期, 7 拒签,
// …) under reconcile's "flow:end:<status>" key and finishes the task.
func (s *Callbacks) flowEnd(ctx context.Context, action, flowID string, status int, desc string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	if !finalStatus(status) {
		s.log.Debug("esign callback ignored: not an end status", slog.String("action", action), slog.Int("flowStatus", status))
		return nil
	}
	ch := change{status: status}
	if e, ok := endEntry(status, at, desc); ok {
		ch.entries = append(ch.entries, e)
	}
	// Other ends (6 删除, 8 解约…) have no DingTalk log type: the status
	// says it.
	return s.record(ctx, t, ch)
}

// markRead records that a signer first opened the flow.
func (s *Callbacks) markRead(ctx context.Context, action, flowID, accountID string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	if accountID == "" {
		return nil
	}
	e := logEntry("read:"+accountID, logRead, "查看合同", at, s.operatorName(ctx, t, accountID))
	return s.record(ctx, t, change{entries: []store.LogEntry{e}, status: keepStatus})
}

// identityEnd records the end of a real-name task's identity flow.
func (s *Callbacks) identityEnd(ctx context.Context, cb *callbackBody) error {
	t, err := s.callbackTask(ctx, cb.Action, string(cb.FlowID), store.KindUserRealname, store.KindCorpRealname)
	if t == nil || err != nil {
		return err
	}
	ok := cb.Success != nil && *cb.Success == "true"
	who := string(cb.AccountID)
	if cb.Action == "identity_org_end" || t.Kind == store.KindCorpRealname {
		who = string(cb.AgentAccountID) // the person who verified for the org
	}
	e := logEntry("identity:end", logArchived, "实名认证通过", firstTime(s.nowMs(), cb.Timestamp), s.operatorName(ctx, t, who))
	status := identityPassed
	if !ok {
		e.Description, status = "实名认证未通过", identityFailed
	}
	if ok {
		// Verified accounts have names now: this replica shows them at once
		// (others within emptyNameTTL).
		s.names.forget(string(cb.AccountID), string(cb.AgentAccountID))
		// The v3 ids exist now; an error makes e签宝 retry the callback.
		if err := s.learnV3IDs(ctx, t); err != nil {
			return err
		}
	}
	// DingTalk's event page has no real-name event: nothing is pushed.
	return s.record(ctx, t, change{entries: []store.LogEntry{e}, status: status})
}

// callbackTask finds the task behind a callback's flow. An unknown flow,
// or one behind another kind of task, is logged and yields (nil, nil): the
// callback is acknowledged, since retrying cannot help.
func (s *Callbacks) callbackTask(ctx context.Context, action, flowID string, kinds ...store.TaskKind) (*store.Task, error) {
	if flowID == "" {
		s.log.Warn("esign callback without a flow id", slog.String("action", action))
		return nil, nil
	}
	t, err := s.store.TaskByFlow(ctx, flowID)
	if errors.Is(err, store.ErrNotFound) {
		s.log.Warn("esign callback for an unknown flow", slog.String("action", action), slog.String("flow", flowID))
		return nil, nil
	}
	if err != nil {
		return nil, storeError(err, nil)
	}
	if !kindIn(t.Kind, kinds) {
		s.log.Warn("esign callback does not fit the task", slog.String("action", action), slog.String("kind", string(t.Kind)))
		return nil, nil
	}
	return t, nil
}

// record applies a callback's change (core.apply).
func (s *Callbacks) record(ctx context.Context, t *store.Task, ch change) error {
	_, err := s.apply(ctx, t, nil, ch)
	return err
}

// operatorName is the real name of a callback's operator: e签宝's (cached)
// account name, or, if e签宝 does not answer in time, the name the task
// knows, or the account id. A callback never fails for want of a name.
func (s *Callbacks) operatorName(ctx context.Context, t *store.Task, accountID string) string {
	if accountID == "" {
		return ""
	}
	nctx, cancel := context.WithTimeout(ctx, nameBudget)
	defer cancel()
	name, err := s.personName(nctx, accountID)
	if err == nil && name != "" {
		return name
	}
	if err != nil {
		s.log.Warn("esign callback: operator name lookup failed", slog.Any("error", err))
	}
	for _, p := range t.Participants {
		if p.AccountID == accountID && p.Name != "" {
			return p.Name
		}
	}
	return accountID
}
