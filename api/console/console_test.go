package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// browser is a console user: it keeps the session cookie and reads the
// CSRF token off the pages.
type browser struct {
	t      *testing.T
	g      *apitest.Gateway
	cookie *http.Cookie
	csrf   string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) *apitest.Response {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	res := b.g.Serve(req)
	if m := csrfField.FindSubmatch(res.Raw); m != nil {
		b.csrf = string(m[1])
	}
	return res
}

// login signs in as name and checks the cookie's flags.
func (b *browser) login(name string) *http.Cookie {
	b.t.Helper()
	res := b.do("POST", "/console/login", url.Values{"token": {apitest.AdminToken}, "name": {name}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		b.t.Fatalf("login: %d %s", res.Status, res.Raw)
	}
	cookies := (&http.Response{Header: res.Header}).Cookies()
	if len(cookies) != 1 {
		b.t.Fatalf("login set %d cookies", len(cookies))
	}
	b.cookie = &http.Cookie{Name: cookies[0].Name, Value: cookies[0].Value}
	b.do("GET", "/console/", nil) // reads the CSRF token
	return cookies[0]
}

func TestLoginAndCookie(t *testing.T) {
	for _, tc := range []struct {
		name, publicURL, cookie, path string
		secure                        bool
	}{
		{"http", "", "esigngw_console", "/console", false},
		{"https", "https://gw.example.com", "__Host-esigngw_console", "/", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Config: func(c *gateway.Config) {
				if tc.publicURL != "" {
					c.Server.PublicURL = tc.publicURL
				}
			}})
			b := &browser{t: t, g: g}
			if res := b.do("GET", "/console/", nil); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/login" {
				t.Fatalf("no session: got %d %s, want 303 to the login page", res.Status, res.Header.Get("Location"))
			}
			if res := b.do("POST", "/console/login", url.Values{"token": {"wrong"}, "name": {"eve"}}); res.Status != http.StatusUnauthorized || len(res.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("wrong token: got %d with cookies %v, want 401 and none", res.Status, res.Header.Values("Set-Cookie"))
			}
			c := b.login("alice")
			if c.Name != tc.cookie || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure != tc.secure ||
				c.Path != tc.path || c.MaxAge != int(8*time.Hour/time.Second) {
				t.Errorf("cookie %+v: want %s, HttpOnly, SameSite=Strict, Secure=%v, Path=%s, Max-Age 8h", c, tc.cookie, tc.secure, tc.path)
			}
			for _, p := range []string{"/console/", "/console/corps", "/console/tasks", "/console/events", "/console/bind", "/console/audit"} {
				res := b.do("GET", p, nil)
				if res.Status != 200 || !strings.Contains(string(res.Raw), "console:alice") {
					t.Errorf("GET %s: %d %.200s", p, res.Status, res.Raw)
				}
				if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("GET %s: CSP %q", p, csp)
				}
			}
			res := b.do("POST", "/console/logout", url.Values{"csrf": {b.csrf}})
			if res.Status != http.StatusSeeOther || !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
				t.Errorf("logout: %d %v", res.Status, res.Header.Values("Set-Cookie"))
			}
			log := b.auditLog()
			for _, want := range []string{"logout ok console:alice", "login ok console:alice", "login refused console:eve"} {
				if !strings.Contains(log, want) {
					t.Errorf("audit log %q lacks %q", log, want)
				}
			}
		})
	}
}

// auditLog is the store's audit log as "action outcome who" lines.
func (b *browser) auditLog() string {
	b.t.Helper()
	es, err := b.g.Service.Console.AuditLog(context.Background(), 100)
	if err != nil {
		b.t.Fatal(err)
	}
	var s []string
	for _, e := range es {
		if e.RequestID == "" || e.At == 0 {
			b.t.Errorf("audit entry %+v lacks a request id or time", e)
		}
		s = append(s, e.Action+" "+e.Outcome+" "+e.Who+" "+e.Target)
	}
	return strings.Join(s, "\n")
}

// TestRefusals: a POST needs the session and its CSRF token; a session
// cookie is signed (tampering is refused) and any replica with the same
// admin token accepts it; scripts keep bearer access.
func TestRefusals(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	other := apitest.New(t, apitest.Options{}) // another replica: own process state, same admin token
	b := &browser{t: t, g: g}
	b.login("alice")
	good := b.csrf
	other2 := &browser{t: t, g: other, cookie: b.cookie}
	tampered := &browser{t: t, g: g, cookie: &http.Cookie{Name: b.cookie.Name, Value: strings.Replace(b.cookie.Value, ".", ".x", 1)}}
	anon := &browser{t: t, g: g}
	replayAll := url.Values{"all": {"1"}}
	withCSRF := func(v string) url.Values { return url.Values{"all": {"1"}, "csrf": {v}} }

	for _, tc := range []struct {
		name   string
		b      *browser
		method string
		path   string
		form   url.Values
		want   int
	}{
		{"no session, POST", anon, "POST", "/console/events/replay", withCSRF(good), 401},
		{"no session, GET", anon, "GET", "/console/events", nil, 303},
		{"no CSRF token", b, "POST", "/console/events/replay", replayAll, 403},
		{"wrong CSRF token", b, "POST", "/console/events/replay", withCSRF("AAAA"), 403},
		{"tampered cookie", tampered, "POST", "/console/events/replay", withCSRF(good), 401},
		{"tampered cookie, GET", tampered, "GET", "/console/corps", nil, 303},
		{"other replica", other2, "GET", "/console/corps", nil, 200},
		{"with CSRF token", b, "POST", "/console/events/replay", withCSRF(good), 303},
		{"other replica, same CSRF token", other2, "POST", "/console/events/replay", withCSRF(good), 303},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if res := tc.b.do(tc.method, tc.path, tc.form); res.Status != tc.want {
				t.Errorf("%s %s: got %d, want %d: %.300s", tc.method, tc.path, res.Status, tc.want, res.Raw)
			}
		})
	}
	if log := b.auditLog(); strings.Count(log, "replay 0 task(s) console:alice all dead") != 1 {
		t.Errorf("audit log of g: %q, want the one accepted replay", log)
	}

	req := httptest.NewRequest("GET", "/console/corps", nil)
	req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	if res := g.Serve(req); res.Status != 200 {
		t.Errorf("bearer GET: %d", res.Status)
	}
	req = httptest.NewRequest("POST", "/admin/v1/events/replay", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	if res := g.Serve(req); res.Status != 200 {
		t.Errorf("bearer replay: %d %s", res.Status, res.Raw)
	}
	if log := b.auditLog(); !strings.Contains(log, "POST /admin/v1/events/replay 200 bearer") {
		t.Errorf("audit log %q lacks the bearer replay", log)
	}
}

// receiver is an ISV's noticeUrl: down answers 503; up, it passes on the
// event ids it gets.
type receiver struct {
	mu   sync.Mutex
	down bool
	ids  chan string
	URL  string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{down: true, ids: make(chan string, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		down := r.down
		r.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		r.ids <- req.Header.Get(dingtalk.HeaderEventID)
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/events"
	return r
}

// TestReplayDeadEvent: an event that died (its receiver was down) is
// listed for its corp and task, replayed from the console with the same
// event id, reaches the receiver, and the replay is in the audit log.
func TestReplayDeadEvent(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			outcomes := make(chan string, 16)
			g := apitest.New(t, apitest.Options{Store: kind, Service: func(c *service.Config) {
				c.Outbox.MaxAttempts = 1
				c.Outbox.OnPush = func(o string) { outcomes <- o }
			}})
			rcv := newReceiver(t)
			tok := g.Token(apitest.CorpA)
			if res := g.Do("POST", "/v2.0/esign/developers", tok, map[string]any{"noticeUrl": rcv.URL}); res.Status != 200 {
				t.Fatalf("CreateDevelopers: %d %s", res.Status, res.Raw)
			}
			taskID := g.CreateFlow(tok, nil)
			if err := g.Emulator.Sign(g.FlowID(taskID), g.Participant(taskID, "u1")); err != nil {
				t.Fatal(err)
			}
			waitOutcome(t, outcomes, "gave_up")
			// The signature's callback may still be on its way: its event joins
			// the task's dead ones once it has been taken.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := g.Emulator.WaitCallbacks(ctx); err != nil {
				t.Fatalf("emulator callbacks: %v", err)
			}

			b := &browser{t: t, g: g}
			b.login("bob")
			res := b.do("GET", "/console/events?corp="+apitest.CorpA, nil)
			ids := regexp.MustCompile(`data-event="(ev[0-9a-f]+)"`).FindAllStringSubmatch(string(res.Raw), -1)
			// The start and the first signature: the task's events die together.
			if res.Status != 200 || len(ids) != 2 {
				t.Fatalf("events of the corp: %d, %d replay buttons: %.500s", res.Status, len(ids), res.Raw)
			}
			dead := ids[0][1]
			if res := b.do("GET", "/console/tasks/"+taskID, nil); !strings.Contains(string(res.Raw), dead) || !strings.Contains(string(res.Raw), ">dead<") {
				t.Errorf("task page does not show %s as dead: %.2000s", dead, res.Raw)
			}
			if res := b.do("GET", "/console/corps?prefix="+apitest.CorpA, nil); !strings.Contains(string(res.Raw), "noticeUrl answered 503") {
				t.Errorf("corps page does not show the failing delivery: %.3000s", res.Raw)
			}

			rcv.mu.Lock()
			rcv.down = false
			rcv.mu.Unlock()
			res = b.do("POST", "/console/events/replay", url.Values{"csrf": {b.csrf}, "eventId": {dead}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("replay: %d %s", res.Status, res.Raw)
			}
			select {
			case id := <-rcv.ids:
				if id != dead {
					t.Errorf("receiver got %s, want the same id %s", id, dead)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the replayed event did not arrive")
			}
			select { // the task's second event follows the first
			case id := <-rcv.ids:
				if id != ids[1][1] {
					t.Errorf("receiver got %s second, want %s", id, ids[1][1])
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the task's second event did not arrive")
			}
			// Delivery health: the success after the replay ends the failures.
			waitOutcome(t, outcomes, "delivered")
			waitOutcome(t, outcomes, "delivered")
			if res := b.do("GET", "/console/corps?prefix="+apitest.CorpA, nil); !strings.Contains(string(res.Raw), "no failures") ||
				strings.Contains(string(res.Raw), "last success: —") {
				t.Errorf("corps page after the replay does not show the delivery healthy: %.3000s", res.Raw)
			}
			if log := b.auditLog(); !strings.Contains(log, "replay 1 task(s) console:bob event:"+dead) {
				t.Errorf("audit log %q lacks the replay", log)
			}
		})
	}
}

func waitOutcome(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case o := <-ch:
			if o == want {
				return
			}
		case <-deadline:
			t.Fatalf("no %s push outcome", want)
		}
	}
}

// TestTasksAndBind: the Tasks page finds a task by taskId, flowId and
// corp and lists unfinished flows unchanged past the threshold; the Bind
// form binds a flow another gateway started, and both outcomes of a bind
// are in the audit log.
func TestTasksAndBind(t *testing.T) {
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	g := apitest.New(t, apitest.Options{Service: func(c *service.Config) { c.Now = clock }})
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	flow := g.FlowID(task)
	b := &browser{t: t, g: g}
	b.login("carol")

	if res := b.do("GET", "/console/tasks?q="+task, nil); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/tasks/"+task {
		t.Errorf("find by taskId: %d %s, want 303 to the task", res.Status, res.Header.Get("Location"))
	}
	for _, q := range []string{flow, apitest.CorpA} {
		if res := b.do("GET", "/console/tasks?q="+q, nil); res.Status != 200 || !strings.Contains(string(res.Raw), "/console/tasks/"+task) {
			t.Errorf("find by %s: %d, task not listed", q, res.Status)
		}
	}
	if res := b.do("GET", "/console/tasks?q="+apitest.CorpB, nil); strings.Contains(string(res.Raw), task) {
		t.Errorf("corp-b's tasks list corp-a's task")
	}
	if res := b.do("GET", "/console/tasks?q=%3Cscript%3E", nil); res.Status != 400 {
		t.Errorf("a query that is no id: %d, want 400", res.Status)
	}
	stuck := func() bool {
		res := b.do("GET", "/console/tasks?stuck=1h", nil)
		i := strings.Index(string(res.Raw), `id="stuck"`)
		return res.Status == 200 && i > 0 && strings.Contains(string(res.Raw[i:]), task)
	}
	if stuck() {
		t.Error("a flow started just now is listed as stuck")
	}
	skew.Store(int64(2 * time.Hour))
	if !stuck() {
		t.Error("a flow unchanged for 2h is not listed as stuck past 1h")
	}
	if res := b.do("GET", "/console/tasks/"+task, nil); res.Status != 200 || !strings.Contains(string(res.Raw), flow) {
		t.Errorf("task page: %d", res.Status)
	}
	if res := b.do("GET", "/console/tasks/nosuchtask", nil); res.Status != 404 && res.Status != 400 {
		t.Errorf("unknown task page: %d", res.Status)
	}

	// Bind the flow into a second gateway on the same e签宝 (a migration).
	g2 := apitest.New(t, apitest.Options{Emulator: g.Emulator})
	b2 := &browser{t: t, g: g2}
	b2.login("dave")
	res := b2.do("POST", "/console/bind", url.Values{"csrf": {b2.csrf}, "corpId": {apitest.CorpA}, "flowId": {flow}})
	m := regexp.MustCompile(`id="bound-task" href="/console/tasks/(tk[0-9a-f]+)"`).FindSubmatch(res.Raw)
	if res.Status != 200 || m == nil {
		t.Fatalf("bind: %d %.2000s", res.Status, res.Raw)
	}
	if res := b2.do("POST", "/console/bind", url.Values{"csrf": {b2.csrf}, "corpId": {apitest.CorpA}, "flowId": {"nosuchflow"}}); res.Status != 400 || !strings.Contains(string(res.Raw), "flowNotExists") {
		t.Errorf("bind of an unknown flow: %d %.500s", res.Status, res.Raw)
	}
	log := b2.auditLog()
	for _, want := range []string{"bind task " + string(m[1]) + " console:dave corp:corp-a flow:" + flow, "bind failed: flowNotExists"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log %q lacks %q", log, want)
		}
	}
}
