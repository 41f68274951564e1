package middleware

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// Limiter decides whether one more call under key fits in limit calls per
// second.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int) (bool, error)
}

// RateLimitConfig configures RateLimit. Zero values mean the defaults in
// the comments.
type RateLimitConfig struct {
	// Limiter counts calls; nil means Fallback alone. A shared limiter
	// (Redis) holds one limit for every replica.
	Limiter Limiter
	// Fallback counts calls while Limiter fails; nil means a LocalLimiter.
	Fallback Limiter
	// Limit returns the calls per second allowed on a route template; 0 or
	// less means unlimited.
	Limit func(route string) int
	// Key names the caller (for example app and corp); "" skips limiting.
	Key func(ctx context.Context) string
	// Rejected is the error recorded for a refused call.
	Rejected error
	// OnReject, if set, is called for each refused call (metrics).
	OnReject func(route string)
	// Cooldown is how long calls go to Fallback alone after Limiter
	// failed, before Limiter is asked again; 0 means 1s.
	Cooldown time.Duration
	// Now is the clock of the cooldown; nil means time.Now.
	Now func() time.Time
	// Log receives the switches to and from the fallback; nil discards.
	Log *slog.Logger
}

// RateLimit limits calls per caller and route. It must run after Auth.
// Rate limiting fails open to the local Fallback (anchors.md §4.2: Kong and
// Envoy do the same): an outage of the shared store must not take the API
// down with it, while each replica still holds the limit; authentication
// still fails closed. After a failure the shared limiter is left alone for
// Cooldown, so that a store outage does not cost every call a failing
// round trip (and a log line) before it falls back.
func RateLimit(cfg RateLimitConfig) gin.HandlerFunc {
	l := newFailover(cfg)
	return func(c *gin.Context) {
		route := routeOf(c)
		limit := cfg.Limit(route)
		who := cfg.Key(c.Request.Context())
		if limit <= 0 || who == "" {
			c.Next()
			return
		}
		if ok, _ := l.Allow(c.Request.Context(), who+"|"+route, limit); !ok {
			if cfg.OnReject != nil {
				cfg.OnReject(route)
			}
			_ = c.Error(cfg.Rejected)
			c.Abort()
			return
		}
		c.Next()
	}
}

// failover asks the shared limiter until it fails, then only the fallback
// for the cooldown.
type failover struct {
	primary, fallback Limiter
	cooldown          time.Duration
	now               func() time.Time
	log               *slog.Logger
	downUntil         atomic.Int64 // unix ns; 0 while the primary is healthy
}

func newFailover(cfg RateLimitConfig) *failover {
	f := &failover{primary: cfg.Limiter, fallback: cfg.Fallback, cooldown: cfg.Cooldown, now: cfg.Now, log: cfg.Log}
	if f.fallback == nil {
		f.fallback = NewLocalLimiter(cfg.Now)
	}
	if f.cooldown <= 0 {
		f.cooldown = time.Second
	}
	if f.now == nil {
		f.now = time.Now
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	return f
}

// Allow asks the primary while it is healthy and the fallback otherwise; a
// caller that went away (its context ended) is refused without a verdict
// on the store.
func (f *failover) Allow(ctx context.Context, key string, limit int) (bool, error) {
	if f.primary != nil {
		if until := f.downUntil.Load(); until == 0 || f.now().UnixNano() >= until {
			ok, err := f.primary.Allow(ctx, key, limit)
			if err == nil {
				if until != 0 && f.downUntil.CompareAndSwap(until, 0) {
					f.log.Info("rate limiter: the store answers again; limits are shared by all replicas again")
				}
				return ok, nil
			}
			if ctx.Err() != nil {
				return false, err
			}
			if f.downUntil.Swap(f.now().Add(f.cooldown).UnixNano()) == 0 {
				f.log.Warn("rate limiter: the store is unreachable; limiting in this process alone (fails open to a local limit)",
					slog.String("error", err.Error()))
			}
		}
	}
	return f.fallback.Allow(ctx, key, limit)
}
