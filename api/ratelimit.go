package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
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
	// Token is the limit of the token endpoints per client address and
	// per app key; 0 means DefaultTokenRateLimit, negative means none.
	Token int
	// Upstream is the e签宝 calls per second one app may cause acting for
	// one corp, whatever requests cause them; 0 means
	// DefaultUpstreamRateLimit, negative means none. Each request may also
	// cause at most MaxUpstreamCallsPerRequest.
	Upstream int
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

// DefaultUpstreamRateLimit is the e签宝 calls per second an app may cause
// for one corp: room for the largest CreateProcess (152 calls with 101 new
// accounts, measured) at once, and 15 ordinary ones a second.
const DefaultUpstreamRateLimit = 300

// MaxUpstreamCallsPerRequest bounds the e签宝 calls of one request. The
// list bounds make the largest request need about 260 (50 file checks, two
// calls for each of 101 new accounts, the organization, the flow); the cap
// stands behind them so no future path can loop upstream unbounded.
const MaxUpstreamCallsPerRequest = 300

// upstreamMeter makes each e签宝 call of the request count: against the
// request's own cap, and against the app and corp's calls per second in
// the same limiter as the requests (shared by the replicas on Redis). A
// refused call fails the request with the QPS-limit code; a limiter that
// fails lets the call through, as RateLimit does.
func (rl RateLimit) upstreamMeter(log *slog.Logger) gin.HandlerFunc {
	qps := rl.Upstream
	if qps == 0 {
		qps = DefaultUpstreamRateLimit
	}
	limiter := rl.Limiter
	if limiter == nil {
		limiter = middleware.NewLocalLimiter(nil)
	}
	return func(c *gin.Context) {
		who := callerKey(c.Request.Context())
		var calls atomic.Int64
		ctx := service.WithUpstreamMeter(c.Request.Context(), func(ctx context.Context) error {
			if calls.Add(1) > MaxUpstreamCallsPerRequest {
				return dingtalk.ErrQPSLimit.Msg("一次请求最多调用 e签宝 %d 次 / at most %d e签宝 calls per request", MaxUpstreamCallsPerRequest, MaxUpstreamCallsPerRequest)
			}
			if qps < 0 || who == "" {
				return nil
			}
			ok, err := limiter.Allow(ctx, "upstream|"+who, qps)
			if err != nil {
				log.Warn("upstream meter: the limiter failed; the call goes through", slog.String("error", err.Error()))
				return nil
			}
			if !ok {
				return dingtalk.ErrQPSLimit.Msg("e签宝 调用超过每秒 %d 次 / over %d e签宝 calls per second", qps, qps)
			}
			return nil
		})
		c.Request = c.Request.WithContext(ctx)
	}
}

// callerKey names the app and the corp it acts for; a request without
// claims (none reach here: Auth runs first) is not limited.
func callerKey(ctx context.Context) string {
	c := dingtalk.ClaimsFrom(ctx)
	if c == nil {
		return ""
	}
	return c.Caller()
}

// DefaultTokenRateLimit is the token endpoints' limit per client address
// and per app key, in calls per second: an app asks for a token every two
// hours per corp, so this is far above honest use and far below guessing
// a secret at speed.
const DefaultTokenRateLimit = 10

// tokenCallerKey is the context key of the token endpoints' caller.
type tokenCallerKey struct{}

// tokenCaller is who asks for a token: the client address and the app key
// the body names (appKey or suiteKey).
type tokenCaller struct{ addr, app string }

// tokenHandlers return the token endpoints' middleware: one limit per
// client address and one per app key, each with DingTalk's 403 body. The
// app key is read from the body, which is put back for the handler (token
// bodies are a few hundred bytes, and the body limit still applies).
func (rl RateLimit) tokenHandlers(log *slog.Logger, m *Metrics) []gin.HandlerFunc {
	qps := rl.Token
	if qps == 0 {
		qps = DefaultTokenRateLimit
	}
	onReject := rl.OnReject
	if onReject == nil && m != nil {
		onReject = m.RateLimited
	}
	limit := func(key func(tokenCaller) string) gin.HandlerFunc {
		return middleware.RateLimit(middleware.RateLimitConfig{
			Limiter: rl.Limiter,
			Limit:   func(string) int { return qps },
			Key: func(ctx context.Context) string {
				if who, ok := ctx.Value(tokenCallerKey{}).(tokenCaller); ok {
					return key(who)
				}
				return ""
			},
			Rejected: dingtalk.ErrQPSLimit,
			OnReject: onReject,
			Log:      log,
		})
	}
	identify := func(c *gin.Context) {
		who := tokenCaller{addr: c.ClientIP()}
		body, err := io.ReadAll(c.Request.Body)
		// The handler reads what was read, then the same error (a body
		// over the limit is still 413).
		c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		var keys struct{ AppKey, SuiteKey string }
		if err == nil && json.Unmarshal(body, &keys) == nil {
			who.app = keys.AppKey + keys.SuiteKey
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), tokenCallerKey{}, who))
		c.Next()
	}
	return []gin.HandlerFunc{identify,
		limit(func(w tokenCaller) string { return "token-addr|" + w.addr }),
		limit(func(w tokenCaller) string {
			if w.app == "" {
				return ""
			}
			return "token-app|" + w.app
		})}
}

// errReader returns err, or io.EOF when err is nil.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err == nil {
		return 0, io.EOF
	}
	return 0, r.err
}
