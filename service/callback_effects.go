package service

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"esign-gateway/service/store"
)

// logFailed is a signer's failed signing attempt (SIGN_FLOW_UPDATE
// signResult 3); the flow goes on, the signer may try again.
const logFailed = "9" // 签署失败

// Status of a real-name task once its identity flow ends.
const (
	identityPassed = 2
	identityFailed = 4
)

// keepStatus leaves a task's status as it is.
const keepStatus = -1

// nameBudget bounds the real-name lookup of a callback's operator, which
// may miss the name cache and ask e签宝.
const nameBudget = 2 * time.Second

// signerResult records a signer's result (signResult 2 signed, 4 refused,
// 3 failed) under the key reconcile uses for the same signer state.
func (s *Service) signerResult(ctx context.Context, action, flowID, accountID string, result int, desc string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	var e store.LogEntry
	switch result {
	case 2:
		e = logEntry(signKey(accountID, 2), logSigned, "签署完成", at, "")
	case 4:
		text := "拒签"
		if desc != "" && desc != text {
			text += "：" + desc
		}
		e = logEntry(signKey(accountID, 4), logRefused, text, at, "")
	case 3:
		e = logEntry(signKey(accountID, 3), logFailed, nonEmpty(desc, "签署失败"), at, "")
	default:
		s.log.Debug("esign callback ignored: unknown signResult", slog.String("action", action), slog.Int("signResult", result))
		return nil
	}
	e.OperatorName = s.operatorName(ctx, t, accountID)
	// A signer acting means the flow is under way (a start-page flow may
	// have been started on e签宝's side).
	return s.applyChange(ctx, t, e, 1, nil)
}

// flowEnd records the flow's end (flowStatus 2 完成, 3 撤销, 5 过期, 7 拒签,
// …) under reconcile's "flow:end:<status>" key and finishes the task.
func (s *Service) flowEnd(ctx context.Context, action, flowID string, status int, desc string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	if !finalStatus(status) {
		s.log.Debug("esign callback ignored: not an end status", slog.String("action", action), slog.Int("flowStatus", status))
		return nil
	}
	e, ok := endEntry(status, at, desc)
	if !ok {
		e = logEntry("flow:end:"+strconv.Itoa(status), logFinished, nonEmpty(desc, "流程已结束"), at, "")
	}
	return s.applyChange(ctx, t, e, status, nil)
}

// markRead records that a signer first opened the flow.
func (s *Service) markRead(ctx context.Context, action, flowID, accountID string, at int64) error {
	t, err := s.callbackTask(ctx, action, flowID, flowKinds...)
	if t == nil || err != nil {
		return err
	}
	if accountID == "" {
		return nil
	}
	e := logEntry("read:"+accountID, logRead, "查看合同", at, s.operatorName(ctx, t, accountID))
	return s.applyChange(ctx, t, e, keepStatus, nil)
}

// identityEnd records the end of a real-name task's identity flow.
func (s *Service) identityEnd(ctx context.Context, cb *callbackBody) error {
	t, err := s.callbackTask(ctx, cb.Action, string(cb.FlowID), store.KindUserRealname, store.KindCorpRealname)
	if t == nil || err != nil {
		return err
	}
	ok := cb.Success != nil && *cb.Success == "true"
	who := string(cb.AccountID)
	if cb.Action == "identity_org_end" || t.Kind == store.KindCorpRealname {
		who = string(cb.AgentAccountID) // the person who verified for the org
	}
	e := logEntry("identity:end", logFinished, "实名认证通过", firstTime(s.nowMs(), cb.Timestamp), s.operatorName(ctx, t, who))
	status := identityPassed
	if !ok {
		e.Description, status = "实名认证未通过", identityFailed
	}
	return s.applyChange(ctx, t, e, status, func(ev *PushEvent) {
		ev.EventType, ev.UserID, ev.Success = EventRealnameUpdate, t.UserID, &ok
	})
}

// callbackTask finds the task behind a callback's flow. An unknown flow,
// or one behind another kind of task, is logged and yields (nil, nil): the
// callback is acknowledged, since retrying cannot help.
func (s *Service) callbackTask(ctx context.Context, action, flowID string, kinds ...store.TaskKind) (*store.Task, error) {
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

// applyChange makes a callback's effect durable: the ISV event, the log
// entry, the status. The event goes first: once the entry is logged a
// repeat of the callback is recognised and queues nothing, so the event
// must already be queued by then. A crash between the two queues the same
// event id again, which the store refuses. status keepStatus leaves the
// status alone; a finished task is never moved.
func (s *Service) applyChange(ctx context.Context, t *store.Task, e store.LogEntry, status int, extra func(*PushEvent)) error {
	logs, err := s.store.Logs(ctx, t.ID)
	if err != nil {
		return storeError(err, nil)
	}
	seen := false
	for _, l := range logs {
		seen = seen || l.Key == e.Key
	}
	move := status != keepStatus && !t.Finished && t.Status != status
	if !seen {
		after := t.Status
		if move {
			after = status
		}
		if err := s.pushChange(ctx, t, e, after, extra); err != nil {
			return err
		}
		if _, err := s.store.AppendLog(ctx, t.ID, e); err != nil {
			return storeError(err, nil)
		}
	}
	if move {
		if _, err := s.setStatus(ctx, t.ID, status); err != nil {
			return err
		}
	}
	s.invalidateTask(t.ID)
	return nil
}

// operatorName is the real name of a callback's operator: e签宝's (cached)
// account name, or, if e签宝 does not answer in time, the name the task
// knows, or the account id. A callback never fails for want of a name.
func (s *Service) operatorName(ctx context.Context, t *store.Task, accountID string) string {
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

// invalidateTask drops whatever is cached about a task after a callback
// changed it (readCaches), so this replica never serves the old state
// again; replicas that missed the callback keep theirs for at most
// Config.CacheTTL.
func (s *Service) invalidateTask(taskID string) { s.cache.drop(taskID) }
