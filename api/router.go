package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
)

// DefaultBodyLimit caps request bodies unless Config.BodyLimit says
// otherwise.
const DefaultBodyLimit = 1 << 20

// The bodies of the routes anyone may call (no token) are small JSON; a
// larger declared Content-Length, or none, is refused before reading
// (middleware.DeclaredBody). An e签宝 callback is about 1 KiB, a token
// request a few hundred bytes.
const (
	CallbackBodyLimit = 64 << 10
	TokenBodyLimit    = 4 << 10
)

// DefaultMaxInFlight caps the requests handled at once unless
// Config.MaxInFlight says otherwise: at the measured budget per request
// (README, reliability) it keeps a gateway far below its pod's memory.
const DefaultMaxInFlight = 256

// DefaultMaxBodyInFlight caps the bytes of request bodies handled at once
// unless Config.MaxBodyInFlight says otherwise: 8 bodies at the largest
// size, each within its measured memory budget (README, Bounds).
const DefaultMaxBodyInFlight = 8 * DefaultBodyLimit

// DefaultTenantShare is the share of the in-flight request slots and body
// bytes one app and corp may hold unless Config.TenantShare says otherwise:
// a tenant sending slow bodies sheds its own requests, never all of them.
const DefaultTenantShare = 0.25

// Config is what the router needs. Zero values mean the defaults in the
// comments.
type Config struct {
	Services Services
	// Log receives the access log; nil discards it.
	Log *slog.Logger
	// AdminToken guards /admin/; empty disables the admin routes.
	AdminToken string
	// BodyLimit caps request bodies in bytes; 0 means DefaultBodyLimit.
	BodyLimit int64
	// MaxInFlight caps the requests handled at once; more get 503
	// serviceBusy at once. 0 means DefaultMaxInFlight, negative no cap.
	// The probes and /metrics are not counted.
	MaxInFlight int
	// MaxBodyInFlight caps the bytes of the bodies of the requests handled
	// at once (declared Content-Length; a chunked body counts as BodyLimit);
	// more get 503 serviceBusy at once. 0 means DefaultMaxBodyInFlight,
	// negative no cap.
	MaxBodyInFlight int64
	// TenantShare is the share of MaxInFlight and MaxBodyInFlight one app
	// and corp may hold; 0 means DefaultTenantShare, 1 or more no share.
	TenantShare float64
	// Ready reports an error while the process is starting or shutting
	// down; /readyz then answers 503 with checks.shutdown true. nil means
	// always up. The store and the e签宝 breaker are checked by /readyz itself.
	Ready func(ctx context.Context) error
	// Metrics, if set, instruments requests and token checks and is served
	// at /metrics.
	Metrics *Metrics
	// Version is the build's version for /admin/status.
	Version string
	// Now is the clock of /admin/status (uptime); nil means time.Now.
	Now func() time.Time
	// RateLimit limits the e签宝 actions per app, corp and API.
	RateLimit RateLimit
	// Demo, if set, is the demo app the API Explorer prefills (the demo
	// command); nil means not a demo.
	Demo *DemoInfo
	// Tracer, if set, gives every request a server span named for its
	// row (tracing.go) and puts the trace id in the access log; nil means
	// no tracing and no cost.
	Tracer trace.Tracer
	// Audit, if set, records every admin call that is not a GET (the
	// operator console's audit log); nil records none.
	Audit func(ctx context.Context, e service.AuditEntry) error
}

// NewRouter returns the gateway's router with every route of the tables
// (actions.go, routes.go).
func NewRouter(cfg Config) *gin.Engine {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	if cfg.MaxBodyInFlight == 0 {
		cfg.MaxBodyInFlight = DefaultMaxBodyInFlight
	}
	if cfg.TenantShare == 0 {
		cfg.TenantShare = DefaultTenantShare
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	h := &handlers{s: cfg.Services, cfg: &cfg}
	enabled := func(need string) bool {
		switch need {
		case "admin":
			return cfg.AdminToken != ""
		case "metrics":
			return cfg.Metrics != nil
		}
		return true
	}
	rows := append(h.actions(), h.platform()...)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	// A trailing slash gets 404 InvalidAction.NotFound JSON as on DingTalk,
	// not gin's 301/307 with an HTML body (found by FuzzBindRequests).
	r.RedirectTrailingSlash = false
	logCfg := middleware.LoggerConfig{Log: cfg.Log, Identity: identity}
	r.Use(middleware.RequestID("x-acs-request-id"))
	if cfg.Tracer != nil {
		r.Use(tracing(cfg.Tracer, rowsFor(rows, enabled)))
		logCfg.TraceID = middleware.TraceID
	}
	r.Use(
		middleware.Logger(logCfg),
		// Metrics too sit outside renderErrors, to see the final status.
		cfg.Metrics.requestMetrics(),
		renderErrors(), // outside Recovery, inside Logger: the log sees the final status
		middleware.Recovery(),
		middleware.BodyLimit(cfg.BodyLimit, dingtalk.ErrBodyTooLarge),
	)
	r.NoRoute(notFound)
	r.NoMethod(notFound)

	auth := middleware.Auth(cfg.Metrics.authenticator(cfg.Services.Tokens))
	requests, meter := cfg.RateLimit.handler(cfg.Log, cfg.Metrics), cfg.RateLimit.upstreamMeter(cfg.Log)
	// The meter only marks the request's context; the limit runs the rest.
	limit := func(c *gin.Context) { meter(c); requests(c) }
	inFlight := middleware.NewInFlight(middleware.Capacity{Requests: cfg.MaxInFlight, BodyBytes: cfg.MaxBodyInFlight, MaxBody: cfg.BodyLimit,
		TenantShare: cfg.TenantShare},
		uncounted, dingtalk.PlatformBusy)
	register(r, rows, inFlight, auth, limit, adminAuth(cfg.AdminToken, cfg.Audit), cfg.RateLimit.tokenHandlers(cfg.Log, cfg.Metrics), enabled)
	doc, err := buildOpenAPI(rowsFor(rows, enabled))
	if err != nil {
		panic("openapi: " + err.Error()) // static data: it fails in every test run, never only in production
	}
	h.doc = doc
	return r
}

// uncounted are the paths the in-flight cap leaves alone: an overloaded
// gateway must still answer its probes and show its metrics.
func uncounted(path string) bool {
	switch path {
	case "/livez", "/readyz", "/healthz", "/metrics":
		return true
	}
	return false
}

// identity names the caller for the access log.
func identity(ctx context.Context) (string, string) {
	if c := dingtalk.ClaimsFrom(ctx); c != nil {
		return c.AppKey, c.CorpID
	}
	return "", ""
}

// adminAuth checks the admin bearer token in constant time and hands
// every admin call but a GET to audit, if set.
func adminAuth(token string, audit func(context.Context, service.AuditEntry) error) gin.HandlerFunc {
	want := []byte("Bearer " + token)
	return func(c *gin.Context) {
		got := []byte(c.GetHeader("Authorization"))
		if token == "" || subtle.ConstantTimeCompare(got, want) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="esign-gateway admin"`)
			_ = c.Error(dingtalk.ErrAdminAuth)
			c.Abort()
			return
		}
		c.Next()
		if audit != nil && c.Request.Method != http.MethodGet {
			auditCall(c, audit)
		}
	}
}

// auditCall records an admin call by a script. Its outcome is the error
// code the call ends with (renderErrors writes it later) or the status.
func auditCall(c *gin.Context, audit func(context.Context, service.AuditEntry) error) {
	outcome := strconv.Itoa(c.Writer.Status())
	var e *dingtalk.Error
	if len(c.Errors) > 0 {
		outcome = "error"
		if errors.As(c.Errors.Last().Err, &e) {
			outcome = "error " + e.Code
		}
	}
	ctx := context.WithoutCancel(c.Request.Context())
	err := audit(ctx, service.AuditEntry{Who: "bearer", Action: c.Request.Method + " " + c.FullPath(),
		Outcome: outcome, RequestID: middleware.RequestIDFrom(ctx)})
	if err != nil {
		_ = c.Error(err) // logged; the call itself has happened
	}
}

// openapi serves the document built when the router was made.
func (h *handlers) openapi(c *gin.Context) { c.Data(http.StatusOK, "application/json", h.doc) }
