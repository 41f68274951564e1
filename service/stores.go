package service

import (
	"context"
	"time"

	"esign-gateway/service/store"
)

// The store by role: each service names the part it uses. Package store
// implements all of them twice (Bolt, Redis) under one contract test.

// taskStore keeps tasks, their logs and their indexes.
type taskStore interface {
	CreateTask(ctx context.Context, t *store.Task) error
	Task(ctx context.Context, id string) (*store.Task, error)
	UpdateTask(ctx context.Context, id string, fn func(t *store.Task) error) (*store.Task, error)
	TaskByFlow(ctx context.Context, flowID string) (*store.Task, error)
	BindTask(ctx context.Context, t *store.Task) (*store.Task, bool, error)
	TasksByInstance(ctx context.Context, corpID, instanceID string) ([]*store.Task, error)
	AppendLog(ctx context.Context, taskID string, e store.LogEntry) (bool, error)
	Logs(ctx context.Context, taskID string) ([]store.LogEntry, error)
	TaskWithLogs(ctx context.Context, id string) (*store.Task, []store.LogEntry, error)
}

// corpStore keeps corps, their users and files, and tells replicas of
// changes to a corp.
type corpStore interface {
	Corp(ctx context.Context, id string) (*store.Corp, error)
	UpdateCorp(ctx context.Context, id string, fn func(c *store.Corp) error) (*store.Corp, error)
	PublishCorpChange(ctx context.Context, id string) error
	SubscribeCorpChanges(ctx context.Context, fn func(id string)) error
	User(ctx context.Context, corpID, userID string) (*store.User, error)
	PutUser(ctx context.Context, u *store.User) (*store.User, error)
	SetUserPsnID(ctx context.Context, corpID, userID, psnID string) error
	PutFile(ctx context.Context, f *store.File) error
	File(ctx context.Context, id string) (*store.File, error)
}

// ledger keeps orders and quotas.
type ledger interface {
	PlaceOrder(ctx context.Context, o *store.Order) (*store.Order, bool, error)
	Quota(ctx context.Context, corpID string) (store.Quota, error)
	UseQuota(ctx context.Context, corpID string, n int64) error
	ReleaseQuota(ctx context.Context, corpID string, n int64) error
}

// outboxStore keeps the events waiting for delivery to ISVs.
type outboxStore interface {
	Enqueue(ctx context.Context, e *store.Event) error
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*store.Event, error)
	Ack(ctx context.Context, e *store.Event) error
	Retry(ctx context.Context, e *store.Event, next time.Time, lastErr string) error
	Defer(ctx context.Context, e *store.Event, next time.Time) error
	Bury(ctx context.Context, e *store.Event, reason string, now time.Time) error
	DeadEvents(ctx context.Context, n int) ([]*store.Event, error)
	Revive(ctx context.Context, sel store.Revival, now time.Time) (int, error)
	OutboxStats(ctx context.Context, now time.Time) (store.OutboxStats, error)
}

// housekeeping is what the status pages and the wiring need.
type housekeeping interface {
	EnsureSecret(ctx context.Context, name string, candidate []byte) ([]byte, error)
	Counts(ctx context.Context) (store.Counts, error)
	Ping(ctx context.Context) error
	Kind() string
	Close() error
}

// Store is every role together: what a gateway's store provides
// (*store.Bolt and *store.Redis).
type Store interface {
	taskStore
	corpStore
	ledger
	outboxStore
	housekeeping
	consoleStore
}

var (
	_ Store = (*store.Bolt)(nil)
	_ Store = (*store.Redis)(nil)
)
