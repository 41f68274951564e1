package api

import (
	"context"
	"log/slog"
	"strings"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
	"esign-gateway/service/store"
)

// DefaultRateLimit is DingTalk's default limit for an app on one API, in
// calls per second.
const DefaultRateLimit = 20

// RateLimit configures the limit on the e签宝 actions: calls per second for
// one app, acting for one corp, on one API (route template). The zero value
// means DefaultRateLimit on every action, shared by every replica through the
// service's store, falling back to a limiter in this process while the store
// is unreachable.
type RateLimit struct {
	// Default is the limit of every action PerAPI does not name; 0 means
	// DefaultRateLimit, negative means no limit.
	Default int
	// PerAPI overrides Default by route template, for example
	// "/v2.0/esign/process/startAtOnce": 5. Templates match without regard
	// to case, because the config loader lower-cases map keys. A value of 0
	// or less means no limit on that action.
	PerAPI map[string]int
	// Limiter counts calls; nil means the service's store (GCRA in Redis,
	// shared by replicas; in-process for the embedded store).
	Limiter middleware.Limiter
	// Fallback counts calls while Limiter fails; nil means a limiter in this
	// process. Rate limiting fails open to it (anchors.md §4.2): a store
	// outage must not refuse every call, yet one replica still holds the limit.
	Fallback middleware.Limiter
	// OnReject, if set, is told the route template of every refused call
	// (metrics).
	OnReject func(route string)
}

// handler returns the middleware for the e签宝 groups; it runs after Auth,
// whose claims name the caller. Refusals are counted in m unless OnReject
// is set.
func (rl RateLimit) handler(svc *service.Service, log *slog.Logger, m *Metrics) gin.HandlerFunc {
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
	if rl.Limiter == nil {
		rl.Limiter = svc.Store()
	}
	if rl.Fallback == nil {
		rl.Fallback = localLimiter{store.NewLocalLimiter(nil)}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return middleware.RateLimit(middleware.RateLimitConfig{
		Limiter:  &failover{primary: rl.Limiter, fallback: rl.Fallback, log: log},
		Fallback: rl.Fallback,
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

// localLimiter adapts store.LocalLimiter to middleware.Limiter.
type localLimiter struct{ l *store.LocalLimiter }

func (l localLimiter) Allow(_ context.Context, key string, limit int) (bool, error) {
	return l.l.Allow(key, limit), nil
}
