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
	Now       func() time.Time
	Log       *slog.Logger
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
	return s, nil
}

// Run does the background work of the service (corp change notices) until
// ctx is done.
func (s *Service) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.store.SubscribeCorpChanges(ctx, s.corps.invalidate)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("corp change subscription ended, retrying", slog.Any("error", err))
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// Store returns the service's store (admin and health checks).
func (s *Service) Store() store.Store { return s.store }

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }
