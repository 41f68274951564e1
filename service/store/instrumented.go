package store

import (
	"context"
	"errors"
	"time"
)

// Observer is told about every store call: the Store method's name, how
// long it took, and the error when the backend failed. err is nil for
// answers that are part of the contract (ErrNotFound, ErrExists,
// ErrNoQuota, an error returned by an UpdateCorp/UpdateTask fn) and for
// calls whose caller gave up (context.Canceled): none says the store is
// unwell.
type Observer func(op string, d time.Duration, err error)

// Instrumented returns st with every call reported to observe (metrics).
// SubscribeCorpChanges reports only its errors, since it runs for as long as
// its context; Kind and Close are not reported. Methods added to Store later
// pass straight through to st until they are wrapped here.
func Instrumented(st Store, observe Observer) Store {
	return &instrumented{Store: st, observe: observe}
}

type instrumented struct {
	Store
	observe Observer
}

// done reports a call that started at start and ended with err.
func (s *instrumented) done(op string, start time.Time, err error) {
	s.observe(op, time.Since(start), backendError(err))
}

// backendError is err unless it is an expected answer.
func backendError(err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNotFound), errors.Is(err, ErrExists), errors.Is(err, ErrNoQuota),
		errors.Is(err, context.Canceled):
		return nil
	}
	return err
}

// updateError is err unless it is the one fn returned: a refusal by the
// caller's own logic, not a store failure.
func updateError(err, fnErr error) error {
	if fnErr != nil && errors.Is(err, fnErr) {
		return nil
	}
	return err
}

func (s *instrumented) EnsureSecret(ctx context.Context, name string, candidate []byte) ([]byte, error) {
	start := time.Now()
	b, err := s.Store.EnsureSecret(ctx, name, candidate)
	s.done("EnsureSecret", start, err)
	return b, err
}

func (s *instrumented) Corp(ctx context.Context, id string) (*Corp, error) {
	start := time.Now()
	c, err := s.Store.Corp(ctx, id)
	s.done("Corp", start, err)
	return c, err
}

func (s *instrumented) UpdateCorp(ctx context.Context, id string, fn func(c *Corp) error) (*Corp, error) {
	start := time.Now()
	var fnErr error
	c, err := s.Store.UpdateCorp(ctx, id, func(c *Corp) error {
		fnErr = fn(c)
		return fnErr
	})
	s.done("UpdateCorp", start, updateError(err, fnErr))
	return c, err
}

func (s *instrumented) PublishCorpChange(ctx context.Context, id string) error {
	start := time.Now()
	err := s.Store.PublishCorpChange(ctx, id)
	s.done("PublishCorpChange", start, err)
	return err
}

func (s *instrumented) SubscribeCorpChanges(ctx context.Context, fn func(id string)) error {
	err := s.Store.SubscribeCorpChanges(ctx, fn)
	if err := backendError(err); err != nil && ctx.Err() == nil {
		s.observe("SubscribeCorpChanges", 0, err)
	}
	return err
}

func (s *instrumented) User(ctx context.Context, corpID, userID string) (*User, error) {
	start := time.Now()
	u, err := s.Store.User(ctx, corpID, userID)
	s.done("User", start, err)
	return u, err
}

func (s *instrumented) PutUser(ctx context.Context, u *User) (*User, error) {
	start := time.Now()
	got, err := s.Store.PutUser(ctx, u)
	s.done("PutUser", start, err)
	return got, err
}

func (s *instrumented) CreateTask(ctx context.Context, t *Task) error {
	start := time.Now()
	err := s.Store.CreateTask(ctx, t)
	s.done("CreateTask", start, err)
	return err
}

func (s *instrumented) Task(ctx context.Context, id string) (*Task, error) {
	start := time.Now()
	t, err := s.Store.Task(ctx, id)
	s.done("Task", start, err)
	return t, err
}

func (s *instrumented) UpdateTask(ctx context.Context, id string, fn func(t *Task) error) (*Task, error) {
	start := time.Now()
	var fnErr error
	t, err := s.Store.UpdateTask(ctx, id, func(t *Task) error {
		fnErr = fn(t)
		return fnErr
	})
	s.done("UpdateTask", start, updateError(err, fnErr))
	return t, err
}

func (s *instrumented) TaskByFlow(ctx context.Context, flowID string) (*Task, error) {
	start := time.Now()
	t, err := s.Store.TaskByFlow(ctx, flowID)
	s.done("TaskByFlow", start, err)
	return t, err
}

func (s *instrumented) TasksByInstance(ctx context.Context, corpID, instanceID string) ([]*Task, error) {
	start := time.Now()
	ts, err := s.Store.TasksByInstance(ctx, corpID, instanceID)
	s.done("TasksByInstance", start, err)
	return ts, err
}

func (s *instrumented) AppendLog(ctx context.Context, taskID string, e LogEntry) (bool, error) {
	start := time.Now()
	added, err := s.Store.AppendLog(ctx, taskID, e)
	s.done("AppendLog", start, err)
	return added, err
}

func (s *instrumented) Logs(ctx context.Context, taskID string) ([]LogEntry, error) {
	start := time.Now()
	l, err := s.Store.Logs(ctx, taskID)
	s.done("Logs", start, err)
	return l, err
}
