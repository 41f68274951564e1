package service

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// TokenHeader is where DingTalk clients send their access token.
const TokenHeader = "x-acs-dingtalk-access-token"

// tokenHeaderKey is TokenHeader in canonical form, so reading it costs no
// per-request canonicalisation (TestTokenHeaderKey checks they agree).
const tokenHeaderKey = "X-Acs-Dingtalk-Access-Token"

// App types (dingtalk.apps[].type).
const (
	AppISVEnterprise = dingtalk.AppTypeISVEnterprise
	AppInternal      = dingtalk.AppTypeInternal
	AppISVPersonal   = dingtalk.AppTypeISVPersonal
)

// App is a DingTalk application allowed to call the gateway.
type App struct {
	Key    string `mapstructure:"key"`
	Secret string `mapstructure:"secret"`
	Type   string `mapstructure:"type"`
	CorpID string `mapstructure:"corp_id"` // internal apps: their own corp
	// Corps (isv_enterprise) are the corps the app owns, authorized from
	// the start: no other app can ever act for them. Empty means the app
	// may claim any corp no app lists, first come first served.
	Corps  []string `mapstructure:"corps"`
	Scopes []string `mapstructure:"scopes"`
	// EventToken keys the X-Esigngw-Signature of the events pushed to the
	// app's noticeUrl. With EventCrypto the body is also sealed with
	// DingTalk's event-subscription crypto (EventToken and EventAESKey)
	// instead of the documented plain JSON.
	EventToken  string `mapstructure:"event_token"`
	EventAESKey string `mapstructure:"event_aes_key"`
	EventCrypto bool   `mapstructure:"event_crypto"`

	owns map[string]bool // Corps as a set
}

// apps are the configured apps by key.
type apps map[string]*App

// owner is the key of the third-party app whose corps list names corpID,
// or "". (An internal app acts for its corp_id whoever owns it.)
func (m apps) owner(corpID string) string {
	for k, a := range m {
		if a.Type == AppISVEnterprise && a.owns[corpID] {
			return k
		}
	}
	return ""
}

func newApps(list []App) (apps, error) {
	m := apps{}
	for i := range list {
		a := &list[i]
		switch a.Type {
		case AppISVEnterprise, AppInternal, AppISVPersonal:
		default:
			return nil, errors.New("service: app " + a.Key + ": type must be isv_enterprise, internal or isv_personal")
		}
		if a.Key == "" || a.Secret == "" {
			return nil, errors.New("service: every app needs a key and a secret")
		}
		if a.EventCrypto {
			if _, err := dingtalk.NewEventCrypto(a.EventToken, a.EventAESKey, a.Key); err != nil {
				return nil, errors.New("service: app " + a.Key + ": event_crypto needs a valid event_token and event_aes_key")
			}
		}
		a.owns = map[string]bool{}
		for _, c := range a.Corps {
			if o := m.owner(c); o != "" && o != a.Key && a.Type == AppISVEnterprise {
				return nil, errors.New("service: corp " + c + " is listed by apps " + o + " and " + a.Key + ": a corp belongs to one app")
			}
			a.owns[c] = true
		}
		m[a.Key] = a
	}
	return m, nil
}

// Tokens issues access tokens and authenticates the callers that bring
// them back.
type Tokens service

// Authenticate verifies the caller's access token (middleware.Authenticator):
// signature, expiry, issuer, audience, an app still configured with the
// type the token names, and, for a corp's token, the corp's revocation
// epoch. Which app types and scopes may call an action is the route's
// business (its row in the action table).
func (s *Tokens) Authenticate(r *http.Request) (context.Context, error) {
	var tok string
	if v := r.Header[tokenHeaderKey]; len(v) > 0 {
		tok = v[0]
	}
	if tok == "" {
		return nil, dingtalk.ErrMissingToken
	}
	c, err := s.tokens.Verify(tok)
	if err != nil {
		return nil, err
	}
	app, ok := s.apps[c.AppKey]
	if !ok {
		return nil, dingtalk.ErrInvalidToken.Msg("不合法的access_token")
	}
	if app.Type != c.AppType && c.AppType != dingtalk.AppTypeSuite {
		return nil, dingtalk.ErrPermissionDenied
	}
	if c.CorpID != "" && app.Type == AppISVEnterprise {
		if o := s.apps.owner(c.CorpID); o != "" && o != c.AppKey {
			// Issued before the config named the corp's owner: void.
			return nil, dingtalk.RevokedToken("corp belongs to another app")
		}
	}
	if c.CorpID != "" {
		view, err := s.corps.get(r.Context(), c.CorpID)
		if err != nil {
			return nil, dingtalk.ErrUnavailable.Wrap(err)
		}
		if !view.exists || view.epoch != c.Epoch {
			return nil, dingtalk.RevokedToken("corp authorization cancelled")
		}
	}
	return dingtalk.WithClaims(r.Context(), c), nil
}

// CorpToken issues a token for a third-party enterprise app acting for a
// corp (POST /v1.0/oauth2/corpAccessToken).
func (s *Tokens) CorpToken(ctx context.Context, req *dingtalk.CorpTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.SuiteKey]
	if app == nil || app.Type != AppISVEnterprise || !secretEqual(app.Secret, req.SuiteSecret) {
		return nil, dingtalk.ErrInvalidSuiteKey
	}
	if req.SuiteTicket == "" {
		return nil, dingtalk.ErrInvalidSuiteTicket
	}
	if req.AuthCorpID == "" || !validID(req.AuthCorpID) || (len(app.Corps) > 0 && !app.owns[req.AuthCorpID]) {
		return nil, dingtalk.ErrInvalidAuthInfo
	}
	if o := s.apps.owner(req.AuthCorpID); o != "" && o != app.Key {
		return nil, dingtalk.ErrInvalidAuthInfo // another app's corp
	}
	corp, err := s.enroll(ctx, app, req.AuthCorpID)
	if err != nil {
		return nil, err
	}
	if corp.AppKey != app.Key {
		return nil, dingtalk.ErrInvalidAuthInfo
	}
	if err := s.seedQuota(ctx, app, corp.ID); err != nil {
		return nil, err
	}
	return s.issue(dingtalk.Claims{AppKey: app.Key, CorpID: corp.ID, AppType: app.Type, Scopes: app.Scopes, Epoch: corp.Epoch})
}

// AppToken issues a token for an internal or personal app (POST
// /v1.0/oauth2/accessToken). An internal app's token acts for its corp and,
// like a third-party app's, stops working when the corp cancels.
func (s *Tokens) AppToken(ctx context.Context, req *dingtalk.AppTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.AppKey]
	if app == nil || app.Type == AppISVEnterprise || !secretEqual(app.Secret, req.AppSecret) {
		return nil, dingtalk.ErrInvalidClient
	}
	if app.CorpID == "" {
		return s.issue(dingtalk.Claims{AppKey: app.Key, AppType: app.Type, Scopes: app.Scopes})
	}
	corp, err := s.enroll(ctx, app, app.CorpID)
	if err != nil {
		return nil, err
	}
	if err := s.seedQuota(ctx, app, corp.ID); err != nil {
		return nil, err
	}
	return s.issue(dingtalk.Claims{AppKey: app.Key, CorpID: corp.ID, AppType: app.Type, Scopes: app.Scopes, Epoch: corp.Epoch})
}

// enroll returns the corp's record, creating it on an app's first token
// for it. A corp the app's config lists is authorized from the start; any
// other corp authorizes e签宝 through the consent page (AuthUrl). A corp
// belongs to the third-party app whose config lists it; a corp no app
// lists belongs to the first third-party app that gets a token for it
// (AppKey, set in one atomic read-modify-write of the corp on both
// stores). A listed corp some other app claimed before the config named
// it is taken back: AppKey moves and the epoch with it, so the other
// app's tokens stop working. An internal app acts for its own corp
// whichever ISV has it.
func (s *Tokens) enroll(ctx context.Context, app *App, corpID string) (*store.Corp, error) {
	var reclaimed bool
	corp, err := s.store.UpdateCorp(ctx, corpID, func(c *store.Corp) error {
		reclaimed = false // fn may run again on Redis
		if app.Type == AppISVEnterprise && app.owns[c.ID] && c.AppKey != app.Key {
			if c.AppKey != "" {
				c.Epoch++ // the squatter's tokens
				reclaimed = true
			}
			c.AppKey = ""
		}
		if c.AppKey != "" || (app.Type != AppISVEnterprise && c.Installed) {
			return nil
		}
		if app.Type == AppISVEnterprise {
			c.AppKey = app.Key
		}
		c.Installed = true
		if !c.Authorized && app.owns[c.ID] {
			c.Authorized, c.AuthTime = true, s.nowMs()
		}
		c.UpdatedAt = s.nowMs()
		return nil
	})
	if err == nil && reclaimed {
		s.corpChanged(ctx, corpID) // every replica sees the new epoch at once
	}
	return corp, storeError(err, nil)
}

// SuiteToken issues a suite token for a third-party app (POST
// /v1.0/oauth2/suiteAccessToken); it acts for no corp.
func (s *Tokens) SuiteToken(ctx context.Context, req *dingtalk.SuiteTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.SuiteKey]
	if app == nil || app.Type != AppISVEnterprise || !secretEqual(app.Secret, req.SuiteSecret) {
		return nil, dingtalk.ErrInvalidClient
	}
	if req.SuiteTicket == "" {
		return nil, dingtalk.ErrInvalidSuiteTicket
	}
	return s.issue(dingtalk.Claims{AppKey: app.Key, AppType: dingtalk.AppTypeSuite, Scopes: app.Scopes})
}

// Mint issues a corp token without the suite ticket dance, for the `token`
// command, the demo and tests.
func (s *Tokens) Mint(ctx context.Context, appKey, corpID string) (*dingtalk.AccessToken, error) {
	app := s.apps[appKey]
	if app == nil {
		return nil, dingtalk.ErrInvalidSuiteKey
	}
	return s.CorpToken(ctx, &dingtalk.CorpTokenRequest{AuthCorpID: corpID, SuiteKey: app.Key, SuiteSecret: app.Secret, SuiteTicket: "cli"})
}

// KeyIDs returns the ids of the token signing keys, the signing key first;
// the keys themselves never leave dingtalk.Tokens.
func (s *Tokens) KeyIDs() []string { return s.tokens.KeyIDs() }

func (s *Tokens) issue(c dingtalk.Claims) (*dingtalk.AccessToken, error) {
	tok, exp, err := s.tokens.Issue(c)
	if err != nil {
		return nil, err
	}
	return &dingtalk.AccessToken{AccessToken: tok, ExpireIn: exp}, nil
}

func secretEqual(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
