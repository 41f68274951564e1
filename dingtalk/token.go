package dingtalk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// MaxTokenLen is the longest access token Verify parses. Ours are well under
// 1 KiB; the limit keeps crafted tokens from costing decode work.
const MaxTokenLen = 4096

// App types a token can carry in its appType claim.
const (
	AppTypeISVEnterprise = "isv_enterprise"
	AppTypeInternal      = "internal"
	AppTypeISVPersonal   = "isv_personal"
	AppTypeSuite         = "suite"
)

// Key is one HS256 key. ID travels in the token header as kid so Verify picks
// the key directly instead of trying every key.
type Key struct {
	ID     string `mapstructure:"id"`
	Secret []byte `mapstructure:"secret"` // at least 32 bytes
}

// TokenConfig configures Tokens. A zero field means the default in its comment.
type TokenConfig struct {
	Issuer    string           `mapstructure:"issuer"`     // "esign-gateway"
	Audience  string           `mapstructure:"audience"`   // "dingtalk-esign"
	TTL       time.Duration    `mapstructure:"ttl"`        // 7200s, what DingTalk's expireIn says
	Leeway    time.Duration    `mapstructure:"leeway"`     // 30s clock skew; negative means none
	Keys      []Key            `mapstructure:"keys"`       // the first signs, all verify (rotation)
	Now       func() time.Time `mapstructure:"-"`          // time.Now
	CacheSize int              `mapstructure:"cache_size"` // 10000 verified tokens; negative disables the cache
}

// Claims is what an access token says about its holder. Issue fills the
// registered claims; the caller fills the rest.
type Claims struct {
	jwt.RegisteredClaims
	AppKey  string   `json:"appKey"`
	CorpID  string   `json:"corpId,omitempty"`
	AppType string   `json:"appType"` // one of the AppType constants
	Scopes  []string `json:"scopes,omitempty"`
	Epoch   int64    `json:"ep"` // the corp's revocation epoch when issued

	caller string // Caller's answer, made once per verified token
}

// Caller names the app and the corp it acts for ("appKey|corpId"): the key
// of the rate limits and in-flight shares.
func (c *Claims) Caller() string {
	if c.caller == "" {
		return c.AppKey + "|" + c.CorpID
	}
	return c.caller
}

// Tokens issues and verifies the gateway's access tokens. It is safe for
// concurrent use.
type Tokens struct {
	cfg    TokenConfig
	keys   map[string][]byte
	ids    []string
	parser *jwt.Parser
	cache  *tokenCache
}

// NewTokens checks cfg, fills its defaults and builds the one parser every
// Verify uses, with every validation option pinned.
func NewTokens(cfg TokenConfig) (*Tokens, error) {
	if cfg.Issuer == "" {
		cfg.Issuer = "esign-gateway"
	}
	if cfg.Audience == "" {
		cfg.Audience = "dingtalk-esign"
	}
	if cfg.TTL == 0 {
		cfg.TTL = 7200 * time.Second
	}
	if cfg.TTL < time.Second {
		return nil, errors.New("dingtalk: token TTL must be at least 1s")
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = 30 * time.Second
	case cfg.Leeway < 0:
		cfg.Leeway = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 10000
	}
	if len(cfg.Keys) == 0 {
		return nil, errors.New("dingtalk: at least one token key is required")
	}
	t := &Tokens{cfg: cfg, keys: make(map[string][]byte, len(cfg.Keys))}
	for i, k := range cfg.Keys {
		if !validKID(k.ID) {
			return nil, fmt.Errorf("dingtalk: token key %d: id must match [A-Za-z0-9_-]{1,64}", i)
		}
		if _, dup := t.keys[k.ID]; dup {
			return nil, fmt.Errorf("dingtalk: token key id %q appears twice", k.ID)
		}
		if len(k.Secret) < 32 {
			return nil, fmt.Errorf("dingtalk: token key %q: secret must be at least 32 bytes", k.ID)
		}
		t.keys[k.ID] = append([]byte(nil), k.Secret...)
		t.ids = append(t.ids, k.ID)
	}
	t.cfg.Keys = nil // the map holds private copies; nothing else needs the caller's slice
	if cfg.CacheSize > 0 {
		t.cache = newTokenCache(cfg.CacheSize)
	}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithNotBeforeRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(cfg.Now),
		// Without strict base64 the unused low bits of the signature's last
		// character can be changed, giving several strings for one token.
		jwt.WithStrictDecoding(),
	)
	return t, nil
}

// KeyIDs returns the configured key ids, the signing key first. It never
// exposes secrets, so the admin page can show which keys are live.
func (t *Tokens) KeyIDs() []string { return append([]string(nil), t.ids...) }

// Issue signs a token for c with the first key. It overwrites c's registered
// claims (iss, sub = AppKey, aud, iat, nbf, exp, jti) and returns the token
// and its lifetime in seconds, as DingTalk's expireIn.
func (t *Tokens) Issue(c Claims) (token string, expiresIn int64, err error) {
	if c.AppKey == "" || !validAppType(c.AppType) {
		return "", 0, ErrSystem.Wrap(errors.New("dingtalk: Issue needs an app key and a known app type"))
	}
	var jti [16]byte
	_, _ = rand.Read(jti[:]) // crypto/rand.Read never fails since Go 1.24
	now := t.cfg.Now()
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer:    t.cfg.Issuer,
		Subject:   c.AppKey,
		Audience:  jwt.ClaimStrings{t.cfg.Audience},
		ExpiresAt: jwt.NewNumericDate(now.Add(t.cfg.TTL)),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        hex.EncodeToString(jti[:]),
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["kid"] = t.ids[0]
	s, err := tok.SignedString(t.keys[t.ids[0]])
	if err != nil {
		return "", 0, ErrSystem.Wrap(err)
	}
	if len(s) > MaxTokenLen {
		return "", 0, ErrSystem.Wrap(fmt.Errorf("dingtalk: token of %d bytes exceeds %d", len(s), MaxTokenLen))
	}
	return s, int64(t.cfg.TTL / time.Second), nil
}

// Verify checks token and returns its claims. Every failure is
// ErrInvalidToken with the same client message; the cause, and
// TokenFailureReason, say why. The Scopes and Audience slices of the result
// are shared with the cache and must not be modified.
func (t *Tokens) Verify(token string) (*Claims, error) {
	if len(token) > MaxTokenLen {
		return nil, tokenFail(reasonMalformed, errTokenTooLong)
	}
	if t.cache != nil {
		if c := t.cache.get(token, t.cfg.Now()); c != nil {
			cp := *c
			return &cp, nil
		}
	}
	c := new(Claims)
	tok, err := t.parser.ParseWithClaims(token, c, t.key)
	if err != nil {
		return nil, tokenFail(classify(tok, err), err)
	}
	// Defence in depth: only Issue signs, and Issue sets both of these.
	if c.Subject != c.AppKey || c.AppKey == "" || !validAppType(c.AppType) {
		return nil, tokenFail(reasonOther, errTokenClaims)
	}
	c.caller = c.AppKey + "|" + c.CorpID
	if t.cache != nil {
		now := t.cfg.Now()
		until := now.Add(time.Minute)
		if exp := c.ExpiresAt.Time; exp.Before(until) {
			until = exp
		}
		t.cache.put(token, c, until, now)
	}
	cp := *c
	return &cp, nil
}

// key is the parser's keyfunc. kid is attacker-controlled (RFC 8725 §3.10):
// it is checked against a strict alphabet and only ever used as a map key.
func (t *Tokens) key(tok *jwt.Token) (any, error) {
	kid, ok := tok.Header["kid"].(string)
	if !ok || !validKID(kid) {
		return nil, errTokenBadKID
	}
	k, ok := t.keys[kid]
	if !ok {
		return nil, errTokenUnknownKID
	}
	return k, nil
}

func validKID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func validAppType(s string) bool {
	switch s {
	case AppTypeISVEnterprise, AppTypeInternal, AppTypeISVPersonal, AppTypeSuite:
		return true
	}
	return false
}

type claimsKey struct{}

// WithClaims returns a copy of ctx carrying the caller's verified claims.
func WithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// ClaimsFrom returns the claims WithClaims stored in ctx, or nil.
func ClaimsFrom(ctx context.Context) *Claims {
	if ctx == nil {
		return nil
	}
	c, _ := ctx.Value(claimsKey{}).(*Claims)
	return c
}
