package esign

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// maxAnswer caps how much of an answer is read; e签宝's answers are small
// JSON documents, so anything bigger is cut and fails to decode.
const maxAnswer = 8 << 20

// request is one call as every attempt sends it: the body is serialised
// once and only the timestamp, signature and body reader change per attempt.
type request struct {
	op, method, path string
	query            url.Values
	body             []byte // nil: no body, no Content-MD5
	md5              string
	v                any
	public           bool // no credentials: the token endpoint itself
}

// attempt sends r once, as attempt number n (1-based).
func (c *Client) attempt(ctx context.Context, r *request, token string, n int) error {
	ctx, span := c.startAttempt(ctx, r, n)
	status, err := c.send(ctx, r, token)
	endAttempt(span, status, err)
	var ae *APIError
	if c.tokens != nil && errors.As(err, &ae) && ae.Auth() {
		c.tokens.forget(token)
	}
	return err
}

// send builds, authorises, sends and decodes one attempt under its own
// timeout. It returns the HTTP status too, 0 if there was no answer.
func (c *Client) send(ctx context.Context, r *request, token string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := c.newRequest(ctx, r, token)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, transportError(ctx, r, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return resp.StatusCode, transportError(ctx, r, err)
	}
	return resp.StatusCode, c.decode(r, resp.StatusCode, raw)
}

// newRequest builds the HTTP request and then authorises it, so that the
// signature covers exactly the headers and URL that are sent.
func (c *Client) newRequest(ctx context.Context, r *request, token string) (*http.Request, error) {
	target := c.cfg.BaseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, transportError(ctx, r, err)
	}
	req.Header.Set("Accept", acceptAll)
	// Sent and signed on GETs too, as the official demo does.
	req.Header.Set("Content-Type", contentTypeJSON)
	if r.body != nil {
		req.Header.Set("Content-MD5", r.md5)
	}
	switch {
	case r.public:
	case token != "":
		req.Header.Set(headerAppID, c.cfg.AppID)
		req.Header.Set(headerToken, token)
	default:
		c.signer.sign(req, c.cfg.Now())
	}
	return req, nil
}

// decode turns an answer into nil or an *APIError, filling r.v from data.
// A successful answer is decoded in one pass, envelope and data together;
// anything else takes the careful path below.
func (c *Client) decode(r *request, status int, raw []byte) error {
	if status >= 200 && status <= 299 && r.v != nil {
		fast := struct {
			Code int `json:"code"`
			Data any `json:"data"` // holds r.v, so data is decoded straight into it
		}{Data: r.v}
		if json.Unmarshal(raw, &fast) == nil && fast.Code == 0 {
			return nil
		}
	}
	var env struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	jsonErr := json.Unmarshal(raw, &env)
	if status < 200 || status > 299 {
		// Includes the gateway's {"success":false,"code":401,"message":...},
		// often sent without a Content-Type, so the header is not consulted.
		e := &APIError{HTTPStatus: status, Code: env.Code, Message: env.Message}
		if jsonErr != nil {
			e.Code, e.Message = CodeUndecodable, snippet(raw)
		}
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
		if e.Auth() {
			c.logAuth(r, e)
		}
		return e
	}
	if jsonErr != nil {
		return &APIError{HTTPStatus: status, Code: CodeUndecodable, Message: snippet(raw)}
	}
	if env.Code != 0 {
		return &APIError{HTTPStatus: status, Code: env.Code, Message: env.Message}
	}
	if r.v == nil || len(env.Data) == 0 || string(env.Data) == "null" {
		return nil
	}
	if err := json.Unmarshal(env.Data, r.v); err != nil {
		return &APIError{HTTPStatus: status, Code: CodeUndecodable, Message: snippet(env.Data)}
	}
	return nil
}

// logAuth names the likely cause of a 401 once, at Error level, so that a
// misconfigured deployment is obvious from its log.
func (c *Client) logAuth(r *request, e *APIError) {
	msg := "e签宝 rejected the request signature: check esign.app_id/app_secret and clock"
	if c.tokens != nil {
		msg = "e签宝 rejected the access token: check esign.app_id/app_secret"
	}
	c.log.Error(msg, "message", e.Message, "method", r.method, "path", r.path)
}

// transportError wraps err without its URL, whose query holds the app
// secret on the token endpoint, and marks attempts cut by their deadline.
func transportError(ctx context.Context, r *request, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %v", cerr, err)
	}
	return fmt.Errorf("esign: %s %s: %w", r.method, r.path, err)
}
