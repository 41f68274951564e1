package dingtalk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Event actions and statuses of the e签宝 event push, as DingTalk's page
// "e签宝事件" (dingtalk-docs/0372-esign-events.md) documents them.
const (
	EventSign     = "SIGN"      // 签署事件回调
	EventCorpAuth = "CORP_AUTH" // 授权事件回调

	SignRunning = "RUNNING" // 签署中
	SignFinish  = "FINISH"  // 签署完成 (only then finishTime)
	SignRevoke  = "REVOKE"  // 撤销
	SignRefuse  = "REFUSE"  // 拒签

	CorpAuthSuccess = "SUCCESS" // 授权成功
	CorpAuthFall    = "FALL"    // 授权失败 (sic)
)

// Event is the body POSTed to an ISV's noticeUrl, exactly as documented:
//
//	{"action":"SIGN","taskId":"…","bizData":{"status":"FINISH","finishTime":1700000000000}}
//	{"action":"CORP_AUTH","taskId":"…","bizData":{"status":"SUCCESS"}}
type Event struct {
	Action  string       `json:"action" enum:"SIGN,CORP_AUTH" doc:"操作类型 / action"`
	TaskID  string       `json:"taskId" doc:"任务ID / task id"`
	BizData EventBizData `json:"bizData" doc:"业务数据 / business data"`
}

// EventBizData is an event's bizData. FinishTime (epoch ms) is set only on
// SIGN FINISH, as the page says.
type EventBizData struct {
	Status     string `json:"status" enum:"RUNNING,FINISH,REVOKE,REFUSE,SUCCESS,FALL" doc:"状态 / status"`
	FinishTime int64  `json:"finishTime,omitempty" doc:"签署完成时间（毫秒，仅 FINISH）/ finish time in ms, FINISH only"`
}

// Headers the gateway adds to every pushed event. A receiver written from
// DingTalk's page ignores them; one that wants authenticity checks them
// with VerifyEvent.
const (
	HeaderEventID        = "X-Esigngw-Event-Id"  // the same on every delivery of one event: drop repeats
	HeaderEventCorp      = "X-Esigngw-Corp-Id"   // the corp the event is about (the body does not say)
	HeaderEventTimestamp = "X-Esigngw-Timestamp" // epoch ms of this delivery attempt
	HeaderEventSignature = "X-Esigngw-Signature" // hex HMAC-SHA256, see SignEvent
)

// Errors VerifyEvent returns; they never carry the expected signature.
var (
	ErrEventUnsigned = errors.New("dingtalk: event lacks the signature headers")
	ErrEventStale    = errors.New("dingtalk: event timestamp outside the window")
	ErrEventForged   = errors.New("dingtalk: event signature mismatch")
)

// SignEvent is the X-Esigngw-Signature of a pushed event: the hex
// HMAC-SHA256, keyed by the app's event token, of
// timestamp "\n" eventId "\n" corpId "\n" body (the exact body bytes).
func SignEvent(token, timestamp, eventID, corpID string, body []byte) string {
	m := hmac.New(sha256.New, []byte(token))
	for _, s := range []string{timestamp, eventID, corpID} {
		m.Write([]byte(s))
		m.Write([]byte{'\n'})
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyEvent checks a pushed event's signature headers against its raw
// body with the app's event token, and that its timestamp is within window
// of now (0 means 5 minutes). Receivers that want authenticity call it
// before trusting the body.
func VerifyEvent(token string, h http.Header, body []byte, now time.Time, window time.Duration) error {
	ts, sig := h.Get(HeaderEventTimestamp), h.Get(HeaderEventSignature)
	if ts == "" || sig == "" || h.Get(HeaderEventID) == "" {
		return ErrEventUnsigned
	}
	if window <= 0 {
		window = 5 * time.Minute
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrEventStale
	}
	if d := now.Sub(time.UnixMilli(ms)); d > window || d < -window {
		return ErrEventStale
	}
	want := SignEvent(token, ts, h.Get(HeaderEventID), h.Get(HeaderEventCorp), body)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrEventForged
	}
	return nil
}
