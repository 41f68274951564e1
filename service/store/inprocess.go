package store

// In-process helpers: the Bolt store serves one process, so its rate
// limiter and its corp-change fan-out live in memory.

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// LocalLimiter is an in-process token bucket per key: limit calls per second
// with a burst of limit. Bolt answers Allow with it; a caller of a Redis
// store can keep one as the floor it falls back to while Redis is down
// (rate limits fail open to a local limit, authentication fails closed).
type LocalLimiter struct {
	now func() time.Time

	mu   sync.Mutex
	keys map[string]*rate.Limiter
}

// NewLocalLimiter returns a LocalLimiter reading time from now (time.Now if
// nil).
func NewLocalLimiter(now func() time.Time) *LocalLimiter {
	if now == nil {
		now = time.Now
	}
	return &LocalLimiter{now: now, keys: make(map[string]*rate.Limiter)}
}

// Allow reports whether one more call under key fits in limit calls per
// second. A limit of zero or less allows nothing.
func (l *LocalLimiter) Allow(key string, limit int) bool {
	if limit <= 0 {
		return false
	}
	now := l.now()
	l.mu.Lock()
	lim := l.keys[key]
	switch {
	case lim == nil:
		lim = rate.NewLimiter(rate.Limit(limit), limit)
		l.keys[key] = lim
	case lim.Burst() != limit:
		// The configured limit changed; keep the bucket's state.
		lim.SetLimitAt(now, rate.Limit(limit))
		lim.SetBurstAt(now, limit)
	}
	l.mu.Unlock()
	return lim.AllowN(now, 1)
}

// fanout delivers corp changes to in-process subscribers. Each subscriber
// has its own unbounded queue so that a slow one never makes a publisher
// block or drop a revocation.
type fanout struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	mu    sync.Mutex
	queue []string
	wake  chan struct{}
}

func newFanout() *fanout {
	return &fanout{subs: make(map[*subscriber]struct{})}
}

func (f *fanout) publish(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.mu.Lock()
		s.queue = append(s.queue, id)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// subscribe registers fn before it returns, then calls it on one goroutine
// until ctx is done or stop is closed.
func (f *fanout) subscribe(ctx context.Context, stop <-chan struct{}, fn func(id string)) {
	s := &subscriber{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()

	go func() {
		defer func() {
			f.mu.Lock()
			delete(f.subs, s)
			f.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-stop:
				return
			case <-s.wake:
			}
			s.mu.Lock()
			ids := s.queue
			s.queue = nil
			s.mu.Unlock()
			for _, id := range ids {
				fn(id)
			}
		}
	}()
}
