package esign

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Auth modes of Config.AuthMode.
const (
	AuthSignature = "signature"
	AuthToken     = "token"
)

// Config configures a Client. The zero value of every optional field means
// the default documented next to it.
type Config struct {
	// BaseURL is scheme and host: https://openapi.esign.cn (production) or
	// https://smlopenapi.esign.cn (sandbox); "" means SandboxURL.
	BaseURL   string `mapstructure:"base_url"`
	AppID     string `mapstructure:"app_id"`
	AppSecret string `mapstructure:"app_secret"`
	// AuthMode is AuthSignature (default, recommended by e签宝) or AuthToken.
	AuthMode string `mapstructure:"auth_mode"`
	// Timeout bounds one attempt; zero means 5s.
	Timeout time.Duration `mapstructure:"timeout"`
	// CallTimeout bounds a whole call including retries and backoff; zero
	// means 15s. The caller's context deadline still applies if earlier.
	CallTimeout time.Duration `mapstructure:"call_timeout"`
	// Retries is the number of extra attempts for GETs; zero means 2,
	// negative means none. Other methods are never retried.
	Retries int `mapstructure:"retries"`
	// BreakerTimeout is how long the circuit breaker stays open before it
	// lets one probe through; zero means 30s.
	BreakerTimeout time.Duration `mapstructure:"breaker_timeout"`

	// Transport sends the requests; nil means a transport tuned for many
	// concurrent calls to one host.
	Transport http.RoundTripper `mapstructure:"-"`
	// Now is the clock used for signatures, tokens and stats; nil means
	// time.Now.
	Now func() time.Time `mapstructure:"-"`
	// Logger receives retry, breaker and credential problems; nil means
	// discard. Secrets, signatures and tokens are never logged.
	Logger *slog.Logger `mapstructure:"-"`
	// Backoff is the wait before retry number attempt (0-based); nil means
	// 200ms·2^attempt capped at 3s, with full jitter.
	Backoff func(attempt int) time.Duration `mapstructure:"-"`
	// Observe, if set, is called once per call with the operation (the
	// typed method's name, "Do" for direct calls, "token" for token
	// fetches), its outcome (ok, business_error, auth_error, http_error,
	// timeout, transport_error, decode_error or breaker_open) and how long
	// the call took.
	Observe func(op, outcome string, d time.Duration) `mapstructure:"-"`
	// Tracer, if set, traces every call made within a recorded trace: a
	// span per call ("esign <op>") with a child per attempt; nil means no
	// spans.
	Tracer trace.Tracer `mapstructure:"-"`
}

// Hosts of e签宝's OpenAPI.
const (
	SandboxURL    = "https://smlopenapi.esign.cn"
	ProductionURL = "https://openapi.esign.cn"
)

// withDefaults checks cfg and fills in the defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = SandboxURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if cfg.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, fmt.Errorf("esign: base_url %q must be an http(s) URL with a host", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return cfg, errors.New("esign: app_id and app_secret are required")
	}
	switch cfg.AuthMode {
	case "":
		cfg.AuthMode = AuthSignature
	case AuthSignature, AuthToken:
	default:
		return cfg, fmt.Errorf("esign: auth_mode %q must be %q or %q", cfg.AuthMode, AuthSignature, AuthToken)
	}
	cfg.Timeout = orDefault(cfg.Timeout, 5*time.Second)
	cfg.CallTimeout = orDefault(cfg.CallTimeout, 15*time.Second)
	cfg.BreakerTimeout = orDefault(cfg.BreakerTimeout, 30*time.Second)
	switch {
	case cfg.Retries == 0:
		cfg.Retries = 2
	case cfg.Retries < 0:
		cfg.Retries = 0
	}
	if cfg.Transport == nil {
		cfg.Transport = newTransport()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Backoff == nil {
		cfg.Backoff = jitteredBackoff
	}
	return cfg, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// newTransport keeps enough idle connections that a busy gateway reuses
// TLS sessions to e签宝's single host instead of handshaking per call.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = false
	return t
}

// jitteredBackoff is 200ms·2^attempt capped at 3s, with full jitter so that
// many callers retrying at once spread out.
func jitteredBackoff(attempt int) time.Duration {
	d := 3 * time.Second
	if attempt < 4 {
		d = min(d, 200*time.Millisecond<<attempt)
	}
	return rand.N(d + 1)
}
