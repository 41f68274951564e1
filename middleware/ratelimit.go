package middleware

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
)

// Limiter decides whether one more call under key fits its limit.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int) (bool, error)
}

// RateLimitConfig configures RateLimit.
type RateLimitConfig struct {
	Limiter Limiter
	// Fallback is used when Limiter fails (the shared store is down), so
	// the limit still holds per replica; nil means let the call through.
	Fallback Limiter
	// Limit returns the calls per second allowed for a route template; 0
	// means unlimited.
	Limit func(route string) int
	// Key names the caller (for example the app key); "" skips limiting.
	Key func(ctx context.Context) string
	// Rejected is the error recorded for a refused call.
	Rejected error
	// OnReject, if set, is called for each refused call (metrics).
	OnReject func(route string)
	Log      *slog.Logger
}

// RateLimit limits calls per caller and route. It must run after Auth. When
// the shared limiter fails, rate limiting fails open to the local Fallback
// (anchors.md §4.2: Kong and Envoy do the same): an outage of the store must
// not take the API down with it, while authentication still fails closed.
func RateLimit(cfg RateLimitConfig) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := routeOf(c)
		limit := cfg.Limit(route)
		who := cfg.Key(c.Request.Context())
		if limit <= 0 || who == "" {
			c.Next()
			return
		}
		key := who + "|" + route
		ok, err := cfg.Limiter.Allow(c.Request.Context(), key, limit)
		if err != nil {
			cfg.Log.Warn("rate limiter unavailable, using the local limiter", slog.String("error", err.Error()))
			ok = true
			if cfg.Fallback != nil {
				ok, _ = cfg.Fallback.Allow(c.Request.Context(), key, limit)
			}
		}
		if !ok {
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
