package api

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"esign-gateway/middleware"
)

// failoverCooldown is how long the rate limiter stays on the local
// fallback after the shared limiter failed, before it asks the store again.
const failoverCooldown = time.Second

// failover asks primary (the shared store) until it fails, then only
// fallback for failoverCooldown. Without it, every call during a store
// outage would first wait out a failing round trip, and log it, before
// falling back: that is latency and log volume where both hurt most.
type failover struct {
	primary, fallback middleware.Limiter
	log               *slog.Logger
	now               func() time.Time // nil means time.Now
	downUntil         atomic.Int64     // unix nanoseconds; 0 while the primary is healthy
}

func (f *failover) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
}

// Allow implements middleware.Limiter.
func (f *failover) Allow(ctx context.Context, key string, limit int) (bool, error) {
	if until := f.downUntil.Load(); until == 0 || f.clock().UnixNano() >= until {
		ok, err := f.primary.Allow(ctx, key, limit)
		if err == nil {
			if until != 0 && f.downUntil.CompareAndSwap(until, 0) {
				f.log.Info("rate limiter: the store answers again; limits are shared by all replicas again")
			}
			return ok, nil
		}
		if ctx.Err() != nil {
			return false, err // the caller went away; says nothing about the store
		}
		next := f.clock().Add(failoverCooldown).UnixNano()
		if f.downUntil.Swap(next) == 0 {
			f.log.Warn("rate limiter: the store is unreachable; limiting in this process alone (fails open to a local limit)",
				slog.String("error", err.Error()))
		}
	}
	return f.fallback.Allow(ctx, key, limit)
}
