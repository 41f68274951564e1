package esigntest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver collects callbacks, checking each signature as §5.2 describes.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	events []map[string]any
	hits   int
	// fail answers the first fail requests with 500.
	fail int
	// hang blocks requests until the caller gives up.
	hang bool
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.hits++
	failing, hang := rc.hits <= rc.fail, rc.hang
	rc.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	if failing {
		w.WriteHeader(500)
		return
	}
	ts := r.Header.Get("X-Tsign-Open-TIMESTAMP")
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	data := ts
	for _, k := range keys {
		data += q.Get(k)
	}
	m := hmac.New(sha256.New, []byte(testSecret))
	m.Write([]byte(data))
	m.Write(body)
	if got, want := r.Header.Get("X-Tsign-Open-SIGNATURE"), hex.EncodeToString(m.Sum(nil)); !strings.EqualFold(got, want) {
		rc.t.Errorf("callback signature mismatch")
	}
	if r.Header.Get("X-Tsign-Open-App-Id") != testAppID || r.Header.Get("X-Tsign-Open-SIGNATURE-ALGORITHM") != "hmac-sha256" || len(ts) != 13 {
		rc.t.Errorf("callback headers: %v", r.Header)
	}
	var ev map[string]any
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.t.Errorf("callback body %s: %v", body, err)
	}
	rc.mu.Lock()
	rc.events = append(rc.events, ev)
	rc.mu.Unlock()
	w.Write([]byte(`{"code":"200","msg":"success"}`))
}

func (rc *receiver) actions() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, ev := range rc.events {
		out = append(out, ev["action"].(string))
	}
	return out
}

func wait(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.WaitCallbacks(ctx); err != nil {
		t.Fatalf("WaitCallbacks: %v", err)
	}
}

func TestCallbackSignatureVectors(t *testing.T) {
	body := []byte(`{"action":"SIGN_FLOW_COMPLETE","timestamp":1700000000000,"signFlowId":"abc123","signFlowTitle":"测试","signFlowStatus":"2","statusDescription":"完成","signFlowCreateTime":1699999000000,"signFlowStartTime":1699999000000,"signFlowFinishTime":1700000000000}`)
	tests := []struct{ url, want string }{
		{"http://gw/notify", "315ea8e852f134e352f961c1115720d1879c61c67e07c3cf786b6fd5111a5930"},
		{"http://gw/notify?tenant=t1&a=x", "a61293383ac46e547213ca006d23c3772c57f22695b9000c03b9a8308fee6707"},
	}
	for _, tt := range tests {
		if got := callbackSignature(testSecret, "1700000000000", tt.url, body); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestCallbacksInOrder(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	org := e.org("org", "乙方公司", b)
	fileID := e.upload("c.pdf", samplePDF)
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(fileID, "劳动合同", a, b, org, rc.srv.URL+"/cb?tenant=t1&a=x", true, true), &d)
	if err := e.s.MarkRead(d.FlowID, a); err != nil {
		t.Fatal(err)
	}
	e.s.MarkRead(d.FlowID, a) // only the first read is reported
	e.s.Sign(d.FlowID, a)
	e.s.Sign(d.FlowID, b)
	wait(t, e.s)
	want := []string{"PARTICIPANT_MARKREAD", "SIGN_FLOW_UPDATE", "SIGN_FLOW_UPDATE", "SIGN_FLOW_FINISH"}
	if got := rc.actions(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", got, want)
	}
	up, fin := rc.events[2], rc.events[3]
	if up["accountId"] != b || up["authorizedAccountId"] != org || up["signResult"] != 2.0 || up["thirdOrderNo"] != "o-2" ||
		up["thirdPartyUserId"] != "b" || up["signTime"] != "2026-11-02 18:00:00" || up["flowId"] != d.FlowID {
		t.Errorf("update: got %v", up)
	}
	if fin["flowStatus"] != "2" || fin["businessScence"] != "劳动合同" || fin["statusDescription"] != "完成" ||
		fin["endTime"] != "2026-11-02 18:00:00" || fin["timestamp"] != float64(e.clk.Now().UnixMilli()) {
		t.Errorf("finish: got %v", fin)
	}
}

func TestCallbackRefuseAndRevoke(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	fileID := e.upload("c.pdf", samplePDF)
	create := func() string {
		body := flowBody(fileID, "合同", a, b, "", rc.srv.URL, true, true)
		body["signers"].([]map[string]any)[1]["signfields"] = []map[string]any{{"fileId": fileID}}
		var d struct{ FlowID string }
		e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
		return d.FlowID
	}
	refused, revoked := create(), create()
	e.s.Refuse(refused, a, "不同意")
	e.ok("PUT", "/v1/signflows/"+revoked+"/revoke", nil, nil, nil)
	wait(t, e.s)
	// Order is guaranteed per flow only.
	byFlow := map[any][]map[string]any{}
	for _, ev := range rc.events {
		byFlow[ev["flowId"]] = append(byFlow[ev["flowId"]], ev)
	}
	r, v := byFlow[refused], byFlow[revoked]
	if len(r) != 2 || r[0]["action"] != "SIGN_FLOW_UPDATE" || r[0]["signResult"] != 4.0 || r[0]["resultDescription"] != "不同意" ||
		r[1]["action"] != "SIGN_FLOW_FINISH" || r[1]["flowStatus"] != "7" {
		t.Errorf("refused: got %v", r)
	}
	if len(v) != 1 || v[0]["flowStatus"] != "3" || v[0]["statusDescription"] != "撤销" {
		t.Errorf("revoked: got %v", v)
	}
}

func TestCallbackRetries(t *testing.T) {
	tests := []struct {
		name      string
		cfg       func(*Config)
		fail      int
		hang      bool
		wantHits  int
		wantDeliv int
	}{
		{"recovers after two failures", func(c *Config) { c.CallbackRetries = []time.Duration{time.Millisecond, time.Millisecond} }, 2, false, 3, 1},
		{"gives up", func(c *Config) { c.CallbackRetries = []time.Duration{time.Millisecond} }, 10, false, 2, 0},
		{"times out", func(c *Config) {
			c.CallbackRetries, c.CallbackTimeout = []time.Duration{time.Millisecond}, 20*time.Millisecond
		}, 0, true, 2, 0},
		{"duplicates", func(c *Config) { c.DuplicateCallbacks = true }, 0, false, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t)
			rc.fail, rc.hang = tt.fail, tt.hang
			e := newEnv(t, tt.cfg)
			a := e.person("a", "甲")
			fileID := e.upload("c.pdf", samplePDF)
			body := flowBody(fileID, "合同", a, a, "", rc.srv.URL, true, false)
			body["signers"] = body["signers"].([]map[string]any)[:1]
			var d struct{ FlowID string }
			e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
			e.s.MarkRead(d.FlowID, a)
			wait(t, e.s)
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if rc.hits != tt.wantHits || len(rc.events) != tt.wantDeliv {
				t.Errorf("got %d hits %d delivered, want %d %d", rc.hits, len(rc.events), tt.wantHits, tt.wantDeliv)
			}
		})
	}
}

func TestWaitCallbacksHonoursContext(t *testing.T) {
	rc := newReceiver(t)
	rc.hang = true
	e := newEnv(t, nil)
	a := e.person("a", "甲")
	fileID := e.upload("c.pdf", samplePDF)
	body := flowBody(fileID, "合同", a, a, "", rc.srv.URL, true, false)
	body["signers"] = body["signers"].([]map[string]any)[:1]
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	e.s.MarkRead(d.FlowID, a)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := e.s.WaitCallbacks(ctx); err != context.DeadlineExceeded {
		t.Errorf("got %v, want deadline exceeded", err)
	}
}
