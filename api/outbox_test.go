package api_test

import (
	"context"
	"fmt"
	"slices"
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
			want := []entry{{"1", "张三"}, {"4", ""}, {"8", "李四"}, {"23", "张三"}, {"23", "李四"}, {"7", ""}}
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

			// The ISV got, in order and as DingTalk documents them, the start,
			// both signatures (RUNNING) and the end (FINISH with its time);
			// the creation and the read have no documented event.
			evs := rcv.waitEvents(4)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			evs = rcv.Events()
			if got := statuses(evs); !slices.Equal(got, []string{"SIGN/RUNNING", "SIGN/RUNNING", "SIGN/RUNNING", "SIGN/FINISH"}) {
				t.Fatalf("events: got %v, want RUNNING ×3 then FINISH", got)
			}
			ids := map[string]bool{}
			for _, ev := range evs {
				if ev.TaskID != taskID || ev.Corp != apitest.CorpA {
					t.Errorf("event %+v, want task %s of %s", ev, taskID, apitest.CorpA)
				}
				ids[ev.ID] = true
			}
			if finish := evs[3].FinishTime; finish < 1e12 || finish > time.Now().UnixMilli() {
				t.Errorf("finishTime %d, want the end's time in epoch ms", finish)
			}
			if len(ids) != 4 {
				t.Errorf("event ids: got %d distinct, want 4", len(ids))
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
			rcv.waitEvents(3)
			if got := statuses(rcv.Events()); !slices.Equal(got, []string{"SIGN/RUNNING", "SIGN/RUNNING", "SIGN/REVOKE"}) {
				t.Errorf("events: got %v, want the start, the signature, then the revocation", got)
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
			if d := outboxDepth(t, a); d != 4 {
				t.Fatalf("queued events before the crash: got %d, want 4", d)
			}
			a.Close()
			if n := len(rcv.Events()); n != 0 {
				t.Fatalf("events pushed by a gateway without an outbox: %d", n)
			}

			b := apitest.New(t, apitest.Options{Store: kind, BoltPath: a.BoltPath, RedisAddr: a.RedisAddr, Emulator: a.Emulator})
			evs := rcv.waitEvents(4)
			for i, want := range []string{"RUNNING", "RUNNING", "RUNNING", "FINISH"} {
				if evs[i].Status != want || evs[i].TaskID != taskID {
					t.Errorf("event %d: got %+v, want %s of %s", i, evs[i], want, taskID)
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
	rcv.waitEvents(flows * 4)
	rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, a) == 0 })
	seen := map[string]int{}
	perTask := map[string][]string{}
	for _, ev := range rcv.Events() {
		seen[ev.ID]++
		perTask[ev.TaskID] = append(perTask[ev.TaskID], ev.Status)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %v delivered %d times, want 1", id, n)
		}
	}
	if len(seen) != flows*4 {
		t.Errorf("distinct events: got %d, want %d", len(seen), flows*4)
	}
	for task, types := range perTask {
		if fmt.Sprint(types) != "[RUNNING RUNNING RUNNING FINISH]" {
			t.Errorf("task %v: events in order %v, want [RUNNING RUNNING RUNNING FINISH]", task, types)
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
	if d := outboxDepth(t, g); d != 2 {
		t.Errorf("outbox depth: got %d, want 2 (the start and the signature, kept for a later retry)", d)
	}
}
