package api_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"esign-gateway/api/apitest"
)

func TestCallbackV3AndIdentity(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpA)
			tok := g.Token(apitest.CorpA)
			taskID := g.CreateFlow(tok, nil)
			flow, u2 := g.FlowID(taskID), g.Participant(taskID, "u2")
			at := time.Date(2024, 4, 19, 14, 32, 19, 0, time.UTC).UnixMilli()
			wantAck(t, postCallback(g, map[string]any{"action": "SIGN_MISSON_COMPLETE", "timestamp": at, "signFlowId": flow,
				"operateTime": at, "signResult": 4, "resultDescription": "条款不同意", "operator": map[string]any{"psnId": u2}}))
			wantAck(t, postCallback(g, map[string]any{"action": "SIGN_FLOW_COMPLETE", "timestamp": at, "signFlowId": flow,
				"signFlowStatus": "7", "statusDescription": "拒签", "signFlowFinishTime": at + 1000}))
			l := storedLogs(t, g, taskID)
			got := map[string]string{}
			for _, e := range l {
				got[e.Key] = e.LogType + " " + e.Description + " " + e.OperatorName + " " + strconv.FormatInt(e.OperateTime, 10)
			}
			// The signer's refusal and the flow's end are one entry (refusedKey).
			if want := "26 拒签：条款不同意 李四 " + strconv.FormatInt(at, 10); got["flow:refused"] != want {
				t.Errorf("refusal: got %q, want %q", got["flow:refused"], want)
			}
			if tk := storedTask(t, g, taskID); tk.Status != 7 || !tk.Finished {
				t.Errorf("task: got status %d, want 7 finished", tk.Status)
			}

			// A user real-name task ends through an identity callback.
			res := g.Do("POST", "/v2.0/esign/users/realnames", tok, map[string]any{"userId": "u9"})
			if res.Status != 200 {
				t.Fatalf("UsersRealname: %d %s", res.Status, res.Raw)
			}
			rn := res.JSON["taskId"].(string)
			if err := g.Emulator.CompleteIdentity(g.FlowID(rn), true); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, g)
			if tk := storedTask(t, g, rn); tk.Status != 2 || !tk.Finished || countKey(storedLogs(t, g, rn), "identity:end") != 1 {
				t.Errorf("real-name task: got status %d finished %v logs %+v", tk.Status, tk.Finished, storedLogs(t, g, rn))
			}
			// The start and the refusal are pushed; a real-name task has no
			// documented event.
			rcv.waitEvents(2)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			evs := rcv.Events()
			if got := statuses(evs); !slices.Equal(got, []string{"SIGN/RUNNING", "SIGN/REFUSE"}) || evs[1].TaskID != taskID {
				t.Errorf("events: got %v %+v, want SIGN RUNNING then REFUSE of %s", got, evs, taskID)
			}
		})
	}
}

// TestCallbackStoreDown: with the store unreachable a callback is not
// acknowledged (503, so e签宝 retries), and the answer comes well within
// e签宝's 5 s.
func TestCallbackStoreDown(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			taskID := g.CreateFlow(g.Token(apitest.CorpA), nil)
			body := signedUpdate(g.FlowID(taskID), g.Participant(taskID, "u1"), 2)
			if kind == "redis" {
				g.Redis.Kill()
			} else {
				g.Store.Close()
			}
			start := time.Now()
			res := postCallback(g, body)
			if res.Status != 503 || res.JSON["code"] != "ServiceUnavailable" {
				t.Errorf("got %d %s, want 503 ServiceUnavailable", res.Status, res.Raw)
			}
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("answered after %v, want well within 5s", took)
			}
		})
	}
}
