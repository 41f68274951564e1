// Package store keeps the state the gateway owns: corps, users, tasks and
// their logs, files, the order ledger, the event outbox and shared secrets.
// Two implementations satisfy one contract test: Bolt (an embedded bbolt
// file, the default) and Redis (go-redis UniversalClient: single node,
// Sentinel or Cluster). Their callers declare the interfaces they need
// (package service, by role); every method is safe for concurrent use, and
// every write that returns nil is durable (fsync'd or acknowledged by Redis)
// before the method returns. It knows nothing about DingTalk or e签宝 wire
// formats.
package store

import (
	"encoding/json"
	"errors"
	"math"
)

// Sentinel errors. Any other error from a store means the backend failed
// (unreachable, timed out, corrupt) and callers answer 503.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
	ErrNoQuota  = errors.New("store: no quota left")
	// ErrQuotaOverflow refuses an order whose quantity would take the
	// corp's bought total past MaxQuota; nothing is recorded.
	ErrQuotaOverflow = errors.New("store: quota total would overflow")
)

// Corp is a DingTalk corp (organisation) that uses the gateway.
type Corp struct {
	ID     string `json:"id"`
	AppKey string `json:"appKey,omitempty"`
	OrgID  string `json:"orgId,omitempty"` // e签宝 v1 orgId (createByThirdPartyUserId)
	// SaaSOrgID is the v3 orgId (identity-info, after real-name) and
	// TransactorPsnID the v3 psnId of the member who verified it: the v3
	// endpoints (console, approvals) take only these.
	SaaSOrgID       string `json:"saasOrgId,omitempty"`
	TransactorPsnID string `json:"transactorPsnId,omitempty"`
	OrgName         string `json:"orgName,omitempty"` // real name once known
	Authorized      bool   `json:"authorized"`
	Installed       bool   `json:"installed"`
	AuthTime        int64  `json:"authTime,omitempty"` // ms
	NoticeURL       string `json:"noticeUrl,omitempty"`
	RedirectURL     string `json:"redirectUrl,omitempty"`
	// Epoch is bumped by CancelCorpAuth. Tokens carry the epoch they were
	// issued under and are refused once it moves on.
	Epoch     int64 `json:"epoch"`
	UpdatedAt int64 `json:"updatedAt"` // ms
}

// User is a DingTalk user of a corp with its e签宝 person account.
type User struct {
	CorpID    string `json:"corpId"`
	UserID    string `json:"userId"`
	AccountID string `json:"accountId"` // e签宝 v1 person accountId (createByThirdPartyUserId)
	// PsnID is the v3 SaaS psnId, known once the person verified their real
	// name (identity-info); the v3 endpoints take only this one.
	PsnID     string `json:"psnId,omitempty"`
	Name      string `json:"name,omitempty"`
	CreatedAt int64  `json:"createdAt"` // ms
}

// TaskKind says what a task stands for upstream.
type TaskKind string

const (
	KindSignFlow     TaskKind = "sign"          // an e签宝 sign flow (FlowID is the flowId)
	KindStart        TaskKind = "start"         // a draft flow waiting on the start page
	KindAuth         TaskKind = "auth"          // a corp authorization (consent page)
	KindCorpRealname TaskKind = "corp_realname" // an e签宝 org identity flow
	KindUserRealname TaskKind = "user_realname" // an e签宝 person identity flow
)

// Participant is a signer or cc of a sign flow.
type Participant struct {
	UserID string `json:"userId,omitempty"` // a DingTalk user
	// Account is an outside person's mobile or e-mail, as given (UserID empty).
	Account   string `json:"account,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	Name      string `json:"name,omitempty"`
	OrgName   string `json:"orgName,omitempty"`
	Role      string `json:"role,omitempty"` // "signer" or "cc"
}

// TaskFile is a document of a sign flow.
type TaskFile struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
	// FileType is CreateProcess's files[].fileType: 1 (or 0, unset) a
	// contract to sign, 2 an attachment (e签宝 attachments, no sign fields).
	FileType int `json:"fileType,omitempty"`
}

// Task maps a DingTalk task id to what backs it upstream.
type Task struct {
	ID                 string        `json:"id"`
	CorpID             string        `json:"corpId"`
	AppKey             string        `json:"appKey,omitempty"`
	Kind               TaskKind      `json:"kind"`
	FlowID             string        `json:"flowId,omitempty"` // "" while the upstream call is in flight
	Title              string        `json:"title,omitempty"`
	Status             int           `json:"status"` // e签宝 flowStatus as last known
	Finished           bool          `json:"finished,omitempty"`
	InitiatorUserID    string        `json:"initiatorUserId,omitempty"`
	InitiatorAccountID string        `json:"initiatorAccountId,omitempty"`
	InitiatorOrgID     string        `json:"initiatorOrgId,omitempty"`
	UserID             string        `json:"userId,omitempty"`     // real-name tasks: whose
	InstanceID         string        `json:"instanceId,omitempty"` // linked DingTalk approval instance
	RedirectURL        string        `json:"redirectUrl,omitempty"`
	Participants       []Participant `json:"participants,omitempty"`
	Files              []TaskFile    `json:"files,omitempty"`
	CreatedAt          int64         `json:"createdAt"` // ms
	UpdatedAt          int64         `json:"updatedAt"` // ms

	// Epoch is the corp's revocation epoch when a page link (consent,
	// start) was made: CancelCorpAuth moves the corp on and kills the link.
	Epoch int64 `json:"epoch,omitempty"`

	// Held is the service's record of the flow as e签宝 last answered it
	// (subject, names, signers, documents), kept so that any replica can
	// answer reads from it while e签宝 is down. Opaque to the store.
	Held json.RawMessage `json:"held,omitempty"`
}

// LogEntry is one event in a task's history.
type LogEntry struct {
	Key          string `json:"key"` // dedupe key: an entry with a key already logged is dropped
	LogType      string `json:"logType"`
	Description  string `json:"operateDescription"`
	OperateTime  int64  `json:"operateTime"` // ms
	OperatorName string `json:"operatorAccountName"`
}

// File is an uploaded e签宝 file and the corp that owns it.
type File struct {
	ID          string `json:"id"`
	CorpID      string `json:"corpId"`
	Name        string `json:"name,omitempty"`
	Size        int64  `json:"size,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	CreatedAt   int64  `json:"createdAt"` // ms
}

// Order is one resale order in a corp's ledger.
type Order struct {
	CorpID       string `json:"corpId"`
	OrderID      string `json:"orderId"`
	Kind         string `json:"kind"`     // "channel" or "resale"
	BodyHash     string `json:"bodyHash"` // hash of the request, to tell a retry from a conflict
	EsignOrderID string `json:"esignOrderId"`
	Quantity     int64  `json:"quantity"`
	CreatedAt    int64  `json:"createdAt"` // ms
}

// MaxQuota is the most a corp's bought total (and so its margin) can be:
// the ledger counts in int64 on both stores (Redis HINCRBY included).
const MaxQuota = math.MaxInt64

// Quota is a corp's contract allowance.
type Quota struct {
	Bought int64 `json:"bought"`
	Used   int64 `json:"used"`
}

// Event is a message waiting in the outbox for delivery to an ISV. Events of
// one task (Key) are delivered in the order they were enqueued.
type Event struct {
	ID        string `json:"id"`
	Key       string `json:"key"` // ordering key, the task id
	CorpID    string `json:"corpId"`
	AppKey    string `json:"appKey"`
	Payload   []byte `json:"payload"`
	Attempts  int    `json:"attempts"`
	NextAt    int64  `json:"nextAt"` // ms; not delivered before
	CreatedAt int64  `json:"createdAt"`
	LastError string `json:"lastError,omitempty"`
	// DeadAt is when the event's key was moved aside as dead (ms), in
	// DeadEvents' answers only.
	DeadAt int64 `json:"deadAt,omitempty"`
}

// Revival picks the events Revive makes due again: the events of the key
// of EventID, or else every key of CorpID (dead or waiting), or else, both
// empty, every dead key.
type Revival struct {
	CorpID  string
	EventID string
}

// OutboxStats describes the outbox for operators: Depth live events (the
// oldest OldestAge ms old) and Dead events moved aside.
type OutboxStats struct {
	Depth     int64 `json:"depth"`
	OldestAge int64 `json:"oldestAgeMs"`
	Dead      int64 `json:"dead"`
}

// Counts are totals for the admin status page.
type Counts struct {
	Corps int64 `json:"corps"`
	Tasks int64 `json:"tasks"`
	Files int64 `json:"files"`
}
