package store

import (
	"context"
	"time"
)

// The rest of instrumented's wrappers: files, ledger, limits, outbox and
// housekeeping.

func (s *instrumented) PutFile(ctx context.Context, f *File) error {
	start := time.Now()
	err := s.Store.PutFile(ctx, f)
	s.done("PutFile", start, err)
	return err
}

func (s *instrumented) File(ctx context.Context, id string) (*File, error) {
	start := time.Now()
	f, err := s.Store.File(ctx, id)
	s.done("File", start, err)
	return f, err
}

func (s *instrumented) PlaceOrder(ctx context.Context, o *Order) (*Order, bool, error) {
	start := time.Now()
	stored, created, err := s.Store.PlaceOrder(ctx, o)
	s.done("PlaceOrder", start, err)
	return stored, created, err
}

func (s *instrumented) Quota(ctx context.Context, corpID string) (Quota, error) {
	start := time.Now()
	q, err := s.Store.Quota(ctx, corpID)
	s.done("Quota", start, err)
	return q, err
}

func (s *instrumented) UseQuota(ctx context.Context, corpID string, n int64) error {
	start := time.Now()
	err := s.Store.UseQuota(ctx, corpID, n)
	s.done("UseQuota", start, err)
	return err
}

func (s *instrumented) ReleaseQuota(ctx context.Context, corpID string, n int64) error {
	start := time.Now()
	err := s.Store.ReleaseQuota(ctx, corpID, n)
	s.done("ReleaseQuota", start, err)
	return err
}

func (s *instrumented) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	start := time.Now()
	isNew, err := s.Store.FirstSeen(ctx, key, ttl)
	s.done("FirstSeen", start, err)
	return isNew, err
}

func (s *instrumented) Allow(ctx context.Context, key string, limit int) (bool, error) {
	start := time.Now()
	ok, err := s.Store.Allow(ctx, key, limit)
	s.done("Allow", start, err)
	return ok, err
}

func (s *instrumented) Enqueue(ctx context.Context, e *Event) error {
	start := time.Now()
	err := s.Store.Enqueue(ctx, e)
	s.done("Enqueue", start, err)
	return err
}

func (s *instrumented) Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*Event, error) {
	start := time.Now()
	es, err := s.Store.Claim(ctx, now, lease, max)
	s.done("Claim", start, err)
	return es, err
}

func (s *instrumented) Ack(ctx context.Context, e *Event) error {
	start := time.Now()
	err := s.Store.Ack(ctx, e)
	s.done("Ack", start, err)
	return err
}

func (s *instrumented) Retry(ctx context.Context, e *Event, next time.Time, lastErr string) error {
	start := time.Now()
	err := s.Store.Retry(ctx, e, next, lastErr)
	s.done("Retry", start, err)
	return err
}

func (s *instrumented) OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error) {
	start := time.Now()
	st, err := s.Store.OutboxStats(ctx, now)
	s.done("OutboxStats", start, err)
	return st, err
}

func (s *instrumented) Counts(ctx context.Context) (Counts, error) {
	start := time.Now()
	c, err := s.Store.Counts(ctx)
	s.done("Counts", start, err)
	return c, err
}

func (s *instrumented) Ping(ctx context.Context) error {
	start := time.Now()
	err := s.Store.Ping(ctx)
	s.done("Ping", start, err)
	return err
}
