package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// TestPushCorpAuth: a corp's consent pushes CORP_AUTH SUCCESS with the
// authorization task's id once e签宝 reports the authorization, once
// however often the callback and the page say so (a second POST of the
// used link is refused).
func TestPushCorpAuth(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpB)
			// Corp B is configured, so authorized: it cancels first.
			if res := g.Do("POST", "/v2.0/esign/auths/cancel", g.Token(apitest.CorpB), nil); res.Status != 200 {
				t.Fatalf("CancelCorpAuth: %d %s", res.Status, res.Raw)
			}
			tok := g.Token(apitest.CorpB)
			au := g.Do("POST", "/v2.0/esign/auths/urls", tok, map[string]string{})
			if au.Status != 200 {
				t.Fatalf("GetAuthUrl: %d %s", au.Status, au.Raw)
			}
			page := strings.TrimPrefix(au.JSON["pcUrl"].(string), g.URL)
			if res := g.Consent(page, agree); res.Status != 200 {
				t.Fatalf("consent: %d %s", res.Status, res.Raw)
			}
			if res := g.PostPage(page); res.Status != http.StatusConflict {
				t.Fatalf("second consent POST: %d %s, want 409", res.Status, res.Raw)
			}
			rcv.waitEvents(1)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			evs := rcv.Events()
			if got := statuses(evs); !slices.Equal(got, []string{"CORP_AUTH/SUCCESS"}) || evs[0].TaskID != au.JSON["taskId"] || evs[0].Corp != apitest.CorpB {
				t.Errorf("events: got %v %+v, want one CORP_AUTH SUCCESS of task %v", got, evs, au.JSON["taskId"])
			}
		})
	}
}

// TestPushSlowReceiverDoesNotDelayOtherCorp (issue 13 item 7): corp A's
// noticeUrl holds every request; corp B's event still arrives before any
// of A's pushes has even timed out, and A never holds more than a few
// deliveries at once.
func TestPushSlowReceiverDoesNotDelayOtherCorp(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	var inA, maxA, timedOut atomic.Int64
	arrived, release := make(chan struct{}, 64), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inA.Add(1)
		for m := maxA.Load(); n > m && !maxA.CompareAndSwap(m, n); m = maxA.Load() {
		}
		select {
		case arrived <- struct{}{}:
		default:
		}
		_, _ = io.Copy(io.Discard, r.Body) // so that the server notices the client leaving
		select {
		case <-r.Context().Done(): // the gateway gave up on it
			timedOut.Add(1)
		case <-release:
		}
		inA.Add(-1)
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // runs first
	if res := g.Do("POST", "/v2.0/esign/developers", g.Token(apitest.CorpA), map[string]any{"noticeUrl": slow.URL}); res.Status != 200 {
		t.Fatalf("CreateDevelopers: %d %s", res.Status, res.Raw)
	}
	rcv := newISV(t)
	rcv.subscribe(g, apitest.CorpB)

	tokA := g.Token(apitest.CorpA)
	for range 12 { // twelve tasks: twelve events that may go at once
		g.CreateFlow(tokA, nil)
	}
	for range 4 { // A's receiver is now full
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("corp A's pushes never arrived")
		}
	}
	g.CreateFlow(g.Token(apitest.CorpB), nil)
	rcv.waitEvents(1)
	if n := timedOut.Load(); n != 0 {
		t.Errorf("corp B's event waited for %d of corp A's pushes to time out", n)
	}
	if m := maxA.Load(); m > 4 {
		t.Errorf("corp A's slow receiver held %d deliveries at once, want at most 4", m)
	}
}

// TestPushDeadWithoutNoticeURL (issue 13 item 6): an event for a corp
// without a noticeUrl is moved aside, not rescanned; CreateDevelopers
// brings it back at once.
func TestPushDeadWithoutNoticeURL(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			pushes := make(chan string, 64)
			g := apitest.New(t, apitest.Options{Store: kind, Service: func(c *service.Config) {
				c.Outbox.OnPush = func(outcome string) { pushes <- outcome }
			}})
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			if got := <-pushes; got != "no_notice_url" {
				t.Fatalf("outcome: got %q, want no_notice_url", got)
			}
			st, err := g.Service.Outbox.Stats(context.Background())
			if err != nil || st.Depth != 0 || st.Dead != 1 {
				t.Fatalf("stats: %+v, %v; want 0 live, 1 dead", st, err)
			}
			res := adminCall(g, "GET", "/admin/v1/events/dead", nil)
			var dead service.DeadList
			if res.Status != 200 || json.Unmarshal(res.Raw, &dead) != nil || len(dead.Events) != 1 {
				t.Fatalf("dead events: %d %s", res.Status, res.Raw)
			}
			if d := dead.Events[0]; d.TaskID != taskID || d.CorpID != apitest.CorpA || d.Body == nil || d.Body.BizData.Status != "RUNNING" || d.LastError == "" {
				t.Errorf("dead event: %+v", d)
			}
			if res := g.Do("GET", "/admin/v1/events/dead", "", nil); res.Status != 401 && res.Status != 403 {
				t.Errorf("dead events without the admin token: %d", res.Status)
			}
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpA)
			evs := rcv.waitEvents(1)
			if evs[0].TaskID != taskID || evs[0].Status != "RUNNING" {
				t.Errorf("event after CreateDevelopers: %+v", evs[0])
			}
			rcv.waitFor("an empty outbox", func() bool {
				st, _ := g.Service.Outbox.Stats(context.Background())
				return st.Depth == 0 && st.Dead == 0
			})
		})
	}
}

// TestPushGivesUpThenReplay: after MaxAttempts failures the event is dead
// (not retried forever); an operator replays it once the receiver works.
func TestPushGivesUpThenReplay(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			pushes := make(chan string, 64)
			g := apitest.New(t, apitest.Options{Store: kind, Service: func(c *service.Config) {
				c.Outbox.MaxAttempts = 2
				c.Outbox.OnPush = func(outcome string) { pushes <- outcome }
			}})
			rcv := newISV(t)
			rcv.down.Store(true)
			rcv.subscribe(g, apitest.CorpA)
			g.CreateFlow(g.Token(apitest.CorpA), nil)
			for _, want := range []string{"failed", "gave_up"} {
				if got := <-pushes; got != want {
					t.Fatalf("outcome: got %q, want %q", got, want)
				}
			}
			dead, err := g.Service.Outbox.Dead(context.Background(), 10)
			if err != nil || len(dead) != 1 || dead[0].Attempts != 2 || !strings.Contains(dead[0].LastError, "gave up after 2 attempts") {
				t.Fatalf("dead: %+v, %v", dead, err)
			}
			rcv.down.Store(false)
			res := adminCall(g, "POST", "/admin/v1/events/replay", map[string]string{"eventId": dead[0].ID})
			if res.Status != 200 || res.JSON["tasks"] != float64(1) {
				t.Fatalf("replay: %d %s", res.Status, res.Raw)
			}
			if evs := rcv.waitEvents(1); evs[0].ID != dead[0].ID {
				t.Errorf("replayed event: %+v, want %s", evs[0], dead[0].ID)
			}
		})
	}
}

// TestPushBackoffResetByCreateDevelopers (issue 13 item 11): an event that
// failed waits out its backoff, unless the ISV sets a (new) noticeUrl: then
// it goes at once, whether it was waiting or its attempt to the old URL was
// still in flight when CreateDevelopers ran. The gateway's clock stands
// still, so a waiting event is due again only if CreateDevelopers revives it.
func TestPushBackoffResetByCreateDevelopers(t *testing.T) {
	for _, inFlight := range []bool{false, true} {
		name := map[bool]string{false: "waiting", true: "in flight"}[inFlight]
		t.Run(name, func(t *testing.T) {
			clk := testkit.NewClock(time.Now())
			outcomes := make(chan string, 16)
			g := apitest.New(t, apitest.Options{Service: func(c *service.Config) {
				c.Now = clk.Now
				c.Outbox.OnPush = func(o string) {
					select {
					case outcomes <- o:
					default:
					}
				}
			}})
			tried, release := make(chan struct{}, 16), make(chan struct{})
			old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				tried <- struct{}{}
				if inFlight {
					<-release
				}
				http.Error(w, "down", http.StatusServiceUnavailable)
			}))
			t.Cleanup(old.Close)
			t.Cleanup(func() { closeOnce(release) })
			if res := g.Do("POST", "/v2.0/esign/developers", g.Token(apitest.CorpA), map[string]any{"noticeUrl": old.URL}); res.Status != 200 {
				t.Fatalf("CreateDevelopers: %d %s", res.Status, res.Raw)
			}
			g.CreateFlow(g.Token(apitest.CorpA), nil)
			recv(t, tried, "an attempt at the old noticeUrl")
			if !inFlight {
				// The attempt failed and the event waits out its backoff.
				if o := recv(t, outcomes, "the failed attempt's outcome"); o == "delivered" {
					t.Fatalf("outcome %q from a receiver that answers 503", o)
				}
			}
			fixed := newISV(t)
			fixed.subscribe(g, apitest.CorpA)
			closeOnce(release)
			if evs := fixed.waitEvents(1); evs[0].Status != "RUNNING" {
				t.Errorf("event at the new noticeUrl: %+v", evs[0])
			}
		})
	}
}

// recv takes one value from ch, failing the test after 20 s.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("no %s within 20 s", what)
		panic("unreachable")
	}
}

func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// TestPushEncryptedOptIn: an app with event_crypto gets the same
// documented body, sealed in DingTalk's event crypto.
func TestPushEncryptedOptIn(t *testing.T) {
	g := apitest.New(t, apitest.Options{Config: func(c *gateway.Config) { c.Dingtalk.Apps[0].EventCrypto = true }})
	rcv := newISVWith(t, true)
	rcv.subscribe(g, apitest.CorpA)
	taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
	if evs := rcv.waitEvents(1); evs[0].TaskID != taskID || evs[0].Status != "RUNNING" {
		t.Errorf("sealed event: %+v", evs[0])
	}
}

// TestCallbackMetrics (issue 13 item 11): every callback is counted by
// the handler, forged ones included.
func TestCallbackMetrics(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
	wantAck(t, postCallback(g, signedUpdate(g.FlowID(taskID), g.Participant(taskID, "u1"), 2)))
	forged := callbackReq([]byte(`{"action":"SIGN_FLOW_UPDATE"}`), time.Now())
	forged.Header.Set("X-Tsign-Open-SIGNATURE", strings.Repeat("0", 64))
	for range 3 {
		f := forged.Clone(context.Background())
		f.Body = io.NopCloser(strings.NewReader(`{"action":"SIGN_FLOW_UPDATE"}`))
		if res := g.Serve(f); res.Status != 401 {
			t.Fatalf("forged callback: %d %s", res.Status, res.Raw)
		}
	}
	body := string(g.Do("GET", "/metrics", "", nil).Raw)
	for _, want := range []string{
		`esigngw_callbacks_total{action="SIGN_FLOW_UPDATE",outcome="accepted"} 1`,
		`esigngw_callbacks_total{action="other",outcome="refused"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// adminCall sends a JSON admin request with the admin token.
func adminCall(g *apitest.Gateway, method, path string, body any) *apitest.Response {
	g.T.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return g.Serve(req)
}
