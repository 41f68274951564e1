package service

import (
	"context"
	"strconv"

	"esign-gateway/service/store"
)

// Log types of a task's history (GetFlowDetail logs[].logType), as
// DingTalk's page documents them; the gateway writes the ones e签宝's flow
// can show. A failed signing attempt (e签宝 signResult 3) has no type: the
// signer may try again, so it is not logged.
const (
	logCreated  = "1"  // 创建流程
	logStarted  = "4"  // 开启流程
	logRevoked  = "5"  // 撤回流程 (e签宝 3 撤销, 4 终止)
	logExpired  = "6"  // 流程过期
	logArchived = "7"  // 归档流程 (e签宝 2 完成)
	logRead     = "8"  // 查看流程
	logSigned   = "23" // 签署
	logRefused  = "26" // 拒绝签署 (the flow ends: e签宝 7 拒签)
)

// refusedKey is the log key of a flow's refusal. A refusal ends the flow,
// so the signer's result and the flow's end share it and it is logged once,
// by whichever is seen first.
const refusedKey = "flow:refused"

// keepStatus leaves a task's status as it is.
const keepStatus = -1

// change is what happened to a task: log entries seen (in a callback, or in
// e签宝's state on a read) and the flow status they lead to.
type change struct {
	entries []store.LogEntry
	// status is the task's status after the change; keepStatus leaves it.
	status int
}

// apply makes a change durable. It is the one transition of a task's
// state, used by the callbacks and by the reconciliation of reads, in the
// one order that survives a crash at any point:
//
//  1. for each entry not yet in the log, the ISV event is queued, then the
//     entry is logged: a repeat of the change finds the entry and queues
//     nothing, and a crash between the two queues the same event id again,
//     which the store refuses;
//  2. the status moves, never back from an end;
//  3. whatever this replica cached about the task is dropped.
//
// logs is the task's log as the caller read it, or nil to read it here. It
// returns the log after the change.
func (s *core) apply(ctx context.Context, t *store.Task, logs []store.LogEntry, ch change) ([]store.LogEntry, error) {
	if logs == nil {
		var err error
		if logs, err = s.store.Logs(ctx, t.ID); err != nil {
			return nil, storeError(err, nil)
		}
	}
	have := make(map[string]bool, len(logs))
	for _, l := range logs {
		have[l.Key] = true
	}
	move := ch.status != keepStatus && !t.Finished && t.Status != ch.status
	added := false
	for _, e := range ch.entries {
		if have[e.Key] {
			continue
		}
		have[e.Key] = true
		if err := s.queueEvent(ctx, t, e); err != nil {
			return nil, err
		}
		if _, err := s.store.AppendLog(ctx, t.ID, e); err != nil {
			return nil, storeError(err, nil)
		}
		added = true
	}
	if move {
		if _, err := s.setStatus(ctx, t.ID, ch.status); err != nil {
			return nil, err
		}
	}
	if added || move {
		s.cache.drop(t.ID)
	}
	if !added {
		return logs, nil
	}
	logs, err := s.store.Logs(ctx, t.ID)
	return logs, storeError(err, nil)
}

// setStatus moves a task to status, never moving a finished flow back, and
// drops what this replica cached about it.
func (s *core) setStatus(ctx context.Context, taskID string, status int) (*store.Task, error) {
	t, err := s.store.UpdateTask(ctx, taskID, func(t *store.Task) error {
		if t.Finished {
			return nil
		}
		t.Status = status
		t.Finished = finalStatus(status)
		t.UpdatedAt = s.nowMs()
		return nil
	})
	s.cache.drop(taskID)
	return t, storeError(err, nil)
}

// appendLog logs e for a task the caller just changed itself (created,
// started, consented) and drops what this replica cached about it.
func (s *core) appendLog(ctx context.Context, taskID string, e store.LogEntry) error {
	_, err := s.store.AppendLog(ctx, taskID, e)
	s.cache.drop(taskID)
	return storeError(err, nil)
}

// flowStatus is the flowStatus DingTalk documents for e签宝's st: the same
// number, but for 12 已解约 (a completed flow rescinded), which DingTalk does
// not list: it is sent as 3 撤销, the contract no longer standing.
func flowStatus(st int) int {
	if st == 12 {
		return 3
	}
	return st
}

// finalStatus reports whether an e签宝 flowStatus ends the flow: every
// status from 2 (完成) up is an end (撤销, 终止, 过期, 删除, 拒签, 解约).
func finalStatus(st int) bool { return st >= 2 }

// logEntry builds a log entry.
func logEntry(key, typ, desc string, at int64, who string) store.LogEntry {
	return store.LogEntry{Key: key, LogType: typ, Description: desc, OperateTime: at, OperatorName: who}
}

// signedKey is the log key of a signer's signature, shared by the
// callbacks and the reconciliation so that each is logged once.
func signedKey(accountID string) string { return "signer:" + accountID + ":2" }

// startedEntry is the log entry of a flow's start.
func startedEntry(at int64) store.LogEntry {
	return logEntry("started", logStarted, "流程已开启", at, "")
}

// endEntry is the log entry for a flow's end state.
func endEntry(status int, at int64, desc string) (store.LogEntry, bool) {
	key := "flow:end:" + strconv.Itoa(status)
	switch status {
	case 2:
		return logEntry(key, logArchived, "签署完成，流程结束", at, ""), true
	case 3:
		return logEntry(key, logRevoked, nonEmpty(desc, "流程已撤销"), at, ""), true
	case 4:
		return logEntry(key, logRevoked, nonEmpty(desc, "流程已终止"), at, ""), true
	case 5:
		return logEntry(key, logExpired, "流程已过期", at, ""), true
	case 7:
		return logEntry(refusedKey, logRefused, nonEmpty(desc, "流程被拒签"), at, ""), true
	}
	return store.LogEntry{}, false
}
