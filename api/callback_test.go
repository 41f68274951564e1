package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// signedUpdate is a v1 SIGN_FLOW_UPDATE body: accountID signed the flow.
func signedUpdate(flowID, accountID string, result int) map[string]any {
	return map[string]any{"action": "SIGN_FLOW_UPDATE", "flowId": flowID, "accountId": accountID,
		"signTime": "2024-04-19 14:32:19", "signResult": result, "resultDescription": "签署完成",
		"timestamp": time.Now().UnixMilli(), "order": 1}
}

// finished is a v1 SIGN_FLOW_FINISH body; flowStatus is a string, as sent.
func finished(flowID string, status int) map[string]any {
	return map[string]any{"action": "SIGN_FLOW_FINISH", "flowId": flowID, "flowStatus": strconv.Itoa(status),
		"statusDescription": "完成", "endTime": "2024-04-19 15:00:00", "timestamp": time.Now().UnixMilli()}
}

func TestCallbackRejected(t *testing.T) {
	logbuf := &testkit.Buffer{}
	var offset atomic.Int64 // gateway clock skew, to replay a callback later
	g := apitest.New(t, apitest.Options{Log: logbuf, Service: func(c *service.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	}})
	taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
	body, _ := json.Marshal(signedUpdate(g.FlowID(taskID), g.Participant(taskID, "u1"), 2))
	now := time.Now()
	tests := []struct {
		name   string
		req    func() *http.Request
		reason string
	}{
		{"forged signature", func() *http.Request {
			r := callbackReq(body, now)
			r.Header.Set("X-Tsign-Open-SIGNATURE", strings.Repeat("ab", 32))
			return r
		}, "签名不匹配"},
		{"signed with another secret", func() *http.Request {
			r := callbackReq(body, now)
			r.Header.Set("X-Tsign-Open-SIGNATURE", callbackSig("not-the-secret", now.UnixMilli(), body))
			return r
		}, "签名不匹配"},
		{"body changed after signing", func() *http.Request {
			r := callbackReq(body, now)
			tampered := bytes.Replace(body, []byte(`"signResult":2`), []byte(`"signResult":4`), 1)
			r.Body = io.NopCloser(bytes.NewReader(tampered))
			r.ContentLength = int64(len(tampered))
			return r
		}, "签名不匹配"},
		{"query added after signing", func() *http.Request {
			r := callbackReq(body, now)
			r.URL.RawQuery = "tenant=t1"
			return r
		}, "签名不匹配"},
		{"wrong app id", func() *http.Request {
			r := callbackReq(body, now)
			r.Header.Set("X-Tsign-Open-App-Id", "7438000000other")
			return r
		}, "appId不匹配"},
		{"no signature headers", func() *http.Request {
			r := callbackReq(body, now)
			r.Header.Del("X-Tsign-Open-SIGNATURE")
			return r
		}, "缺少签名头"},
		{"older than e签宝's retry span", func() *http.Request { return callbackReq(body, now.Add(-13*time.Hour)) }, "时间戳超出有效期"},
		{"future timestamp", func() *http.Request { return callbackReq(body, now.Add(16*time.Minute)) }, "时间戳超出有效期"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req()
			want := callbackSig(apitest.EsignSecret, mustInt(t, req.Header.Get("X-Tsign-Open-TIMESTAMP")), body)
			res := g.Serve(req)
			if res.Status != 401 || res.JSON["code"] != "InvalidSignature" {
				t.Fatalf("got %d %s, want 401 InvalidSignature", res.Status, res.Raw)
			}
			msg, _ := res.JSON["message"].(string)
			if !strings.Contains(msg, tc.reason) || len([]rune(msg)) > 40 {
				t.Errorf("message: got %q, want a short one naming %q", msg, tc.reason)
			}
			if strings.Contains(string(res.Raw), want) || strings.Contains(logbuf.String(), want) {
				t.Errorf("the expected signature leaked into the answer or the logs")
			}
		})
	}
	if n := countKey(storedLogs(t, g, taskID), "signer:"+g.Participant(taskID, "u1")+":2"); n != 0 {
		t.Errorf("rejected callbacks logged %d entries, want 0", n)
	}

	// e签宝's last v1 retry comes ~9.7 h after the first attempt with the
	// first attempt's timestamp: accepted, and harmless because applying a
	// callback twice changes nothing.
	t.Run("late retry of a callback", func(t *testing.T) {
		sent := time.Now()
		wantAck(t, g.Serve(callbackReq(body, sent)))
		offset.Store(int64(9*time.Hour + 50*time.Minute))
		defer offset.Store(0)
		res := g.Serve(callbackReq(body, sent)) // the same bytes and headers, 9h50m on
		wantAck(t, res)
		if n := countKey(storedLogs(t, g, taskID), "signer:"+g.Participant(taskID, "u1")+":2"); n != 1 {
			t.Errorf("log entries for the signature: got %d, want 1", n)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCallbackBadBodies(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	big := append([]byte(`{"action":"SIGN_FLOW_UPDATE","pad":"`), bytes.Repeat([]byte("x"), 1<<20)...)
	big = append(big, `"}`...)
	tests := []struct {
		name       string
		body       []byte
		chunked    bool
		wantStatus int
	}{
		{"empty", nil, false, 400},
		{"blank", []byte(" \n"), false, 400},
		{"malformed JSON", []byte(`{"action":"SIGN_FLOW_UPDATE",`), false, 400},
		{"array", []byte(`[{"action":"SIGN_FLOW_UPDATE"}]`), false, 400},
		{"null", []byte(`null`), false, 400},
		{"object where a scalar belongs", []byte(`{"action":"SIGN_FLOW_UPDATE","flowId":{"x":1}}`), false, 400},
		{"oversized", big, false, 413},
		{"oversized without length", big, true, 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := callbackReq(tc.body, time.Now())
			if tc.chunked {
				req.ContentLength = -1
			}
			res := g.Serve(req)
			if res.Status != tc.wantStatus || res.JSON["code"] == nil {
				t.Errorf("got %d %s, want %d with a JSON error", res.Status, res.Raw, tc.wantStatus)
			}
		})
	}
}

func TestCallbackIgnored(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			logbuf := &testkit.Buffer{}
			// No pusher: the corp has no noticeUrl, and the queued start
			// event must stay where the depth below counts it.
			g := apitest.New(t, apitest.Options{Store: kind, Log: logbuf, NoOutbox: true})
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			before, depth := len(storedLogs(t, g, taskID)), outboxDepth(t, g)

			wantAck(t, postCallback(g, map[string]any{"action": "SIGN_FLOW_SOMETHING_NEW", "flowId": g.FlowID(taskID), "timestamp": 1}))
			wantAck(t, postCallback(g, signedUpdate("no-such-flow", "acct", 2)))
			wantAck(t, postCallback(g, map[string]any{"action": "SIGN_FLOW_UPDATE", "timestamp": 1})) // no flow id
			// Face-auth pages may GET the notify URL; nothing to do.
			if res := g.Do("GET", "/esign/callback", "", nil); res.Status != 200 {
				t.Errorf("GET callback: got %d, want 200", res.Status)
			}

			if got := len(storedLogs(t, g, taskID)); got != before {
				t.Errorf("log entries: got %d, want %d (unchanged)", got, before)
			}
			if got := outboxDepth(t, g); got != depth {
				t.Errorf("outbox depth: got %d, want %d (unchanged)", got, depth)
			}
			if !strings.Contains(logbuf.String(), "esign callback for an unknown flow") {
				t.Errorf("unknown flow not logged")
			}
		})
	}
}

func TestCallbackDuplicate(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			// e签宝 delivering everything twice (webhook and notify URL).
			emu := esigntest.Start(t, esigntest.Config{AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret, DuplicateCallbacks: true})
			g := apitest.New(t, apitest.Options{Store: kind, Emulator: emu})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpA)
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			u1 := g.Participant(taskID, "u1")
			if err := emu.Sign(g.FlowID(taskID), u1); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, g)
			// And once more by hand, the same signed body twice.
			body := signedUpdate(g.FlowID(taskID), g.Participant(taskID, "u2"), 4)
			raw, _ := json.Marshal(body)
			wantAck(t, postCallback(g, raw))
			wantAck(t, postCallback(g, raw))

			l := storedLogs(t, g, taskID)
			for _, key := range []string{"signer:" + u1 + ":2", "flow:refused"} {
				if n := countKey(l, key); n != 1 {
					t.Errorf("%s: got %d log entries, want 1", key, n)
				}
			}
			rcv.waitEvents(3)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			if got := statuses(rcv.Events()); !slices.Equal(got, []string{"SIGN/RUNNING", "SIGN/RUNNING", "SIGN/REFUSE"}) {
				t.Errorf("pushed events: got %v, want the start, the signature and the refusal once each", got)
			}
		})
	}
}

func TestCallbackOutOfOrder(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpA)
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			flow, u1 := g.FlowID(taskID), g.Participant(taskID, "u1")

			wantAck(t, postCallback(g, finished(flow, 2)))
			wantAck(t, postCallback(g, signedUpdate(flow, u1, 2))) // late
			wantAck(t, postCallback(g, finished(flow, 3)))         // cannot undo the end
			tk := storedTask(t, g, taskID)
			if tk.Status != 2 || !tk.Finished {
				t.Errorf("task: got status %d finished %v, want 2 true", tk.Status, tk.Finished)
			}
			l := storedLogs(t, g, taskID)
			if countKey(l, "flow:end:2") != 1 || countKey(l, "signer:"+u1+":2") != 1 {
				t.Errorf("log: got %+v, want the end and the late signature once each", l)
			}
			// After the end nothing more is pushed: not the late signature
			// (the flow does not run again), not another end.
			rcv.waitEvents(2)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			evs := rcv.Events()
			if got := statuses(evs); !slices.Equal(got, []string{"SIGN/RUNNING", "SIGN/FINISH"}) || evs[1].FinishTime < 1e12 {
				t.Errorf("events: got %v %+v, want the start, then FINISH with a finishTime in ms", got, evs)
			}
		})
	}
}
