package esign

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// tokenRefreshEarly is how long before its expiry a token is replaced.
// e签宝 tokens live 120 minutes, and fetching a new one retires the old one
// five minutes later, so refreshing earlier than that would cut off calls
// still using it on other instances.
const tokenRefreshEarly = 5 * time.Minute

// tokenCache holds the access token of token auth mode (esign-openapi.md
// §2). Concurrent refreshes are collapsed into one fetch.
type tokenCache struct {
	mu     sync.Mutex
	token  string
	expiry time.Time
	group  singleflight.Group
}

// get returns the cached token if it is not due for a refresh at now.
func (t *tokenCache) get(now time.Time) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token, t.token != "" && now.Before(t.expiry.Add(-tokenRefreshEarly))
}

func (t *tokenCache) set(token string, expiry time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token, t.expiry = token, expiry
}

// forget drops token after e签宝 rejected it, unless it was already
// replaced, so the next call fetches a new one.
func (t *tokenCache) forget(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == token {
		t.token, t.expiry = "", time.Time{}
	}
}

// TokenExpiry is when the cached access token expires; zero in signature
// mode or before the first token is fetched.
func (c *Client) TokenExpiry() time.Time {
	if c.tokens == nil {
		return time.Time{}
	}
	c.tokens.mu.Lock()
	defer c.tokens.mu.Unlock()
	return c.tokens.expiry
}

// credentials returns the token to send with r: "" in signature mode and
// for the token endpoint itself.
func (c *Client) credentials(ctx context.Context, r *request) (string, error) {
	if c.tokens == nil || r.public {
		return "", nil
	}
	if tok, ok := c.tokens.get(c.cfg.Now()); ok {
		return tok, nil
	}
	ch := c.tokens.group.DoChan("token", func() (any, error) {
		// Every waiter shares this fetch, so the first one's cancellation
		// must not end it; run still bounds it by CallTimeout.
		return c.fetchToken(context.WithoutCancel(ctx))
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("esign: waiting for an access token: %w", ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	}
}

// fetchToken gets and caches a new access token.
// GET /v1/oauth2/access_token
func (c *Client) fetchToken(ctx context.Context) (string, error) {
	// A fetch that finished just before this one started already did it.
	if tok, ok := c.tokens.get(c.cfg.Now()); ok {
		return tok, nil
	}
	var data struct {
		Token     string          `json:"token"`
		ExpiresIn json.RawMessage `json:"expiresIn"` // absolute epoch ms, sent as a string
	}
	r := &request{op: "token", method: http.MethodGet, path: "/v1/oauth2/access_token", v: &data, public: true,
		query: url.Values{"appId": {c.cfg.AppID}, "secret": {c.cfg.AppSecret}, "grantType": {"client_credentials"}}}
	if err := c.run(ctx, r); err != nil {
		return "", err
	}
	ms, err := strconv.ParseInt(strings.Trim(string(data.ExpiresIn), `"`), 10, 64)
	if data.Token == "" || err != nil {
		return "", &APIError{HTTPStatus: http.StatusOK, Code: CodeUndecodable,
			Message: "access token answer without a token or a valid expiresIn"}
	}
	c.tokens.set(data.Token, time.UnixMilli(ms))
	return data.Token, nil
}
