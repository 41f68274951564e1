package esign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Client calls e签宝's OpenAPI. It is safe for concurrent use; make one per
// app id and share it, since its breaker, retry budget, token cache and
// stats only mean something when every call goes through them.
type Client struct {
	cfg     Config
	log     *slog.Logger
	http    *http.Client
	signer  signer
	breaker *gobreaker.CircuitBreaker[struct{}]
	budget  budget
	stats   stats
	tokens  *tokenCache // nil in signature mode
}

// New checks cfg, fills in its defaults and returns a Client.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:    cfg,
		log:    cfg.Logger,
		signer: signer{appID: cfg.AppID, secret: cfg.AppSecret},
		budget: newBudget(),
		http: &http.Client{
			Transport: cfg.Transport,
			// A redirect would be followed without a fresh signature; e签宝's
			// API never redirects, so show it to the caller instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.breaker = newBreaker(cfg.BreakerTimeout, c.log)
	if cfg.AuthMode == AuthToken {
		c.tokens = &tokenCache{}
	}
	return c, nil
}

// Do sends one call to e签宝 and decodes the answer's data into v, if v is
// not nil. query parameters with an empty value are left out (e签宝's docs
// and demo disagree on how to sign them). body, if not nil, is sent as JSON,
// serialised once and signed byte for byte. GETs are retried on transport
// errors, timeouts, 429 and 5xx; other methods are sent at most once.
// Failures are *APIError, a timeout (see IsTimeout), a transport error, or
// wrap ErrBreakerOpen.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, v any) error {
	return c.do(ctx, "Do", method, path, query, body, v)
}

// do is Do with the operation name that Observe reports.
func (c *Client) do(ctx context.Context, op, method, path string, query url.Values, body, v any) error {
	r := &request{op: op, method: method, path: path, query: withoutEmpty(query), v: v}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("esign: %s %s: encoding body: %w", method, path, err)
		}
		r.body, r.md5 = b, contentMD5(b)
	}
	return c.run(ctx, r)
}

// run makes a call: up to 1+Retries attempts within CallTimeout.
func (c *Client) run(ctx context.Context, r *request) error {
	if m := meterFrom(ctx); m != nil {
		if err := m(ctx); err != nil {
			return fmt.Errorf("esign: %s %s: %w", r.method, r.path, err)
		}
	}
	start := time.Now()
	ctx, span := c.startCall(ctx, r)
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancel()
	err := c.guarded(ctx, r)
	c.record(r.op, err, time.Since(start))
	endCall(span, err)
	return err
}

// guarded runs a call's attempts through the circuit breaker. The breaker
// counts calls, not attempts: one call's own retries must not trip it.
func (c *Client) guarded(ctx context.Context, r *request) error {
	var callErr error
	_, err := c.breaker.Execute(func() (struct{}, error) {
		callErr = c.attempts(ctx, r)
		if upstreamFailure(callErr) {
			return struct{}{}, callErr
		}
		return struct{}{}, nil
	})
	// Open, or half-open with its probes already in flight.
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return fmt.Errorf("esign: %s %s: %w", r.method, r.path, ErrBreakerOpen)
	}
	return callErr
}

func (c *Client) attempts(ctx context.Context, r *request) error {
	token, err := c.credentials(ctx, r)
	if err != nil {
		return err
	}
	c.budget.deposit()
	for attempt := 0; ; attempt++ {
		err = c.attempt(ctx, r, token, attempt+1)
		if err == nil || r.method != http.MethodGet || !retryable(err) ||
			attempt >= c.cfg.Retries || !c.budget.withdraw() {
			return err
		}
		c.log.Warn("esign: retrying", "op", r.op, "method", r.method, "path", r.path,
			"attempt", attempt+1, "error", err)
		if !c.wait(ctx, attempt) {
			return err
		}
	}
}

// wait sleeps before retry number attempt, or reports false if ctx ends
// first.
func (c *Client) wait(ctx context.Context, attempt int) bool {
	d := c.cfg.Backoff(attempt)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// withoutEmpty drops empty-valued parameters: the doc signs them as a bare
// key, the official demo as "key=", so the only safe value is none.
func withoutEmpty(q url.Values) url.Values {
	out := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" {
			out[k] = vs
		}
	}
	return out
}
