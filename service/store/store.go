// Package store keeps the state the gateway owns: corps, users, tasks and
// their logs, files, the order ledger, the event outbox and shared secrets.
// Two implementations satisfy one contract test: Bolt (an embedded bbolt
// file, the default) and Redis (go-redis UniversalClient: single node,
// Sentinel or Cluster). It knows nothing about DingTalk or e签宝 wire formats.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Any other error from a Store means the backend failed
// (unreachable, timed out, corrupt) and callers answer 503.
var (
	ErrNotFound = errors.New("store: not found")
	ErrExists   = errors.New("store: already exists")
	ErrNoQuota  = errors.New("store: no quota left")
)

// Corp is a DingTalk corp (organisation) that uses the gateway.
type Corp struct {
	ID          string `json:"id"`
	AppKey      string `json:"appKey,omitempty"`
	OrgID       string `json:"orgId,omitempty"`   // e签宝 organization account id
	OrgName     string `json:"orgName,omitempty"` // real name once known
	Authorized  bool   `json:"authorized"`
	Installed   bool   `json:"installed"`
	AuthTime    int64  `json:"authTime,omitempty"` // ms
	NoticeURL   string `json:"noticeUrl,omitempty"`
	RedirectURL string `json:"redirectUrl,omitempty"`
	// Epoch is bumped by CancelCorpAuth. Tokens carry the epoch they were
	// issued under and are refused once it moves on.
	Epoch     int64 `json:"epoch"`
	UpdatedAt int64 `json:"updatedAt"` // ms
}

// User is a DingTalk user of a corp with its e签宝 person account.
type User struct {
	CorpID    string `json:"corpId"`
	UserID    string `json:"userId"`
	AccountID string `json:"accountId"` // e签宝 person account id
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
	UserID    string `json:"userId,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	Name      string `json:"name,omitempty"`
	OrgName   string `json:"orgName,omitempty"`
	Role      string `json:"role,omitempty"` // "signer" or "cc"
}

// TaskFile is a document of a sign flow.
type TaskFile struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
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
}

// OutboxStats describes the outbox for operators.
type OutboxStats struct {
	Depth     int64 `json:"depth"`
	OldestAge int64 `json:"oldestAgeMs"`
}

// Counts are totals for the admin status page.
type Counts struct {
	Corps int64 `json:"corps"`
	Tasks int64 `json:"tasks"`
	Files int64 `json:"files"`
}

// Store is what the gateway keeps. Every method is safe for concurrent use,
// and every write that returns nil is durable (fsync'd or acknowledged by
// Redis) before the method returns.
type Store interface {
	// EnsureSecret returns the secret stored under name, storing candidate
	// first if there is none, so that every replica ends up with the same one.
	EnsureSecret(ctx context.Context, name string, candidate []byte) ([]byte, error)

	Corp(ctx context.Context, id string) (*Corp, error)
	// UpdateCorp applies fn to the corp atomically and returns the result. A
	// missing corp is created: fn then sees a Corp with only ID set. If fn
	// returns an error nothing is written and that error is returned. fn may
	// run more than once (Redis retries when another writer won), so it must
	// only change c.
	UpdateCorp(ctx context.Context, id string, fn func(c *Corp) error) (*Corp, error)
	// PublishCorpChange tells every replica that corp id changed (for
	// example it was revoked); SubscribeCorpChanges calls fn for each change
	// until ctx is done. SubscribeCorpChanges returns once the subscription
	// is active (or with the error that kept it from becoming so); fn then
	// runs on one goroutine. Changes may arrive out of order, and fn("")
	// means some may have been missed (Redis resubscribed after losing its
	// connection): treat every corp as changed.
	PublishCorpChange(ctx context.Context, id string) error
	SubscribeCorpChanges(ctx context.Context, fn func(id string)) error

	User(ctx context.Context, corpID, userID string) (*User, error)
	// PutUser stores u unless a user with its key exists, and returns the
	// stored one (so concurrent first uses agree on one account).
	PutUser(ctx context.Context, u *User) (*User, error)

	// CreateTask stores a new task (ErrExists if its id is taken) and indexes
	// its FlowID when set. CreatedAt and UpdatedAt are set when zero.
	CreateTask(ctx context.Context, t *Task) error
	Task(ctx context.Context, id string) (*Task, error)
	// UpdateTask applies fn atomically; the flow index follows FlowID and the
	// instance index follows CorpID and InstanceID. Like UpdateCorp's, fn may
	// run more than once.
	UpdateTask(ctx context.Context, id string, fn func(t *Task) error) (*Task, error)
	TaskByFlow(ctx context.Context, flowID string) (*Task, error)
	// TasksByInstance returns the corp's tasks linked to a DingTalk approval
	// instance, oldest first; none is an empty result, not ErrNotFound.
	TasksByInstance(ctx context.Context, corpID, instanceID string) ([]*Task, error)
	// AppendLog adds e to the task's log unless an entry with e.Key is there;
	// it reports whether e was added. An entry with an empty Key is always
	// added.
	AppendLog(ctx context.Context, taskID string, e LogEntry) (bool, error)
	Logs(ctx context.Context, taskID string) ([]LogEntry, error)

	PutFile(ctx context.Context, f *File) error
	File(ctx context.Context, id string) (*File, error)

	// PlaceOrder stores o and adds o.Quantity to the corp's bought quota, in
	// one step. If the corp already has an order with o.OrderID, nothing
	// changes and the stored order is returned with created=false.
	PlaceOrder(ctx context.Context, o *Order) (stored *Order, created bool, err error)
	Quota(ctx context.Context, corpID string) (Quota, error)
	// UseQuota takes n from the corp's quota, or returns ErrNoQuota.
	UseQuota(ctx context.Context, corpID string, n int64) error
	// ReleaseQuota gives back n taken by UseQuota (for a call that failed).
	ReleaseQuota(ctx context.Context, corpID string, n int64) error

	// FirstSeen records key for ttl and reports whether it was new. A ttl of
	// zero or less keeps the key forever.
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)

	// Allow reports whether one more call under key fits in limit calls per
	// second (a shared GCRA/token bucket across replicas, burst = limit). A
	// limit of zero or less allows nothing.
	Allow(ctx context.Context, key string, limit int) (bool, error)

	// Enqueue adds e to the outbox (ErrExists if its ID is taken). An empty
	// ID is set to a random one, a zero CreatedAt to now.
	Enqueue(ctx context.Context, e *Event) error
	// Claim leases up to max deliverable events: for each key only the
	// oldest event, only when its NextAt has come, and only if no other
	// claimant holds it. A lease lasts until Ack, Retry or lease expiry.
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*Event, error)
	// Ack removes a delivered event; acking one that is gone is not an
	// error.
	Ack(ctx context.Context, e *Event) error
	// Retry releases the lease and schedules e again at next, recording
	// the attempt and its error, and updates e to match (ErrNotFound if e
	// is gone).
	Retry(ctx context.Context, e *Event, next time.Time, lastErr string) error
	OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error)

	Counts(ctx context.Context) (Counts, error)
	// Ping checks that the backend answers.
	Ping(ctx context.Context) error
	// Kind is "embedded" or "redis".
	Kind() string
	Close() error
}
