package api

import (
	"context"
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// DefaultRateLimit is DingTalk's default limit for an app on one API, in
// calls per second.
const DefaultRateLimit = 20

// RateLimit configures the limit on the e签宝 actions: calls per second for
// one app, acting for one corp, on one API (route template). The zero value
// means DefaultRateLimit on every action, counted in this process.
type RateLimit struct {
	// Default is the limit of every action PerAPI does not name; 0 means
	// DefaultRateLimit, negative means no limit.
	Default int
	// PerAPI overrides Default by route template, for example
	// "/v2.0/esign/process/startAtOnce": 5. Templates match without regard
	// to case, because the config loader lower-cases map keys. A value of 0
	// or less means no limit on that action.
	PerAPI map[string]int
	// Limiter counts calls for every replica (the Redis store's GCRA); nil
	// means a limiter in this process alone. Rate limiting fails open to a
	// local limit while it fails (middleware.RateLimit).
	Limiter middleware.Limiter
	// OnReject, if set, is told the route template of every refused call;
	// nil means the metrics count it.
	OnReject func(route string)
}

// handler returns the middleware of the e签宝 routes; it runs after Auth,
// whose claims name the caller.
func (rl RateLimit) handler(log *slog.Logger, m *Metrics) gin.HandlerFunc {
	if rl.OnReject == nil && m != nil {
		rl.OnReject = m.RateLimited
	}
	if rl.Default == 0 {
		rl.Default = DefaultRateLimit
	}
	perAPI := make(map[string]int, len(rl.PerAPI))
	for route, qps := range rl.PerAPI {
		perAPI[strings.ToLower(route)] = qps
	}
	return middleware.RateLimit(middleware.RateLimitConfig{
		Limiter: rl.Limiter,
		Limit: func(route string) int {
			if qps, ok := perAPI[strings.ToLower(route)]; ok {
				return qps
			}
			return rl.Default
		},
		Key:      callerKey,
		Rejected: dingtalk.ErrQPSLimit,
		OnReject: rl.OnReject,
		Log:      log,
	})
}

// callerKey names the app and the corp it acts for; a request without
// claims (none reach here: Auth runs first) is not limited.
func callerKey(ctx context.Context) string {
	c := dingtalk.ClaimsFrom(ctx)
	if c == nil {
		return ""
	}
	return c.AppKey + "|" + c.CorpID
}
