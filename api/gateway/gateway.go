// Package gateway wires a whole esign-gateway from one Config: the store,
// the e签宝 client, the token issuer, the services, the router, metrics and
// the background work. The serve, demo and token commands and the test
// harness (api/apitest) all build it here, so tests run the production
// wiring. It owns the defaults of the settings that belong to no other
// package (listen address, public URL, store driver and path, logging);
// every other zero value is its package's default.
package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/console"
	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/middleware"
	"esign-gateway/service"
	"esign-gateway/service/store"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Defaults of the settings this package owns.
const (
	DefaultAddr      = ":8080"
	DefaultPublicURL = "http://127.0.0.1:8080"
	DefaultStorePath = "esign-gateway.db"
	// DefaultShutdownTimeout is how long in-flight requests get after
	// SIGTERM.
	DefaultShutdownTimeout = 15 * time.Second
	// DefaultReadTimeout is the deadline of reading a whole request: a
	// 1 MiB body needs 30 s only below 35 KB/s, and a client that dribbles
	// a body holds its connection this long at most.
	DefaultReadTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds handling a request and writing its answer:
	// above the e签宝 call timeout (15s) times the sequential calls of
	// an ordinary request, so only a stuck one is cut off.
	DefaultWriteTimeout = 2 * time.Minute
)

// Config is the whole configuration, as config.yaml and the ESIGNGW_*
// environment give it. A zero value means the default its package
// documents. Hooks are set in code only.
type Config struct {
	Server    ServerConfig    `mapstructure:"server"`
	Store     StoreConfig     `mapstructure:"store"`
	Esign     EsignConfig     `mapstructure:"esign"`
	Dingtalk  DingtalkConfig  `mapstructure:"dingtalk"`
	Admin     AdminConfig     `mapstructure:"admin"`
	Cache     CacheConfig     `mapstructure:"cache"`
	Debug     DebugConfig     `mapstructure:"debug"`
	RateLimit RateLimitConfig `mapstructure:"ratelimit"`
	Log       LogConfig       `mapstructure:"log"`
	Tracing   TracingConfig   `mapstructure:"tracing"`
	Outbox    OutboxConfig    `mapstructure:"outbox"`

	Hooks Hooks `mapstructure:"-"`
}

// ServerConfig is the HTTP server.
type ServerConfig struct {
	Addr            string        `mapstructure:"addr"`       // DefaultAddr
	PublicURL       string        `mapstructure:"public_url"` // DefaultPublicURL
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
	ShutdownDelay   time.Duration `mapstructure:"shutdown_delay"`
	BodyLimit       int64         `mapstructure:"body_limit"`    // api.DefaultBodyLimit
	PageLinkTTL     time.Duration `mapstructure:"page_link_ttl"` // service.DefaultLinkTTL
	// ReadTimeout bounds reading one whole request, headers and body;
	// WriteTimeout bounds handling it and writing the answer.
	ReadTimeout  time.Duration `mapstructure:"read_timeout"`  // DefaultReadTimeout
	WriteTimeout time.Duration `mapstructure:"write_timeout"` // DefaultWriteTimeout
	MaxInFlight  int           `mapstructure:"max_in_flight"` // api.DefaultMaxInFlight; negative: no cap
	// MaxBodyInFlight caps the bytes of request bodies handled at once.
	MaxBodyInFlight int64 `mapstructure:"max_body_in_flight"` // api.DefaultMaxBodyInFlight; negative: no cap
	// TenantShare is the share of both caps one app and corp may hold.
	TenantShare float64 `mapstructure:"tenant_share"` // api.DefaultTenantShare; 1 or more: none
}

// StoreConfig selects the store.
type StoreConfig struct {
	Driver string            `mapstructure:"driver"` // "embedded" (default) or "redis"
	Path   string            `mapstructure:"path"`   // DefaultStorePath
	Redis  store.RedisConfig `mapstructure:"redis"`
}

// EsignConfig is the e签宝 app and its callbacks.
type EsignConfig struct {
	esign.Config   `mapstructure:",squash"`
	CallbackPath   string        `mapstructure:"callback_path"`
	CallbackWindow time.Duration `mapstructure:"callback_window"`
}

// DingtalkConfig is the DingTalk side: apps and tokens.
type DingtalkConfig struct {
	Apps             []service.App `mapstructure:"apps"`
	TokenTTL         time.Duration `mapstructure:"token_ttl"`
	SigningKeys      []string      `mapstructure:"signing_keys"`
	AllowPrivateURLs bool          `mapstructure:"allow_private_urls"`
	InitialQuota     int64         `mapstructure:"initial_quota"`
	RevocationStale  time.Duration `mapstructure:"revocation_stale"`
}

// AdminConfig guards the admin routes and the operator console.
type AdminConfig struct {
	Token string `mapstructure:"token"`
	// SessionSecret keys the console's session cookies with the token
	// (the same on every replica); "" means the token alone.
	SessionSecret string        `mapstructure:"session_secret"`
	SessionTTL    time.Duration `mapstructure:"session_ttl"` // console.DefaultSessionTTL
	StuckAfter    time.Duration `mapstructure:"stuck_after"` // console.DefaultStuckAfter
}

// OutboxConfig is the delivery of events to the ISVs' noticeUrls.
type OutboxConfig struct {
	// MaxAttempts is how often an event is tried before it is set aside
	// as dead; 0 means service.DefaultMaxAttempts.
	MaxAttempts int `mapstructure:"max_attempts"`
}

// CacheConfig is the read caches.
type CacheConfig struct {
	TTL time.Duration `mapstructure:"ttl"`
}

// DebugConfig is the opt-in profiling listener.
type DebugConfig struct {
	Addr string `mapstructure:"addr"`
}

// RateLimitConfig is the limit on the e签宝 actions.
type RateLimitConfig struct {
	Default int            `mapstructure:"default"`
	PerAPI  map[string]int `mapstructure:"per_api"`
	// Token limits the token endpoints per client address and per app key
	// (calls per second); 0 means api.DefaultTokenRateLimit, negative none.
	Token int `mapstructure:"token"`
	// Upstream limits the e签宝 calls one app causes for one corp (calls
	// per second); 0 means api.DefaultUpstreamRateLimit, negative none.
	Upstream int `mapstructure:"upstream"`
}

// LogConfig is the log format and level.
type LogConfig struct {
	Format string `mapstructure:"format"` // "json" (default) or "text"
	Level  string `mapstructure:"level"`  // "info" by default
}

// Hooks are what commands and tests set in code, never in the config file.
type Hooks struct {
	// Out receives the logs; nil means os.Stdout.
	Out io.Writer
	// Demo, if set, is the demo app the API Explorer prefills.
	Demo *api.DemoInfo
	// Service and Router adjust the services' and the router's
	// configuration before they are built (tests).
	Service func(*service.Config)
	Router  func(*api.Config)
	// Traces, if set, turns tracing on and receives every span as it ends
	// (tests: tracetest.InMemoryExporter).
	Traces sdktrace.SpanExporter
}

// Gateway is a wired gateway.
type Gateway struct {
	// Handler serves every route.
	Handler http.Handler
	// Services are the use cases (the demo and tests drive them directly).
	Services *service.Service
	// Store is the store the gateway owns; Close closes it.
	Store   service.Store
	Metrics *api.Metrics
	Log     *slog.Logger

	cfg Config
	tp  *sdktrace.TracerProvider // nil: tracing off
	mu  sync.Mutex
	up  bool
}

// New builds a gateway from cfg. The caller runs its background work with
// Run (Serve does) and releases it with Close.
func New(ctx context.Context, cfg Config) (*Gateway, error) {
	log := newLogger(cfg.Log, cfg.Hooks.Out)
	metrics := api.NewMetrics(api.MetricsConfig{Version: Version()})
	tp, err := newTracing(cfg.Tracing, cfg.Hooks.Traces)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = shutdownTracing(tp)
		}
	}()
	tr := tracer(tp)
	observe := func(_ context.Context, op string, d time.Duration, err error) { metrics.ObserveStore(op, d, err) }
	if tr != nil {
		observe = store.Traced(tr, storeKind(cfg.Store), observe)
	}
	st, err := openStore(cfg.Store, observe)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	ecfg := cfg.Esign.Config
	ecfg.Logger = log
	ecfg.Tracer = tr
	if prev := ecfg.Observe; prev != nil {
		ecfg.Observe = func(op, outcome string, d time.Duration) {
			metrics.ObserveUpstream(op, outcome, d)
			prev(op, outcome, d)
		}
	} else {
		ecfg.Observe = metrics.ObserveUpstream
	}
	ec, err := esign.New(ecfg)
	if err != nil {
		return nil, err
	}
	keys, err := signingKeys(ctx, cfg.Dingtalk.SigningKeys, st)
	if err != nil {
		return nil, err
	}
	tokens, err := dingtalk.NewTokens(dingtalk.TokenConfig{TTL: cfg.Dingtalk.TokenTTL, Keys: keys})
	if err != nil {
		return nil, err
	}
	publicURL := cfg.Server.PublicURL
	if publicURL == "" {
		publicURL = DefaultPublicURL
	}
	scfg := service.Config{PublicURL: publicURL, Apps: cfg.Dingtalk.Apps, InitialQuota: cfg.Dingtalk.InitialQuota,
		AllowPrivateURLs: cfg.Dingtalk.AllowPrivateURLs, Log: log,
		Tokens:    service.TokenConfig{RevocationStale: cfg.Dingtalk.RevocationStale},
		Callbacks: service.CallbackConfig{Path: cfg.Esign.CallbackPath, AppID: cfg.Esign.AppID, Secret: cfg.Esign.AppSecret, Window: cfg.Esign.CallbackWindow},
		Outbox:    service.OutboxConfig{OnPush: metrics.OutboxDelivery, MaxAttempts: cfg.Outbox.MaxAttempts},
		Cache:     service.CacheConfig{TTL: cfg.Cache.TTL},
		Pages:     service.PagesConfig{LinkTTL: cfg.Server.PageLinkTTL}}
	if cfg.Hooks.Service != nil {
		cfg.Hooks.Service(&scfg)
	}
	svc, err := service.New(scfg, st, ec, tokens)
	if err != nil {
		return nil, err
	}
	g := &Gateway{Services: svc, Store: st, Metrics: metrics, Log: log, cfg: cfg, tp: tp}
	services := api.ServicesOf(svc)
	metrics.Watch(services)
	var limiter middleware.Limiter
	if r, isRedis := st.(*store.Redis); isRedis {
		limiter = r // one limit for every replica
	}
	acfg := api.Config{Services: services, Log: log, AdminToken: cfg.Admin.Token, BodyLimit: cfg.Server.BodyLimit, MaxInFlight: cfg.Server.MaxInFlight, MaxBodyInFlight: cfg.Server.MaxBodyInFlight, TenantShare: cfg.Server.TenantShare,
		Ready: g.readyCheck, Metrics: metrics, Version: Version(), Demo: cfg.Hooks.Demo, Tracer: tr,
		RateLimit: api.RateLimit{Default: cfg.RateLimit.Default, PerAPI: cfg.RateLimit.PerAPI, Token: cfg.RateLimit.Token, Upstream: cfg.RateLimit.Upstream, Limiter: limiter}}
	acfg.Audit = svc.Console.Audit
	if cfg.Hooks.Router != nil {
		cfg.Hooks.Router(&acfg)
	}
	router := api.NewRouter(acfg)
	console.Mount(router, console.Config{Service: svc, AdminToken: acfg.AdminToken, Secret: cfg.Admin.SessionSecret,
		SessionTTL: cfg.Admin.SessionTTL, Secure: strings.HasPrefix(publicURL, "https://"),
		StuckAfter: cfg.Admin.StuckAfter, Version: Version()})
	g.Handler = router
	ok = true
	return g, nil
}

// Run does the gateway's background work (corp change notices, the event
// outbox) until ctx is done.
func (g *Gateway) Run(ctx context.Context) { g.Services.Run(ctx) }

// Close closes the store and sends the spans not yet sent.
func (g *Gateway) Close() error {
	return errors.Join(g.Store.Close(), shutdownTracing(g.tp))
}

// SetReady marks the gateway ready (listening) or not (starting, draining).
func (g *Gateway) SetReady(up bool) {
	g.mu.Lock()
	g.up = up
	g.mu.Unlock()
}

// readyCheck is the lifecycle part of /readyz (api.Config.Ready); the
// router checks the store and the e签宝 breaker itself.
func (g *Gateway) readyCheck(context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.up {
		return errors.New("starting or shutting down")
	}
	return nil
}

// storeKind names the configured store for spans.
func storeKind(cfg StoreConfig) string {
	if cfg.Driver == "redis" {
		return "redis"
	}
	return "bolt"
}

// openStore opens the configured store, reporting every call to observe.
func openStore(cfg StoreConfig, observe store.Observer) (service.Store, error) {
	switch cfg.Driver {
	case "embedded", "":
		path := cfg.Path
		if path == "" {
			path = DefaultStorePath
		}
		return store.OpenBolt(path, store.BoltOptions{Observe: observe})
	case "redis":
		rc := cfg.Redis
		rc.Observe = observe
		return store.OpenRedis(rc)
	}
	return nil, fmt.Errorf("store.driver %q: want embedded or redis", cfg.Driver)
}

// signingKeys returns the token keys: from config ("kid:secret", first
// signs), or else one generated once and kept in the store, so every replica
// signs and verifies with the same key.
func signingKeys(ctx context.Context, conf []string, st service.Store) ([]dingtalk.Key, error) {
	var keys []dingtalk.Key
	for _, kv := range conf {
		id, secret, ok := strings.Cut(kv, ":")
		if !ok || id == "" || len(secret) < 32 {
			return nil, errors.New("dingtalk.signing_keys: want kid:secret with a secret of at least 32 bytes")
		}
		keys = append(keys, dingtalk.Key{ID: id, Secret: []byte(secret)})
	}
	if len(keys) > 0 {
		return keys, nil
	}
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return nil, err
	}
	secret, err := st.EnsureSecret(ctx, "token-signing-key", candidate)
	if err != nil {
		return nil, fmt.Errorf("token signing key: %w", err)
	}
	sum := sha256.Sum256(secret)
	return []dingtalk.Key{{ID: "k" + hex.EncodeToString(sum[:4]), Secret: secret}}, nil
}

// version is set at build time with -ldflags "-X esign-gateway/api/gateway.version=...".
var version = "dev"

// Version is the build's version.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "dev" {
		return "dev (" + bi.GoVersion + ")"
	}
	return version
}

func newLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	if w == nil {
		w = os.Stdout
	}
	level := slog.LevelInfo
	if cfg.Level != "" {
		_ = level.UnmarshalText([]byte(cfg.Level))
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
