package service

import (
	"context"
	"crypto/subtle"
	"net/http"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// TokenHeader is where DingTalk clients send their access token.
const TokenHeader = "x-acs-dingtalk-access-token"

// tokenHeaderKey is TokenHeader in canonical form, so reading it costs no
// per-request canonicalisation (TestTokenHeaderKey checks they agree).
const tokenHeaderKey = "X-Acs-Dingtalk-Access-Token"

// Authenticate verifies the caller's access token (middleware.Authenticator):
// signature, expiry, issuer, audience, a configured third-party enterprise
// app, and the corp's revocation epoch. Only third-party enterprise apps may
// call e签宝 actions (the permission table of DingTalk's docs); internal and
// personal apps get 403 AccessTokenPermissionDenied.
func (s *Service) Authenticate(r *http.Request) (context.Context, error) {
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
	if c.AppType != AppISVEnterprise || app.Type != AppISVEnterprise || c.CorpID == "" {
		return nil, dingtalk.ErrPermissionDenied
	}
	view, err := s.corps.get(r.Context(), c.CorpID)
	if err != nil {
		return nil, dingtalk.ErrUnavailable.Wrap(err)
	}
	if !view.exists || view.epoch != c.Epoch {
		return nil, dingtalk.RevokedToken("corp authorization cancelled")
	}
	return dingtalk.WithClaims(r.Context(), c), nil
}

// CorpToken issues a token for a third-party enterprise app acting for a
// corp (POST /v1.0/oauth2/corpAccessToken).
func (s *Service) CorpToken(ctx context.Context, req *dingtalk.CorpTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.SuiteKey]
	if app == nil || app.Type != AppISVEnterprise || !secretEqual(app.Secret, req.SuiteSecret) {
		return nil, dingtalk.ErrInvalidSuiteKey
	}
	if req.SuiteTicket == "" {
		return nil, dingtalk.ErrInvalidSuiteTicket
	}
	if req.AuthCorpID == "" || !validID(req.AuthCorpID) || (len(app.Corps) > 0 && !contains(app.Corps, req.AuthCorpID)) {
		return nil, dingtalk.ErrInvalidAuthInfo
	}
	corp, err := s.store.UpdateCorp(ctx, req.AuthCorpID, func(c *store.Corp) error {
		if c.AppKey == "" {
			c.AppKey = app.Key
			c.Installed = true
			// A corp the config lists is authorized from the start; any
			// other corp authorizes through the consent page (AuthUrl).
			c.Authorized = contains(app.Corps, c.ID)
			if c.Authorized {
				c.AuthTime = s.nowMs()
			}
			c.UpdatedAt = s.nowMs()
		}
		return nil
	})
	if err != nil {
		return nil, storeError(err, nil)
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
// /v1.0/oauth2/accessToken). Such tokens are valid but may not call e签宝
// actions.
func (s *Service) AppToken(ctx context.Context, req *dingtalk.AppTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.AppKey]
	if app == nil || app.Type == AppISVEnterprise || !secretEqual(app.Secret, req.AppSecret) {
		return nil, dingtalk.ErrInvalidClient
	}
	return s.issue(dingtalk.Claims{AppKey: app.Key, CorpID: app.CorpID, AppType: app.Type, Scopes: app.Scopes})
}

// SuiteToken issues a suite token for a third-party app (POST
// /v1.0/oauth2/suiteAccessToken); it acts for no corp.
func (s *Service) SuiteToken(ctx context.Context, req *dingtalk.SuiteTokenRequest) (*dingtalk.AccessToken, error) {
	app := s.apps[req.SuiteKey]
	if app == nil || app.Type != AppISVEnterprise || !secretEqual(app.Secret, req.SuiteSecret) {
		return nil, dingtalk.ErrInvalidClient
	}
	if req.SuiteTicket == "" {
		return nil, dingtalk.ErrInvalidSuiteTicket
	}
	return s.issue(dingtalk.Claims{AppKey: app.Key, AppType: appSuite, Scopes: app.Scopes})
}

// MintToken issues a corp token without the suite ticket dance, for the
// `token` command and the demo.
func (s *Service) MintToken(ctx context.Context, appKey, corpID string) (*dingtalk.AccessToken, error) {
	app := s.apps[appKey]
	if app == nil {
		return nil, dingtalk.ErrInvalidSuiteKey
	}
	return s.CorpToken(ctx, &dingtalk.CorpTokenRequest{AuthCorpID: corpID, SuiteKey: app.Key, SuiteSecret: app.Secret, SuiteTicket: "cli"})
}

func (s *Service) issue(c dingtalk.Claims) (*dingtalk.AccessToken, error) {
	tok, exp, err := s.tokens.Issue(c)
	if err != nil {
		return nil, err
	}
	return &dingtalk.AccessToken{AccessToken: tok, ExpireIn: exp}, nil
}

// caller returns the verified claims of the request; Authenticate put them there.
func caller(ctx context.Context) *dingtalk.Claims {
	if c := dingtalk.ClaimsFrom(ctx); c != nil {
		return c
	}
	return &dingtalk.Claims{}
}

func secretEqual(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
