package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// signStatus is the SIGN event status of a log entry (DingTalk's page
// "e签宝事件"): a start or a signature is RUNNING, the archive FINISH, a
// revocation or an expiry REVOKE, a refusal REFUSE. Creation and reads push
// nothing: the page has no status for them.
func signStatus(logType string) (string, bool) {
	switch logType {
	case logStarted, logSigned:
		return dingtalk.SignRunning, true
	case logArchived:
		return dingtalk.SignFinish, true
	case logRevoked, logExpired:
		return dingtalk.SignRevoke, true
	case logRefused:
		return dingtalk.SignRefuse, true
	}
	return "", false
}

// eventID names the event of one log entry: the same change always gets the
// same id, so enqueueing it twice (a crash between enqueue and log, or a
// callback racing GetFlowDetail) is refused by the store as ErrExists. It
// is sent as X-Esigngw-Event-Id so that a receiver can drop repeats.
func eventID(taskID, logKey string) string {
	sum := sha256.Sum256([]byte(taskID + "\x00" + logKey))
	return "ev" + hex.EncodeToString(sum[:16])
}

// queueEvent puts the SIGN event for log entry e of task t (as it was
// before the change), if it has one, into the outbox. Only sign flows push
// SIGN events; real-name and authorization tasks do not.
func (s *core) queueEvent(ctx context.Context, t *store.Task, e store.LogEntry) error {
	status, ok := signStatus(e.LogType)
	// A finished flow has had its one end event; what is learnt later (a
	// late signature, another end) must not tell the ISV it runs again.
	if !ok || !kindIn(t.Kind, flowKinds) || t.Finished {
		return nil
	}
	ev := dingtalk.Event{Action: dingtalk.EventSign, TaskID: t.ID, BizData: dingtalk.EventBizData{Status: status}}
	if status == dingtalk.SignFinish {
		ev.BizData.FinishTime = e.OperateTime
	}
	return s.enqueue(ctx, &store.Event{ID: eventID(t.ID, e.Key), Key: t.ID, CorpID: t.CorpID, AppKey: t.AppKey}, ev)
}

// CorpAuthorized queues the CORP_AUTH event of a corp's authorization
// outcome: SUCCESS if ok, else FALL. taskID is the authorization task
// (GetAuthUrl's taskId), or "" if there is none. Whatever decides a corp's
// consent calls it once the outcome is durable; one task's outcome is
// pushed once however often it is reported.
func (s *Outbox) CorpAuthorized(ctx context.Context, corpID, taskID string, ok bool) error {
	return s.corpAuthEvent(ctx, corpID, taskID, ok)
}

func (s *core) corpAuthEvent(ctx context.Context, corpID, taskID string, ok bool) error {
	status := dingtalk.CorpAuthSuccess
	if !ok {
		status = dingtalk.CorpAuthFall
	}
	rec := &store.Event{Key: "corp:" + corpID, CorpID: corpID}
	if taskID != "" {
		rec.ID = eventID(taskID, "corp_auth:"+status)
	}
	return s.enqueue(ctx, rec, dingtalk.Event{Action: dingtalk.EventCorpAuth, TaskID: taskID, BizData: dingtalk.EventBizData{Status: status}})
}

// enqueue stores rec with ev as its payload (a repeat of an id is not an
// error) and wakes this replica's pusher.
func (s *core) enqueue(ctx context.Context, rec *store.Event, ev dingtalk.Event) error {
	payload, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	rec.Payload = payload
	err = s.store.Enqueue(ctx, rec)
	if err != nil && !errors.Is(err, store.ErrExists) {
		return storeError(err, nil)
	}
	s.pusher.nudge()
	return nil
}

// documentedPayload is the body to push for a stored payload, and false
// if there is none. Events queued by a gateway from before the documented
// bodies (an invented {"EventType":…} object, whose LogType codes changed
// too) are translated by their e签宝 FlowStatus as they leave; their
// real-name events, which DingTalk does not document, are dropped.
func documentedPayload(payload []byte) ([]byte, bool) {
	var old struct {
		EventType   string `json:"EventType"`
		TaskID      string `json:"TaskId"`
		FlowStatus  int    `json:"FlowStatus"`
		OperateTime int64  `json:"OperateTime"`
	}
	if json.Unmarshal(payload, &old) != nil || old.EventType == "" {
		return payload, true
	}
	if old.EventType != "esign_flow_update" {
		return nil, false
	}
	ev := dingtalk.Event{Action: dingtalk.EventSign, TaskID: old.TaskID, BizData: dingtalk.EventBizData{Status: dingtalk.SignRunning}}
	switch old.FlowStatus {
	case 2:
		ev.BizData.Status, ev.BizData.FinishTime = dingtalk.SignFinish, old.OperateTime
	case 3, 4, 5, 12:
		ev.BizData.Status = dingtalk.SignRevoke
	case 7:
		ev.BizData.Status = dingtalk.SignRefuse
	}
	out, _ := json.Marshal(ev)
	return out, true
}
