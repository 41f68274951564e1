package service

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
)

// DefaultCallbackPath is where e签宝 callbacks arrive unless configured.
const DefaultCallbackPath = "/esign/callback"

// Config configures the services. Zero values mean the documented defaults.
type Config struct {
	// PublicURL is where clients and e签宝 reach the gateway (pages,
	// callbacks). Required.
	PublicURL string
	// Apps are the DingTalk apps allowed to call the gateway.
	Apps []App
	// InitialQuota is the quota a corp listed in Apps starts with; 0 means
	// none.
	InitialQuota int64
	// AllowPrivateURLs lets noticeUrl and redirectUrl point at loopback and
	// private addresses (tests and the demo).
	AllowPrivateURLs bool
	Tokens           TokenConfig
	Callbacks        CallbackConfig
	Outbox           OutboxConfig
	Cache            CacheConfig
	Pages            PagesConfig
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives what the services report; nil means slog.Default().
	Log *slog.Logger
}

// DefaultLinkTTL is how long a consent or start link may be used:
// DingTalk's GetAuthUrl page gives its addresses 2 hours (地址有效期为2小时).
const DefaultLinkTTL = 2 * time.Hour

// PagesConfig configures the consent and start pages.
type PagesConfig struct {
	// LinkTTL is how long after GetAuthUrl/ProcessStart a link may be
	// used; 0 means DefaultLinkTTL.
	LinkTTL time.Duration
	// AuthScopes are the grants the consent page asks of the corp through
	// e签宝's authorization flow; nil means DefaultAuthScopes.
	AuthScopes []string
	// RequiredScopes must all be granted for the consent to succeed; nil
	// means DefaultRequiredScopes.
	RequiredScopes []string
}

// TokenConfig configures how tokens are trusted across replicas.
type TokenConfig struct {
	// RevocationTTL bounds how long a replica trusts its cached view of a
	// corp's revocation epoch when no change notice arrives; 0 means 1s.
	RevocationTTL time.Duration
	// RevocationStale is how old that view may get while the store is
	// unreachable before tokens are refused (fail closed); 0 means 30s.
	RevocationStale time.Duration
}

// CallbackConfig configures the e签宝 callbacks the gateway accepts.
type CallbackConfig struct {
	// Path is where they arrive; "" means DefaultCallbackPath.
	Path string
	// AppID and Secret are the e签宝 app whose callbacks are accepted
	// (X-Tsign-Open-App-Id and the HMAC key).
	AppID, Secret string
	// Window is how old a callback's timestamp may be; 0 means
	// esign.CallbackRetrySpan (e签宝 retries for about 9.7 h).
	Window time.Duration
}

// OutboxConfig configures the delivery of events to ISVs.
type OutboxConfig struct {
	// Poll is how often the outbox looks for due events when no enqueue
	// wakes it; 0 means 500ms.
	Poll time.Duration
	// Disabled keeps Run from delivering events (they stay in the store
	// for another replica or a later start).
	Disabled bool
	// OnPush, if set, is told the outcome of every delivery attempt
	// ("delivered", "failed", "no_notice_url", "gave_up").
	OnPush func(outcome string)
	// MaxAttempts is how often an event is tried before it is moved aside
	// as dead; 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// DefaultCacheTTL is how long the read caches keep an answer unless
// configured.
const DefaultCacheTTL = 2 * time.Second

// CacheConfig configures the read caches.
type CacheConfig struct {
	// TTL is how long GetFlowDetail's and GetSignDetail's answers and
	// looked-up tasks are kept: the most a replica that did not receive a
	// task's callback serves an old state. 0 means DefaultCacheTTL;
	// negative turns these caches off.
	TTL time.Duration
}

// Service is the gateway's use cases, one small service per area. They
// share one set of dependencies (the go-github pattern).
type Service struct {
	Tokens    *Tokens
	Corps     *Corps
	Users     *Users
	Files     *Files
	Flows     *Flows
	Process   *Process
	Orders    *Orders
	Callbacks *Callbacks
	Outbox    *Outbox
	Admin     *Admin
	Console   *Console

	core *core
}

// service is what every area's type is: a view of the shared core.
type service struct{ *core }

// New returns the services on st, ec and tokens, which the caller owns.
func New(cfg Config, st Store, ec *esign.Client, tokens *dingtalk.Tokens) (*Service, error) {
	if cfg.PublicURL == "" {
		return nil, errors.New("service: public URL required")
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.Callbacks.Path == "" {
		cfg.Callbacks.Path = DefaultCallbackPath
	}
	if cfg.Tokens.RevocationTTL <= 0 {
		cfg.Tokens.RevocationTTL = time.Second
	}
	if cfg.Tokens.RevocationStale <= 0 {
		cfg.Tokens.RevocationStale = 30 * time.Second
	}
	if cfg.Callbacks.Window <= 0 {
		cfg.Callbacks.Window = esign.CallbackRetrySpan
	}
	switch {
	case cfg.Cache.TTL == 0:
		cfg.Cache.TTL = DefaultCacheTTL
	case cfg.Cache.TTL < 0:
		cfg.Cache.TTL = 0 // off
	}
	if cfg.Pages.LinkTTL <= 0 {
		cfg.Pages.LinkTTL = DefaultLinkTTL
	}
	if cfg.Pages.AuthScopes == nil {
		cfg.Pages.AuthScopes = DefaultAuthScopes
	}
	if cfg.Pages.RequiredScopes == nil {
		cfg.Pages.RequiredScopes = DefaultRequiredScopes
	}
	if cfg.Outbox.MaxAttempts <= 0 {
		cfg.Outbox.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.Outbox.Poll <= 0 {
		cfg.Outbox.Poll = 500 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	apps, err := newApps(cfg.Apps)
	if err != nil {
		return nil, err
	}
	c := &core{cfg: cfg, store: st, esign: ec, tokens: tokens, apps: apps, now: cfg.Now, log: cfg.Log,
		corps: newCorpCache(st, cfg.Tokens.RevocationTTL, cfg.Tokens.RevocationStale, cfg.Now),
		names: newNameCache(10*time.Minute, cfg.Now), cache: newReadCaches(cfg.Cache.TTL, cfg.Now),
		pusher: newPusher(cfg.AllowPrivateURLs)}
	s := service{c}
	return &Service{core: c, Tokens: (*Tokens)(&s), Corps: (*Corps)(&s), Users: (*Users)(&s), Files: (*Files)(&s),
		Flows: (*Flows)(&s), Process: (*Process)(&s), Orders: (*Orders)(&s), Callbacks: (*Callbacks)(&s),
		Outbox: (*Outbox)(&s), Admin: (*Admin)(&s), Console: (*Console)(&s)}, nil
}

// Run does the background work of the services (corp change notices, and
// the event outbox unless Outbox.Disabled) until ctx is done, and returns
// once all of it has stopped.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	if !s.core.cfg.Outbox.Disabled {
		wg.Go(func() { s.Outbox.Run(ctx) })
	}
	s.core.followCorpChanges(ctx)
}
