package store

import (
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
