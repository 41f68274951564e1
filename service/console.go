package service

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// Console is what the operator console reads and records: the audit log,
// corps with their quota and delivery health, tasks with their log and
// events, and each corp's waiting and dead events.
type Console service

// consoleStore is the store's part for the console (store/console.go).
type consoleStore interface {
	AppendAudit(ctx context.Context, e store.AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]store.AuditEntry, error)
	NoteDelivery(ctx context.Context, corpID string, ok bool, at int64, lastErr string) error
	ListCorps(ctx context.Context, q store.CorpQuery) ([]store.CorpRow, string, error)
	CorpEvents(ctx context.Context, corpID string) ([]*store.Event, error)
	FindTasks(ctx context.Context, q store.TaskQuery) ([]*store.Task, string, error)
}

// AuditEntry is one admin action as the console shows it.
type AuditEntry = store.AuditEntry

// Audit records an admin action; a zero At means now.
func (s *Console) Audit(ctx context.Context, e AuditEntry) error {
	if e.At == 0 {
		e.At = s.nowMs()
	}
	return storeError(s.store.AppendAudit(ctx, e), nil)
}

// AuditLog is the latest n admin actions, the newest first.
func (s *Console) AuditLog(ctx context.Context, n int) ([]AuditEntry, error) {
	out, err := s.store.AuditLog(ctx, n)
	return out, storeError(err, nil)
}

// healthEvery is how often a run of successes to one corp is written to
// its delivery health: a busy receiver costs the store one write a second,
// not one per event. Failures are always written.
const healthEvery = time.Second

// noteDelivery records the outcome of a push for the corp's delivery
// health; a failure to record it is only logged.
func (s *core) noteDelivery(ctx context.Context, corpID, outcome string, err error) {
	var msg string
	now := s.nowMs()
	switch outcome {
	case pushDelivered:
		p := s.pusher
		p.mu.Lock()
		last, ok := p.noted[corpID]
		skip := ok && now-last < healthEvery.Milliseconds()
		if !skip {
			p.noted[corpID] = now
		}
		p.mu.Unlock()
		if skip {
			return
		}
	case pushFailed, pushGaveUp, pushNoNoticeURL:
		if err != nil {
			msg = err.Error()
		}
		s.pusher.mu.Lock()
		delete(s.pusher.noted, corpID)
		s.pusher.mu.Unlock()
	default:
		return
	}
	if werr := s.store.NoteDelivery(ctx, corpID, outcome == pushDelivered, now, msg); werr != nil {
		s.log.Warn("outbox: delivery health not recorded", "corp", corpID, "error", werr)
	}
}

// CorpFilter picks corps for the console.
type CorpFilter struct {
	// After is the cursor of the previous page.
	After string
	// Prefix keeps the corp ids that start with it.
	Prefix string
	// Status is "", "authorized", "unauthorized", "installed",
	// "uninstalled", "failing" (the noticeUrl's last attempts failed) or
	// "noquota" (nothing left).
	Status string
	Limit  int
}

// CorpStatuses are the values CorpFilter.Status takes.
var CorpStatuses = []string{"", "authorized", "unauthorized", "installed", "uninstalled", "failing", "noquota"}

// CorpView is a corp in the console.
type CorpView struct {
	store.CorpRow
	// Dead counts the corp's dead events among the oldest MaxDeadList.
	Dead int
	// LastActivity is the latest of the corp's change and its deliveries.
	LastActivity int64
}

// CorpPage is a page of corps and the cursor of the next ("" at the end).
type CorpPage struct {
	Corps []CorpView
	Next  string
}

// Corps is a page of corps as f picks them.
func (s *Console) Corps(ctx context.Context, f CorpFilter) (*CorpPage, error) {
	keep, ok := corpKeep(f.Status)
	if !ok {
		return nil, dingtalk.Field("status")
	}
	rows, next, err := s.store.ListCorps(ctx, store.CorpQuery{After: f.After, Prefix: f.Prefix, Limit: f.Limit, Keep: keep})
	if err != nil {
		return nil, storeError(err, nil)
	}
	dead := map[string]int{}
	if len(rows) > 0 {
		evs, err := s.store.DeadEvents(ctx, MaxDeadList)
		if err != nil {
			return nil, storeError(err, nil)
		}
		for _, e := range evs {
			dead[e.CorpID]++
		}
	}
	page := &CorpPage{Next: next, Corps: make([]CorpView, 0, len(rows))}
	for _, r := range rows {
		page.Corps = append(page.Corps, CorpView{CorpRow: r, Dead: dead[r.Corp.ID],
			LastActivity: max(r.Corp.UpdatedAt, r.Delivery.LastSuccess, r.Delivery.LastFailure)})
	}
	return page, nil
}

func corpKeep(status string) (func(*store.CorpRow) bool, bool) {
	switch status {
	case "":
		return nil, true
	case "authorized", "unauthorized":
		want := status == "authorized"
		return func(r *store.CorpRow) bool { return r.Corp.Authorized == want }, true
	case "installed", "uninstalled":
		want := status == "installed"
		return func(r *store.CorpRow) bool { return r.Corp.Installed == want }, true
	case "failing":
		return func(r *store.CorpRow) bool { return r.Delivery.Failures > 0 }, true
	case "noquota":
		return func(r *store.CorpRow) bool { return r.Quota.Bought-r.Quota.Used <= 0 }, true
	}
	return nil, false
}

// PushedEvent is a SIGN event a task's log queued for the ISV.
type PushedEvent struct {
	ID     string
	Status string // RUNNING, FINISH, ...
	At     int64  // ms, the log entry's time
	// State is "delivered" (no longer in the outbox), "waiting" or "dead".
	State string
}

// TaskView is a task with its log and events.
type TaskView struct {
	Task   *store.Task
	Logs   []store.LogEntry
	Pushed []PushedEvent
	// Queued are its events still in the outbox (waiting or dead).
	Queued []*store.Event
}

// Task is a task by id for the console, with its log and events.
func (s *Console) Task(ctx context.Context, id string) (*TaskView, error) {
	if !validID(id) {
		return nil, dingtalk.ErrTaskNotFound
	}
	t, logs, err := s.store.TaskWithLogs(ctx, id)
	if err != nil {
		return nil, storeError(err, dingtalk.ErrTaskNotFound)
	}
	evs, err := s.store.CorpEvents(ctx, t.CorpID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	v := &TaskView{Task: t, Logs: logs}
	state := map[string]string{}
	for _, e := range evs {
		if e.Key == id {
			v.Queued = append(v.Queued, e)
			state[e.ID] = "waiting"
			if e.DeadAt != 0 {
				state[e.ID] = "dead"
			}
		}
	}
	if kindIn(t.Kind, flowKinds) {
		for _, l := range logs {
			if st, ok := signStatus(l.LogType); ok {
				id := eventID(t.ID, l.Key)
				v.Pushed = append(v.Pushed, PushedEvent{ID: id, Status: st, At: l.OperateTime, State: nonEmpty(state[id], "delivered")})
			}
		}
	}
	return v, nil
}

// MaxTaskSearch bounds one task search's answer.
const MaxTaskSearch = 100

// FindTasks finds tasks by q: a task id, else an e签宝 flow id, else a
// corp id (its tasks, newest first, up to MaxTaskSearch).
func (s *Console) FindTasks(ctx context.Context, q string) ([]*store.Task, error) {
	q = strings.TrimSpace(q)
	if !validID(q) {
		return nil, dingtalk.Field("q")
	}
	if t, err := s.store.Task(ctx, q); err == nil {
		return []*store.Task{t}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, storeError(err, nil)
	}
	if t, err := s.store.TaskByFlow(ctx, q); err == nil {
		return []*store.Task{t}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, storeError(err, nil)
	}
	ts, _, err := s.store.FindTasks(ctx, store.TaskQuery{Limit: MaxTaskSearch, Budget: 1 << 30,
		Keep: func(t *store.Task) bool { return t.CorpID == q }})
	if err != nil {
		return nil, storeError(err, nil)
	}
	newestFirst(ts)
	return ts, nil
}

// StuckTasks are sign flows not finished and unchanged for longer than
// age, the oldest first, up to MaxTaskSearch. It reads every task: an
// operator's occasional question, not a request path.
func (s *Console) StuckTasks(ctx context.Context, age time.Duration) ([]*store.Task, error) {
	before := s.now().Add(-age).UnixMilli()
	ts, _, err := s.store.FindTasks(ctx, store.TaskQuery{Limit: MaxTaskSearch, Budget: 1 << 30, Keep: func(t *store.Task) bool {
		return kindIn(t.Kind, flowKinds) && !t.Finished && t.UpdatedAt < before
	}})
	if err != nil {
		return nil, storeError(err, nil)
	}
	slices.SortFunc(ts, func(a, b *store.Task) int { return int(a.UpdatedAt - b.UpdatedAt) })
	return ts, nil
}

func newestFirst(ts []*store.Task) {
	slices.SortFunc(ts, func(a, b *store.Task) int { return int(b.CreatedAt - a.CreatedAt) })
}

// CorpEvents are a corp's waiting and dead events.
func (s *Console) CorpEvents(ctx context.Context, corpID string) ([]DeadEvent, error) {
	if !validID(corpID) {
		return nil, dingtalk.Field("corpId")
	}
	evs, err := s.store.CorpEvents(ctx, corpID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	return deadEvents(evs), nil
}
