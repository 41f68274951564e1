package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/service"
	"esign-gateway/service/store"
)

// TestCallbackLifecycle runs a flow from signing to completed through the
// emulator's real signed callbacks and checks what GetFlowDetail,
// GetSignDetail (both versions) and the ISV see.
func TestCallbackLifecycle(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpA)
			tok := g.Token(apitest.CorpA)
			taskID := g.CreateFlow(tok, nil)
			flow, u1, u2 := g.FlowID(taskID), g.Participant(taskID, "u1"), g.Participant(taskID, "u2")
			for _, step := range []func() error{
				func() error { return g.Emulator.MarkRead(flow, u2) },
				func() error { return g.Emulator.Sign(flow, u1) },
				func() error { return g.Emulator.Sign(flow, u2) }, // the last signature archives the flow
			} {
				if err := step(); err != nil {
					t.Fatal(err)
				}
			}
			waitCallbacks(t, g)

			type entry struct{ typ, who string }
			want := []entry{{"1", "张三"}, {"3", "李四"}, {"4", "张三"}, {"4", "李四"}, {"7", ""}}
			for _, path := range []string{"/v2.0/esign/flowTasks/" + taskID, "/v1.0/esign/flows/detail?taskId=" + taskID} {
				res := g.Do("GET", path, tok, nil)
				body := res.JSON
				if d, ok := body["data"].(map[string]any); ok {
					body = d
				}
				if res.Status != 200 || body["flowStatus"] != float64(2) {
					t.Fatalf("%s: got %d %s, want 200 with flowStatus 2", path, res.Status, res.Raw)
				}
				logs, _ := body["logs"].([]any)
				if len(logs) != len(want) {
					t.Fatalf("%s: got %d logs %s, want %d", path, len(logs), res.Raw, len(want))
				}
				for i, l := range logs {
					m := l.(map[string]any)
					at, _ := m["operateTime"].(float64)
					if m["logType"] != want[i].typ || m["operatorAccountName"] != want[i].who || at < 1e12 || m["operateDescription"] == "" {
						t.Errorf("%s: log %d: got %v, want logType %s by %q at a time in ms", path, i, m, want[i].typ, want[i].who)
					}
				}
			}
			for _, path := range []string{"/v2.0/esign/signTasks/" + taskID, "/v1.0/esign/flows/sign/detail?taskId=" + taskID} {
				res := g.Do("GET", path, tok, nil)
				body := res.JSON
				if d, ok := body["data"].(map[string]any); ok {
					body = d
				}
				signers, _ := body["signers"].([]any)
				if res.Status != 200 || body["flowStatus"] != float64(2) || len(signers) != 2 {
					t.Fatalf("%s: got %d %s", path, res.Status, res.Raw)
				}
				for _, s := range signers {
					if s.(map[string]any)["signStatus"] != float64(2) {
						t.Errorf("%s: signer %v, want signStatus 2", path, s)
					}
				}
			}

			// The ISV got every change, in order, decrypted, with its content.
			evs := rcv.waitEvents(4)
			type pushed struct {
				logType, who string
				status       float64
			}
			wantEv := []pushed{{"3", "李四", 1}, {"4", "张三", 1}, {"4", "李四", 1}, {"7", "", 2}}
			ids := map[any]bool{}
			for i, ev := range evs {
				w := wantEv[i]
				if ev["EventType"] != service.EventFlowUpdate || ev["CorpId"] != apitest.CorpA || ev["TaskId"] != taskID ||
					ev["FlowId"] != flow || ev["LogType"] != w.logType || ev["OperatorAccountName"] != w.who ||
					ev["FlowStatus"] != w.status || ev["OperateTime"].(float64) < 1e12 || ev["OperateDescription"] == "" {
					t.Errorf("event %d: got %v, want logType %s by %q, flowStatus %v", i, ev, w.logType, w.who, w.status)
				}
				ids[ev["EventId"]] = true
			}
			if len(ids) != 4 || len(evs) != 4 {
				t.Errorf("events: got %d with %d distinct ids, want 4", len(evs), len(ids))
			}
		})
	}
}

// TestPushRetriesUntilReceiverIsUp: a noticeUrl answering 503 gets the
// event again after a backoff; nothing is lost or reordered.
func TestPushRetriesUntilReceiverIsUp(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			pushes := make(chan string, 64)
			g := apitest.New(t, apitest.Options{Store: kind, Service: func(c *service.Config) {
				c.Outbox.OnPush = func(outcome string) { pushes <- outcome }
			}})
			rcv := newISV(t)
			rcv.down.Store(true)
			rcv.subscribe(g, apitest.CorpA)
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			flow := g.FlowID(taskID)
			if err := g.Emulator.Sign(flow, g.Participant(taskID, "u1")); err != nil {
				t.Fatal(err)
			}
			if err := g.Emulator.Revoke(flow, "不签了"); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, g)
			rcv.waitFor("a failed attempt", func() bool { return rcv.failures.Load() > 0 })
			if n := len(rcv.Events()); n != 0 {
				t.Fatalf("events while down: got %d, want 0", n)
			}
			rcv.down.Store(false)
			evs := rcv.waitEvents(2)
			if len(evs) != 2 || evs[0]["LogType"] != "4" || evs[1]["LogType"] != "6" || evs[1]["FlowStatus"] != float64(3) {
				t.Errorf("events: got %v, want the signature then the revocation", evs)
			}
			if got := <-pushes; got != "failed" {
				t.Errorf("first push outcome: got %q, want failed", got)
			}
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
		})
	}
}

// TestPushSurvivesRestart: gateway A acknowledges the callbacks and dies
// before pushing (its outbox never runs); gateway B, started on the same
// store, delivers every event.
func TestPushSurvivesRestart(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			a := apitest.New(t, apitest.Options{Store: kind, NoOutbox: true})
			rcv := newISV(t)
			rcv.subscribe(a, apitest.CorpA)
			taskID := a.CreateFlow(a.Token(apitest.CorpA), nil)
			flow := a.FlowID(taskID)
			for _, u := range []string{"u1", "u2"} {
				if err := a.Emulator.Sign(flow, a.Participant(taskID, u)); err != nil {
					t.Fatal(err)
				}
			}
			waitCallbacks(t, a)
			if d := outboxDepth(t, a); d != 3 {
				t.Fatalf("queued events before the crash: got %d, want 3", d)
			}
			a.Close()
			if n := len(rcv.Events()); n != 0 {
				t.Fatalf("events pushed by a gateway without an outbox: %d", n)
			}

			b := apitest.New(t, apitest.Options{Store: kind, BoltPath: a.BoltPath, RedisAddr: a.RedisAddr, Emulator: a.Emulator})
			evs := rcv.waitEvents(3)
			for i, want := range []string{"4", "4", "7"} {
				if evs[i]["LogType"] != want || evs[i]["TaskId"] != taskID {
					t.Errorf("event %d: got %v, want logType %s of %s", i, evs[i], want, taskID)
				}
			}
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, b) == 0 })
		})
	}
}

// TestPushOncePerEventAcrossReplicas: two gateways on one Redis, both
// pushing; every event reaches the ISV exactly once.
func TestPushOncePerEventAcrossReplicas(t *testing.T) {
	a := apitest.New(t, apitest.Options{Store: "redis"})
	b := apitest.New(t, apitest.Options{Store: "redis", RedisAddr: a.RedisAddr, Emulator: a.Emulator})
	rcv := newISV(t)
	rcv.subscribe(a, apitest.CorpA)
	const flows = 4
	for i := range flows {
		g := []*apitest.Gateway{a, b}[i%2]
		taskID := g.CreateFlow(g.Token(apitest.CorpA), map[string]any{"taskName": fmt.Sprint("合同", i)})
		for _, u := range []string{"u1", "u2"} {
			if err := g.Emulator.Sign(g.FlowID(taskID), g.Participant(taskID, u)); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitCallbacks(t, a)
	rcv.waitEvents(flows * 3)
	rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, a) == 0 })
	seen := map[any]int{}
	perTask := map[any][]any{}
	for _, ev := range rcv.Events() {
		seen[ev["EventId"]]++
		perTask[ev["TaskId"]] = append(perTask[ev["TaskId"]], ev["LogType"])
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %v delivered %d times, want 1", id, n)
		}
	}
	if len(seen) != flows*3 {
		t.Errorf("distinct events: got %d, want %d", len(seen), flows*3)
	}
	for task, types := range perTask {
		if fmt.Sprint(types) != "[4 4 7]" {
			t.Errorf("task %v: events in order %v, want [4 4 7]", task, types)
		}
	}
	if _, err := a.Service.Outbox.Stats(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestPushRefusesPrivateNoticeURL: unless private addresses are allowed,
// the pusher will not connect to a loopback noticeUrl, even one that got
// into the store without CreateDevelopers' check.
func TestPushRefusesPrivateNoticeURL(t *testing.T) {
	pushes := make(chan string, 64)
	g := apitest.New(t, apitest.Options{Service: func(c *service.Config) {
		c.AllowPrivateURLs = false
		c.Outbox.OnPush = func(outcome string) { pushes <- outcome }
	}})
	rcv := newISV(t)
	tok := g.Token(apitest.CorpA)
	if _, err := g.Store.UpdateCorp(context.Background(), apitest.CorpA, func(c *store.Corp) error {
		c.NoticeURL = rcv.URL
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	taskID := g.CreateFlow(tok, nil)
	if err := g.Emulator.Sign(g.FlowID(taskID), g.Participant(taskID, "u1")); err != nil {
		t.Fatal(err)
	}
	waitCallbacks(t, g)
	select {
	case got := <-pushes:
		if got != "failed" {
			t.Errorf("outcome: got %q, want failed", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no push attempt")
	}
	if n := len(rcv.Events()) + int(rcv.failures.Load()); n != 0 {
		t.Errorf("the loopback receiver was reached %d times, want 0", n)
	}
	if d := outboxDepth(t, g); d != 1 {
		t.Errorf("outbox depth: got %d, want 1 (kept for a later retry)", d)
	}
}
