package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"esign-gateway/service/store"
)

// Event types of PushEvent.
const (
	EventFlowUpdate     = "esign_flow_update"
	EventRealnameUpdate = "esign_realname_update"
)

// PushEvent is the plaintext of an event pushed to an ISV's noticeUrl,
// before DingTalk's event crypto seals it into {"encrypt": ...}:
//
//	{"EventType":"esign_flow_update","EventId":"ev…","CorpId":"ding…",
//	 "TaskId":"tk…","FlowId":"…","FlowStatus":1,"LogType":"4",
//	 "OperateDescription":"签署完成","OperatorAccountName":"李四",
//	 "OperateTime":1700000000000}
//
// FlowStatus is e签宝's flowStatus after the change (1 签署中, 2 完成, 3 撤销,
// 5 过期, 7 拒签); LogType, OperateDescription, OperateTime (ms) and
// OperatorAccountName are the log entry GetFlowDetail shows for it.
// Realname tasks send EventType esign_realname_update with UserId and
// Success, FlowStatus 2 (passed) or 4 (failed). EventId is the same on
// every delivery of one change, so an ISV can drop repeats: delivery is at
// least once.
type PushEvent struct {
	EventType           string `json:"EventType"`
	EventID             string `json:"EventId"`
	CorpID              string `json:"CorpId"`
	TaskID              string `json:"TaskId"`
	FlowID              string `json:"FlowId"`
	FlowStatus          int    `json:"FlowStatus"`
	LogType             string `json:"LogType"`
	OperateDescription  string `json:"OperateDescription"`
	OperatorAccountName string `json:"OperatorAccountName"`
	OperateTime         int64  `json:"OperateTime"`
	UserID              string `json:"UserId,omitempty"`
	Success             *bool  `json:"Success,omitempty"`
}

// eventID names the event of one log entry: the same change always gets the
// same id, so enqueueing it twice (a crash between enqueue and log, or a
// callback racing GetFlowDetail) is refused by the store as ErrExists.
func eventID(taskID, logKey string) string {
	sum := sha256.Sum256([]byte(taskID + "\x00" + logKey))
	return "ev" + hex.EncodeToString(sum[:16])
}

// queueEvent puts the event for log entry e of task t into the outbox;
// status is the task's flowStatus after the change.
func (s *core) queueEvent(ctx context.Context, t *store.Task, e store.LogEntry, status int, extra func(*PushEvent)) error {
	ev := PushEvent{EventType: EventFlowUpdate, EventID: eventID(t.ID, e.Key), CorpID: t.CorpID, TaskID: t.ID,
		FlowID: t.FlowID, FlowStatus: status, LogType: e.LogType, OperateDescription: e.Description,
		OperatorAccountName: e.OperatorName, OperateTime: e.OperateTime}
	if extra != nil {
		extra(&ev)
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	err = s.store.Enqueue(ctx, &store.Event{ID: ev.EventID, Key: t.ID, CorpID: t.CorpID, AppKey: t.AppKey, Payload: payload})
	if err != nil && !errors.Is(err, store.ErrExists) {
		return storeError(err, nil)
	}
	select {
	case s.pusher.wake <- struct{}{}:
	default:
	}
	return nil
}
