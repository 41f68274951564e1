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
	"esign-gateway/service/store"
)

// App types (dingtalk.apps[].type).
const (
	AppISVEnterprise = "isv_enterprise"
	AppInternal      = "internal"
	AppISVPersonal   = "isv_personal"
	// appSuite marks a suite (ISV) token: it acts for no corp.
	appSuite = "suite"
)

// App is a DingTalk application allowed to call the gateway.
type App struct {
	Key    string   `mapstructure:"key"`
	Secret string   `mapstructure:"secret"`
	Type   string   `mapstructure:"type"`
	CorpID string   `mapstructure:"corp_id"` // internal apps: their own corp
	Corps  []string `mapstructure:"corps"`   // isv_enterprise: corps already authorized; empty means any corp may get a token
	Scopes []string `mapstructure:"scopes"`
	// EventToken and EventAESKey sign and encrypt the events pushed to the
	// app's noticeUrl (DingTalk's event-subscription crypto).
	EventToken  string `mapstructure:"event_token"`
	EventAESKey string `mapstructure:"event_aes_key"`
}

// Config configures the Service. Zero values mean the documented defaults.
type Config struct {
	// PublicURL is where clients and e签宝 reach the gateway (pages, callbacks).
	PublicURL string
	// CallbackPath is where e签宝 callbacks arrive; default /esign/callback.
	CallbackPath string
	Apps         []App
	// RevocationTTL bounds how long a replica trusts its cached view of a
	// corp's revocation epoch when no change notice arrives; default 1s.
	RevocationTTL time.Duration
	// RevocationStale is how old that view may get while the store is
	// unreachable before tokens are refused (fail closed); default 30s.
	RevocationStale time.Duration
	// AllowPrivateURLs lets noticeUrl and redirectUrl point at loopback and
	// private addresses (tests and the demo).
	AllowPrivateURLs bool
	// DemoQuota is the quota a corp listed in Apps starts with; 0 means none.
	DemoQuota int64
	// CallbackAppID and CallbackSecret are the e签宝 app whose callbacks are
	// accepted (X-Tsign-Open-App-Id and the HMAC key); CallbackWindow is how
	// far a callback's timestamp may be from now, default 15m.
	CallbackAppID  string
	CallbackSecret string
	CallbackWindow time.Duration
	// OutboxPoll is how often the outbox looks for due events when no
	// enqueue wakes it; default 500ms.
	OutboxPoll time.Duration
	// NoOutbox keeps Run from delivering events (they stay in the store for
	// another replica or a later start).
	NoOutbox bool
	// OnPush, if set, is told the outcome of every delivery attempt
	// ("delivered", "failed", "no_notice_url", "no_event_keys"), for metrics.
	OnPush func(outcome string)
	// CacheTTL is how long GetFlowDetail's and GetSignDetail's answers and
	// looked-up tasks are kept (readCaches): the most a replica that did
	// not receive a task's callback serves an old state. 0 turns these
	// caches off.
	CacheTTL time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// Service implements every action.
type Service struct {
	cfg    Config
	store  store.Store
	esign  *esign.Client
	tokens *dingtalk.Tokens
	apps   map[string]*App
	corps  *corpCache
	names  *nameCache
	outbox *outbox
	cache  *readCaches
	refs   flowRefs
	now    func() time.Time
	log    *slog.Logger

	seedOnce sync.Map // corpID -> struct{}: listed corps seeded this process
}

// New returns a Service. The caller owns st and ec.
func New(cfg Config, st store.Store, ec *esign.Client, tokens *dingtalk.Tokens) (*Service, error) {
	if cfg.PublicURL == "" {
		return nil, errors.New("service: public URL required")
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.CallbackPath == "" {
		cfg.CallbackPath = "/esign/callback"
	}
	if cfg.RevocationTTL <= 0 {
		cfg.RevocationTTL = time.Second
	}
	if cfg.RevocationStale <= 0 {
		cfg.RevocationStale = 30 * time.Second
	}
	if cfg.CallbackWindow <= 0 {
		cfg.CallbackWindow = 15 * time.Minute
	}
	if cfg.OutboxPoll <= 0 {
		cfg.OutboxPoll = 500 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Service{cfg: cfg, store: st, esign: ec, tokens: tokens, apps: map[string]*App{},
		now: cfg.Now, log: cfg.Log}
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		switch a.Type {
		case AppISVEnterprise, AppInternal, AppISVPersonal:
		default:
			return nil, errors.New("service: app " + a.Key + ": type must be isv_enterprise, internal or isv_personal")
		}
		if a.Key == "" || a.Secret == "" {
			return nil, errors.New("service: every app needs a key and a secret")
		}
		s.apps[a.Key] = a
	}
	s.corps = newCorpCache(st, cfg.RevocationTTL, cfg.RevocationStale, cfg.Now)
	s.names = newNameCache(10*time.Minute, cfg.Now)
	s.outbox = newOutbox(cfg.AllowPrivateURLs)
	s.cache = newReadCaches(cfg.CacheTTL, cfg.Now)
	s.store = cachingStore{Store: st, caches: s.cache}
	return s, nil
}

// Run does the background work of the service (corp change notices, and
// the event outbox unless Config.NoOutbox) until ctx is done, and returns
// once all of it has stopped.
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	if !s.cfg.NoOutbox {
		wg.Add(1)
		go func() { defer wg.Done(); s.RunOutbox(ctx) }()
	}
	// SubscribeCorpChanges returns once the subscription is active and keeps
	// it (resubscribing itself) until ctx is done; only a failure to start
	// is retried here.
	for ctx.Err() == nil {
		err := s.store.SubscribeCorpChanges(ctx, s.corps.invalidate)
		if err == nil || ctx.Err() != nil {
			break
		}
		s.log.Warn("corp change subscription failed, retrying", slog.Any("error", err))
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	<-ctx.Done()
}

// Store returns the service's store (admin and health checks).
func (s *Service) Store() store.Store { return s.store }

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }
