package api_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/test/testkit"
)

const (
	limitedRoute = "/v2.0/esign/margins"
	limitN       = 4
)

// rejections counts OnReject calls by route.
type rejections struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *rejections) add(route string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[route]++
}

func (r *rejections) get(route string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[route]
}

// limited returns Options whose gateway limits limitedRoute to limitN calls
// per second (every other action keeps the default of 20) and counts
// refusals in rej.
func limited(o apitest.Options, rej *rejections) apitest.Options {
	o.Router = func(d *api.Config) {
		d.RateLimit.PerAPI, d.RateLimit.OnReject = map[string]int{limitedRoute: limitN}, rej.add
	}
	return o
}

// burst sends n calls to limitedRoute round-robin over gws and returns the
// statuses in order and how long the burst took.
func burst(t *testing.T, gws []*apitest.Gateway, token string, n int) ([]*apitest.Response, time.Duration) {
	t.Helper()
	start := time.Now()
	var out []*apitest.Response
	for i := 0; i < n; i++ {
		out = append(out, gws[i%len(gws)].Do("GET", limitedRoute, token, nil))
	}
	return out, time.Since(start)
}

// checkBurst asserts that the first limitN calls got through (status
// passed, for example 200 or 503 when the store is down) and the rest were
// refused as DingTalk does. A bucket refills limitN tokens a second, so a
// slow burst may see a few more get through; that many are tolerated.
func checkBurst(t *testing.T, res []*apitest.Response, took time.Duration, passed int) {
	t.Helper()
	refill := int(took.Seconds() * limitN)
	ok, refused := 0, 0
	for i, r := range res {
		switch {
		case r.Status == passed:
			ok++
			if i >= limitN && ok > limitN+refill {
				t.Errorf("call %d got %d, want 403 after %d calls", i, r.Status, limitN)
			}
		case r.Status == 403:
			refused++
			if i < limitN {
				t.Errorf("call %d refused within the limit of %d: %s", i, limitN, r.Raw)
			}
			checkError(t, r, "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi")
		default:
			t.Errorf("call %d: got %d %s, want %d or 403", i, r.Status, r.Raw, passed)
		}
	}
	if ok < limitN || ok > limitN+refill {
		t.Errorf("%d of %d calls passed in %v, want %d (+%d refilled)", ok, len(res), took, limitN, refill)
	}
}

// TestRateLimit: a burst of N+5 calls at a limit of N gets exactly N
// through and then 403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi; the
// limit is per app, corp and API.
func TestRateLimit(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			var rej rejections
			g := apitest.New(t, limited(apitest.Options{Store: kind}, &rej))
			tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
			res, took := burst(t, []*apitest.Gateway{g}, tokA, limitN+5)
			checkBurst(t, res, took, 200)
			if got, want := rej.get(limitedRoute), len(res)-countStatus(res, 200); got != want {
				t.Errorf("OnReject counted %d refusals, want %d", got, want)
			}
			// Another corp of the same app and another action have their own budgets.
			if r := g.Do("GET", limitedRoute, tokB, nil); r.Status != 200 {
				t.Errorf("corp B on the same action: got %d %s, want 200", r.Status, r.Raw)
			}
			if r := g.Do("GET", "/v2.0/esign/corps/appStatus", tokA, nil); r.Status != 200 {
				t.Errorf("corp A on another action: got %d %s, want 200", r.Status, r.Raw)
			}
		})
	}
}

// TestRateLimitAcrossReplicas: two gateways on one Redis share the limit,
// so calls spread over both still get only N through.
func TestRateLimitAcrossReplicas(t *testing.T) {
	var rej rejections
	g1 := apitest.New(t, limited(apitest.Options{Store: "redis"}, &rej))
	g2 := apitest.New(t, limited(apitest.Options{Store: "redis", RedisAddr: g1.RedisAddr, Emulator: g1.Emulator}, &rej))
	tok := g1.Token(apitest.CorpA)
	res, took := burst(t, []*apitest.Gateway{g1, g2}, tok, 2*limitN+5)
	checkBurst(t, res, took, 200)
}

// TestRateLimitFailsOpen: with Redis killed the limit falls back to the
// replica's own limiter: N calls get past it (to answer 503, as the action
// needs the store), then 403 again.
func TestRateLimitFailsOpen(t *testing.T) {
	var rej rejections
	logs := &testkit.Buffer{}
	g := apitest.New(t, limited(apitest.Options{Store: "redis", Log: logs}, &rej))
	tok := g.Token(apitest.CorpA)
	if r := g.Do("GET", limitedRoute, tok, nil); r.Status != 200 {
		t.Fatalf("before the outage: got %d %s", r.Status, r.Raw)
	}
	g.Redis.Kill()
	res, took := burst(t, []*apitest.Gateway{g}, tok, limitN+5)
	checkBurst(t, res, took, 503)
	for _, r := range res {
		if r.Status == 503 {
			checkError(t, r, "serviceBusy")
		}
	}
	checkNoSecrets(t, logs.String(), tok)
}

func countStatus(res []*apitest.Response, status int) int {
	n := 0
	for _, r := range res {
		if r.Status == status {
			n++
		}
	}
	return n
}

// TestTokenEndpointsThrottled (issue 13 item 10): wrong secrets cannot be
// tried at speed. The token endpoints are limited per client address and
// per app key, with DingTalk's 403 JSON; another app from another address
// has its own budget.
func TestTokenEndpointsThrottled(t *testing.T) {
	const qps = 5
	g := apitest.New(t, apitest.Options{Router: func(d *api.Config) { d.RateLimit.Token = qps }})
	guess := func(addr, path string, body map[string]string) *apitest.Response {
		b, _ := json.Marshal(body)
		req := httptest.NewRequest("POST", path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		return g.Serve(req)
	}
	wrong := map[string]string{"suiteKey": apitest.SuiteKey, "suiteSecret": "guess", "authCorpId": apitest.CorpA, "suiteTicket": "t"}
	const n = 40
	start := time.Now()
	var refused int
	for i := 0; i < n; i++ {
		res := guess("198.51.100.7:4000", "/v1.0/oauth2/corpAccessToken", wrong)
		switch res.Status {
		case 403:
			refused++
			checkError(t, res, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi")
		case 400: // the wrong secret, judged
		default:
			t.Fatalf("guess %d: %d %s", i, res.Status, res.Raw)
		}
	}
	// GCRA lets the limit through at once and then the rate: the count
	// allowed is bounded by the time the burst took, not by a wall clock.
	allowed, maxAllowed := n-refused, qps+int(time.Since(start).Seconds()*qps)+1
	t.Logf("%d guesses in %v: %d judged, %d refused", n, time.Since(start), allowed, refused)
	if allowed > maxAllowed {
		t.Errorf("%d guesses judged, want at most %d at %d/s", allowed, maxAllowed, qps)
	}
	// The same app from a new address is still limited (per app key)...
	if res := guess("203.0.113.9:5000", "/v1.0/oauth2/corpAccessToken", wrong); res.Status != 403 {
		t.Errorf("the same app from another address: %d %s, want 403", res.Status, res.Raw)
	}
	// ...while another app from another address is not.
	other := map[string]string{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret}
	if res := guess("203.0.113.10:5000", "/v1.0/oauth2/accessToken", other); res.Status != 200 {
		t.Errorf("another app from another address: %d %s, want 200", res.Status, res.Raw)
	}
}
