package middleware

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// localLimiterMax bounds the keys a LocalLimiter keeps; past it, it starts
// over (a flood of callers must not grow memory without end).
const localLimiterMax = 100_000

// LocalLimiter is an in-process token bucket per key: limit calls per
// second with a burst of limit. It is the limiter of a gateway on the
// embedded store, and the floor a shared limiter falls back to.
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
// second. A limit of zero or less allows nothing. It never fails.
func (l *LocalLimiter) Allow(_ context.Context, key string, limit int) (bool, error) {
	if limit <= 0 {
		return false, nil
	}
	now := l.now()
	l.mu.Lock()
	lim := l.keys[key]
	switch {
	case lim == nil:
		if len(l.keys) >= localLimiterMax {
			l.keys = make(map[string]*rate.Limiter)
		}
		lim = rate.NewLimiter(rate.Limit(limit), limit)
		l.keys[key] = lim
	case lim.Burst() != limit:
		// The configured limit changed; keep the bucket's state.
		lim.SetLimitAt(now, rate.Limit(limit))
		lim.SetBurstAt(now, limit)
	}
	l.mu.Unlock()
	return lim.AllowN(now, 1), nil
}
