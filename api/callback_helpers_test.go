package api_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// Event keys of the test suite app (apitest), for the test ISV receiver.
const (
	testEventToken  = "test-event-token"
	testEventAESKey = "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"
)

// callbackSig is e签宝's callback signature (esign-openapi.md §5.2) for a
// notify URL without query parameters.
func callbackSig(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// callbackReq builds a callback as e签宝 sends it, signed with the test app.
func callbackReq(body []byte, ts time.Time) *http.Request {
	req := httptest.NewRequest("POST", "/esign/callback", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Tsign-Open-App-Id", apitest.EsignAppID)
	req.Header.Set("X-Tsign-Open-TIMESTAMP", strconv.FormatInt(ts.UnixMilli(), 10))
	req.Header.Set("X-Tsign-Open-SIGNATURE", callbackSig(apitest.EsignSecret, ts.UnixMilli(), body))
	req.Header.Set("X-Tsign-Open-SIGNATURE-ALGORITHM", "hmac-sha256")
	return req
}

// postCallback sends a signed callback body (a value is sent as JSON).
func postCallback(g *apitest.Gateway, body any) *apitest.Response {
	g.T.Helper()
	raw, ok := body.([]byte)
	if !ok {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			g.T.Fatal(err)
		}
	}
	return g.Serve(callbackReq(raw, time.Now()))
}

// wantAck checks the answer e签宝 gets for an accepted callback.
func wantAck(t *testing.T, res *apitest.Response) {
	t.Helper()
	if res.Status != 200 || res.JSON["code"] != "200" || res.JSON["msg"] != "success" {
		t.Fatalf("callback: got %d %s, want 200 {\"code\":\"200\",\"msg\":\"success\"}", res.Status, res.Raw)
	}
}

// isv is a test ISV: an event receiver on a loopback port written from
// DingTalk's event page (dingtalk-docs/0372-esign-events.md): it parses
// each body strictly as documented and answers 200, and checks the
// gateway's signature headers. While down it answers 503.
type isv struct {
	t        *testing.T
	URL      string
	down     atomic.Bool
	failures atomic.Int64
	mu       sync.Mutex
	events   []pushed
	raw      []string
	notify   chan struct{}
}

// pushed is one event as the documented receiver saw it.
type pushed struct {
	Action, TaskID, Status string
	FinishTime             int64
	ID, Corp               string // from the X-Esigngw-* headers
}

// pageEvent is the body as DingTalk's page shows it, field for field.
type pageEvent struct {
	Action  string  `json:"action"`
	TaskID  *string `json:"taskId"`
	BizData *struct {
		Status     string `json:"status"`
		FinishTime *int64 `json:"finishTime"`
	} `json:"bizData"`
}

// parseDocumented reads a pushed body exactly as the page documents it.
func parseDocumented(body []byte) (pushed, error) {
	var ev pageEvent
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return pushed{}, err
	}
	if ev.TaskID == nil || ev.BizData == nil {
		return pushed{}, fmt.Errorf("taskId and bizData are documented fields: %s", body)
	}
	p := pushed{Action: ev.Action, TaskID: *ev.TaskID, Status: ev.BizData.Status}
	if !documentedStatus(ev.Action, p.Status) {
		return pushed{}, fmt.Errorf("action %q with status %q is not documented", ev.Action, p.Status)
	}
	// finishTime has a value only when the status is FINISH.
	if (ev.BizData.FinishTime != nil) != (p.Status == "FINISH") {
		return pushed{}, fmt.Errorf("finishTime set on %s/%s: %s", ev.Action, p.Status, body)
	}
	if ev.BizData.FinishTime != nil {
		p.FinishTime = *ev.BizData.FinishTime
	}
	return p, nil
}

// documentedStatus holds a status to the page's table (docEvents).
func documentedStatus(action, status string) bool {
	for _, de := range docEvents {
		for _, en := range de.Enums {
			if de.Action != action || en.Field != "bizData.status" {
				continue
			}
			for _, v := range en.Values {
				if v.Value == status {
					return true
				}
			}
		}
	}
	return false
}

func newISV(t *testing.T) *isv { return newISVWith(t, false) }

// newISVWith is newISV; with sealed, bodies arrive in DingTalk's event
// crypto (an app with event_crypto) and are opened first.
func newISVWith(t *testing.T, sealed bool) *isv {
	c, err := dingtalk.NewEventCrypto(testEventToken, testEventAESKey, apitest.SuiteKey)
	if err != nil {
		t.Fatal(err)
	}
	r := &isv{t: t, notify: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if r.down.Load() {
			r.failures.Add(1)
			r.poke()
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		raw, _ := io.ReadAll(req.Body)
		if err := dingtalk.VerifyEvent(testEventToken, req.Header, raw, time.Now(), 0); err != nil {
			t.Errorf("isv: %v", err)
		}
		body := raw
		if sealed {
			var env struct {
				Encrypt string `json:"encrypt"`
			}
			q := req.URL.Query()
			if json.Unmarshal(raw, &env) != nil {
				t.Errorf("isv: sealed body is not {\"encrypt\":…}: %s", raw)
			}
			if body, err = c.Decrypt(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), env.Encrypt); err != nil {
				t.Errorf("isv: decrypt: %v", err)
			}
		}
		ev, err := parseDocumented(body)
		if err != nil {
			t.Errorf("isv: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ev.ID, ev.Corp = req.Header.Get(dingtalk.HeaderEventID), req.Header.Get(dingtalk.HeaderEventCorp)
		r.mu.Lock()
		r.events = append(r.events, ev)
		r.raw = append(r.raw, string(body))
		r.mu.Unlock()
		r.poke()
		w.WriteHeader(http.StatusOK) // the page asks for a 200
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/dingtalk/events?from=esign"
	return r
}

func (r *isv) poke() {
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// Events returns a copy of what arrived so far.
func (r *isv) Events() []pushed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pushed(nil), r.events...)
}

// statuses are the events' actions and statuses, e.g. "SIGN/RUNNING".
func statuses(evs []pushed) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.Action+"/"+e.Status)
	}
	return out
}

// waitFor returns once cond holds, checking after every arrival or failed
// attempt and every 20 ms (for conditions on the gateway's side, such as
// its outbox draining); it fails the test after 20 s.
func (r *isv) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-r.notify:
		case <-tick.C:
		case <-deadline.C:
			r.t.Fatalf("isv: timed out waiting for %s; got %d events: %v", what, len(r.Events()), r.raw)
		}
	}
}

// waitEvents waits for at least n events and returns them.
func (r *isv) waitEvents(n int) []pushed {
	r.t.Helper()
	r.waitFor(strconv.Itoa(n)+" events", func() bool { return len(r.Events()) >= n })
	return r.Events()
}

// subscribe makes the ISV the noticeUrl of corp (CreateDevelopers).
func (r *isv) subscribe(g *apitest.Gateway, corp string) {
	r.t.Helper()
	res := g.Do("POST", "/v2.0/esign/developers", g.Token(corp), map[string]any{"noticeUrl": r.URL})
	if res.Status != 200 {
		r.t.Fatalf("CreateDevelopers: %d %s", res.Status, res.Raw)
	}
}

// waitCallbacks waits until the emulator has delivered every callback.
func waitCallbacks(t *testing.T, g *apitest.Gateway) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := g.Emulator.WaitCallbacks(ctx); err != nil {
		t.Fatalf("emulator callbacks: %v", err)
	}
}

// storedLogs returns a task's log from the store.
func storedLogs(t *testing.T, g *apitest.Gateway, taskID string) []store.LogEntry {
	t.Helper()
	l, err := g.Store.Logs(context.Background(), taskID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// storedTask returns a task from the store.
func storedTask(t *testing.T, g *apitest.Gateway, taskID string) *store.Task {
	t.Helper()
	tk, err := g.Store.Task(context.Background(), taskID)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// outboxDepth is the number of events not yet delivered.
func outboxDepth(t *testing.T, g *apitest.Gateway) int64 {
	t.Helper()
	st, err := g.Service.Outbox.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Depth
}

// countKey counts log entries with key.
func countKey(l []store.LogEntry, key string) int {
	n := 0
	for _, e := range l {
		if e.Key == key {
			n++
		}
	}
	return n
}
