package esign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Errors of VerifyCallback. They say which check failed and nothing more:
// never the signature that was expected.
var (
	ErrCallbackMissing   = errors.New("esign: callback: missing signature headers")
	ErrCallbackAppID     = errors.New("esign: callback: wrong app id")
	ErrCallbackStale     = errors.New("esign: callback: timestamp out of window")
	ErrCallbackSignature = errors.New("esign: callback: signature mismatch")
)

// Callback header names; e签宝 documents them with upper-case suffixes, and
// http.Header.Get ignores case.
const (
	headerCallbackTimestamp = "X-Tsign-Open-TIMESTAMP"
	headerCallbackSignature = "X-Tsign-Open-SIGNATURE"
)

// CallbackRetrySpan covers e签宝's v1 callback retries (callbacks-v1-sign.md:
// 10s,10s,30s,1m,3m,6m,10m,20m,30m,1h,2h,2h,2h,2h, about 9.7 h after the
// first attempt as e签宝 counts it) with a margin.
const CallbackRetrySpan = 12 * time.Hour

// callbackSkew is how far ahead of our clock a timestamp may be.
const callbackSkew = 15 * time.Minute

// CallbackConfig is what VerifyCallback checks a callback against.
type CallbackConfig struct {
	AppID     string
	AppSecret string
	// Window is how old a callback's timestamp may be; zero means
	// CallbackRetrySpan. e签宝 retries a v1 callback 14 times over about
	// 9.7 hours and does not document re-signing a retry with a fresh
	// timestamp, so a genuine late retry is old: replays are made harmless
	// by idempotent application (a finished flow never moves back), not by
	// a freshness window. A timestamp more than 15 minutes ahead is refused.
	Window time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// VerifyCallback checks that a callback comes from e签宝 for cfg.AppID and
// is fresh (esign-openapi.md §5.2). rawQuery is the query of the URL the
// callback was sent to (our notifyUrl's own parameters) and body is the raw
// body as received. The signature is the lower-case hex HMAC-SHA256, keyed
// with the app secret, of the X-Tsign-Open-TIMESTAMP header, the decoded
// query values in key order, and the body.
func VerifyCallback(cfg CallbackConfig, h http.Header, rawQuery string, body []byte) error {
	appID, ts, got := h.Get(headerAppID), h.Get(headerCallbackTimestamp), h.Get(headerCallbackSignature)
	if appID == "" || ts == "" || got == "" {
		return ErrCallbackMissing
	}
	if appID != cfg.AppID {
		return ErrCallbackAppID
	}
	if cfg.AppSecret == "" {
		// An empty key would make every signature easy to forge.
		return fmt.Errorf("%w: no app secret configured", ErrCallbackSignature)
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrCallbackStale
	}
	now, window := time.Now, cfg.Window
	if cfg.Now != nil {
		now = cfg.Now
	}
	if window <= 0 {
		window = CallbackRetrySpan
	}
	if d := now().Sub(time.UnixMilli(ms)); d > window || d < -callbackSkew {
		return ErrCallbackStale
	}
	want := callbackSignature(cfg.AppSecret, ts, rawQuery, body)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(got))) {
		return ErrCallbackSignature
	}
	return nil
}

// callbackSignature is hex(HMAC-SHA256(secret, timestamp + query values
// sorted by key + body)). A repeated key contributes its first value, as
// the official demo's getParameter does.
func callbackSignature(secret, timestamp, rawQuery string, body []byte) string {
	q, _ := url.ParseQuery(rawQuery) // a malformed pair just fails to match
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	for _, k := range keys {
		m.Write([]byte(q.Get(k)))
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
