package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
	"esign-gateway/esign"
)

// raw sends head (and no body beyond what it holds) on a new connection
// to the gateway and returns the answer. The connection stays open for
// writing, so an answer proves the gateway decided without the body.
func raw(t *testing.T, base, head string) (int, map[string]any, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second)) // hang guard only
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m, res.Header.Get("Content-Type")
}

// TestOpenRoutesRefuseByDeclaredLength: the routes without a token (the
// e签宝 callback and the token endpoints) answer from the headers alone,
// before reading a byte of the body: a declared length over the route's
// small limit gets 413 JSON (the token endpoints send the code
// documentErrors gives a body too
// large on every DingTalk action). The body is never sent; the answer
// comes anyway.
func TestOpenRoutesRefuseByDeclaredLength(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	cb := g.Gateway.Services.Callbacks.Path()
	for _, tt := range []struct {
		name, path, headers string
		status              int
		code                string
	}{
		{"callback too big", cb, "Content-Length: 100000\r\n", 413, "invalidRequest.bodyTooLarge"},
		{"app token too big", "/v1.0/oauth2/accessToken", "Content-Length: 5000\r\n", 413, "invalidRequest.invalidAguemnts"},
		{"corp token too big", "/v1.0/oauth2/corpAccessToken", "Content-Length: 1000000\r\n", 413, "invalidRequest.invalidAguemnts"},
		{"suite token too big", "/v1.0/oauth2/suiteAccessToken", "Content-Length: 4097\r\n", 413, "invalidRequest.invalidAguemnts"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			head := "POST " + tt.path + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n" + tt.headers + "\r\n"
			st, body, ct := raw(t, g.URL, head)
			if st != tt.status || body["code"] != tt.code || body["requestid"] == nil || !strings.HasPrefix(ct, "application/json") {
				t.Errorf("got %d %s %v, want %d %s JSON", st, ct, body, tt.status, tt.code)
			}
		})
	}
	// A token request of ordinary size still works.
	res := g.Do("POST", "/v1.0/oauth2/accessToken", "", map[string]any{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret})
	if res.Status != 200 {
		t.Errorf("token: got %d %s", res.Status, res.Raw)
	}
}

// parkTransport parks every e签宝 call while armed, telling entered, until
// release is closed.
type parkTransport struct {
	armed   atomic.Bool
	entered chan struct{}
	release chan struct{}
}

func (p *parkTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if p.armed.Load() {
		p.entered <- struct{}{}
		<-p.release
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestInFlightCapSheds: with server.max_in_flight 2 and two calls held
// inside e签宝, a third call is answered at once with DingTalk's 503
// serviceBusy JSON (and Retry-After), the probes still answer, and once
// the held calls end the gateway takes calls again.
func TestInFlightCapSheds(t *testing.T) {
	park := &parkTransport{entered: make(chan struct{}), release: make(chan struct{})}
	g := apitest.New(t, apitest.Options{
		Config: func(c *gateway.Config) { c.Server.MaxInFlight, c.Server.TenantShare = 2, 1 },
		Esign:  func(c *esign.Config) { c.Transport = park; c.CallTimeout, c.Timeout = time.Minute, time.Minute },
	})
	tok := g.Token(apitest.CorpA)
	file := g.Upload(tok, "a.pdf", apitest.PDF)
	path := "/v2.0/esign/files/" + file
	park.armed.Store(true)
	done := make(chan int, 2)
	for range 2 {
		go func() { done <- g.Do("GET", path, tok, nil).Status }()
		<-park.entered // the call holds a slot, inside e签宝
	}
	// The third call must be answered without reaching e签宝: if it
	// parks there too, the cap did not hold.
	third := make(chan *apitest.Response, 1)
	go func() { third <- g.Do("GET", path, tok, nil) }()
	var res *apitest.Response
	select {
	case res = <-third:
	case <-park.entered:
		t.Fatal("a third call reached e签宝 past max_in_flight 2")
	}
	if res.Status != 503 || res.JSON["code"] != "serviceBusy" || res.JSON["requestid"] == nil {
		t.Errorf("third call: got %d %s, want 503 serviceBusy JSON", res.Status, res.Raw)
	}
	if r := g.Do("GET", "/livez", "", nil); r.Status != 200 {
		t.Errorf("livez while full: got %d", r.Status)
	}
	park.armed.Store(false)
	close(park.release)
	for range 2 {
		if st := <-done; st != 200 {
			t.Errorf("held call: got %d, want 200", st)
		}
	}
	if res := g.Do("GET", path, tok, nil); res.Status != 200 {
		t.Errorf("after the held calls: got %d %s, want 200", res.Status, res.Raw)
	}
}

// TestBodyBytesInFlightSheds: server.max_body_in_flight counts the bodies
// of the requests being handled. With room for one CreateProcess body and
// that one held inside e签宝, a second CreateProcess is answered at once
// with 503 serviceBusy JSON, never reaching e签宝, though the request cap
// has room; once the first ends, the same request goes through.
func TestBodyBytesInFlightSheds(t *testing.T) {
	park := &parkTransport{entered: make(chan struct{}), release: make(chan struct{})}
	var body map[string]any
	g := apitest.New(t, apitest.Options{
		Esign: func(c *esign.Config) { c.Transport = park; c.CallTimeout, c.Timeout = time.Minute, time.Minute },
		Config: func(c *gateway.Config) {
			c.Server.MaxInFlight, c.Server.TenantShare = 100, 1
			c.Server.MaxBodyInFlight = 400 // one body below, not two
		},
	})
	tok := g.Token(apitest.CorpA)
	file := g.Upload(tok, "a.pdf", apitest.PDF)
	body = map[string]any{"taskName": "劳动合同", "initiatorUserId": "u1",
		"files":        []map[string]any{{"fileId": file, "fileName": "a.pdf", "fileType": 1}},
		"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u9", "accountName": "张三", "signRequirements": "1", "signOrder": 1}}}
	if raw, _ := json.Marshal(body); len(raw) > 400 || 2*len(raw) <= 400 {
		t.Fatalf("the body is %d bytes: the test needs one to fit in 400 and two not", len(raw))
	}
	park.armed.Store(true)
	first := make(chan *apitest.Response, 1)
	go func() { first <- g.Call("CreateProcess", "esign_2.0", tok, body) }()
	<-park.entered // the first holds its body's bytes, inside e签宝
	second := make(chan *apitest.Response, 1)
	go func() { second <- g.Call("CreateProcess", "esign_2.0", tok, body) }()
	var res *apitest.Response
	select {
	case res = <-second:
	case <-park.entered:
		t.Fatal("a second body reached e签宝 past max_body_in_flight")
	}
	if res.Status != 503 || res.JSON["code"] != "serviceBusy" || res.Header.Get("Retry-After") != "1" {
		t.Errorf("second CreateProcess: got %d %s, want 503 serviceBusy JSON with Retry-After", res.Status, res.Raw)
	}
	park.armed.Store(false)
	close(park.release)
	if r := <-first; r.Status != 200 {
		t.Errorf("held CreateProcess: got %d %s", r.Status, r.Raw)
	}
	if r := g.Call("CreateProcess", "esign_2.0", tok, body); r.Status != 200 {
		t.Errorf("after the held one: got %d %s, want 200", r.Status, r.Raw)
	}
}

// TestTenantShareSheds: with 8 request slots and a quarter each per app
// and corp, corp A holding 2 calls inside e签宝 gets 503 serviceBusy for a
// third at once, while corp B's call still goes through to e签宝.
func TestTenantShareSheds(t *testing.T) {
	park := &parkTransport{entered: make(chan struct{}), release: make(chan struct{})}
	g := apitest.New(t, apitest.Options{
		Config: func(c *gateway.Config) { c.Server.MaxInFlight, c.Server.TenantShare = 8, 0.25 },
		Esign:  func(c *esign.Config) { c.Transport = park; c.CallTimeout, c.Timeout = time.Minute, time.Minute },
	})
	tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
	pathA, pathB := "/v2.0/esign/files/"+g.Upload(tokA, "a.pdf", apitest.PDF), "/v2.0/esign/files/"+g.Upload(tokB, "b.pdf", apitest.PDF)
	park.armed.Store(true)
	done := make(chan int, 3)
	for range 2 {
		go func() { done <- g.Do("GET", pathA, tokA, nil).Status }()
		<-park.entered
	}
	third := make(chan *apitest.Response, 1)
	go func() { third <- g.Do("GET", pathA, tokA, nil) }()
	select {
	case res := <-third:
		if res.Status != 503 || res.JSON["code"] != "serviceBusy" {
			t.Errorf("corp A's third call: got %d %s, want 503 serviceBusy JSON", res.Status, res.Raw)
		}
	case <-park.entered:
		t.Fatal("corp A's third call reached e签宝 past its share of 2")
	}
	go func() { done <- g.Do("GET", pathB, tokB, nil).Status }()
	<-park.entered // corp B's call reached e签宝 while corp A held its share
	park.armed.Store(false)
	close(park.release)
	for range 3 {
		if st := <-done; st != 200 {
			t.Errorf("held call: got %d, want 200", st)
		}
	}
}
