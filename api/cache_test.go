package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/service"
	"esign-gateway/service/store"
	"esign-gateway/test/testkit"
)

const testCacheTTL = time.Minute

func cachedGateway(t *testing.T, o apitest.Options, clk *testkit.Clock) *apitest.Gateway {
	o.Service = func(c *service.Config) { c.Cache.TTL, c.Now = testCacheTTL, clk.Now }
	return apitest.New(t, o)
}

// detailLogs is the number of log entries GetFlowDetail shows.
func detailLogs(t *testing.T, g *apitest.Gateway, token, taskID string) int {
	t.Helper()
	res := g.Do("GET", "/v2.0/esign/flowTasks/"+taskID, token, nil)
	if res.Status != 200 {
		t.Fatalf("GetFlowDetail: %d %s", res.Status, res.Raw)
	}
	return len(res.JSON["logs"].([]any))
}

// appendBehindTheCache writes to the task's log the way another replica
// would: straight to the store, so this gateway hears nothing of it.
func appendBehindTheCache(t *testing.T, g *apitest.Gateway, taskID, key string) {
	t.Helper()
	if _, err := g.Store.AppendLog(context.Background(), taskID, store.LogEntry{Key: key, LogType: "3", Description: "查看合同"}); err != nil {
		t.Fatal(err)
	}
}

func TestFlowDetailCache(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			clk := testkit.NewClock(time.Now())
			g := cachedGateway(t, apitest.Options{Store: kind}, clk)
			tokA := g.Token(apitest.CorpA)
			taskID := g.CreateFlow(tokA, nil)
			flow := g.FlowID(taskID)

			n := detailLogs(t, g, tokA, taskID)
			calls := g.Emulator.CallCount("/v1/signflows/" + flow)
			appendBehindTheCache(t, g, taskID, "other-replica-1")
			if got := detailLogs(t, g, tokA, taskID); got != n {
				t.Errorf("within the ttl: got %d entries, want the cached %d", got, n)
			}
			if got := g.Emulator.CallCount("/v1/signflows/" + flow); got != calls {
				t.Errorf("a cache hit called e签宝: got %d calls, want %d", got, calls)
			}

			// Another corp never sees the cached answer.
			if res := g.Do("GET", "/v2.0/esign/flowTasks/"+taskID, g.Token(apitest.CorpB), nil); res.Status != 400 || res.JSON["code"] != "flowNotExists" {
				t.Errorf("corp B: got %d %s, want 400 flowNotExists", res.Status, res.Raw)
			}

			// A callback drops the entry at once.
			wantAck(t, postCallback(g, signedUpdate(flow, g.Participant(taskID, "u1"), 2)))
			if got := detailLogs(t, g, tokA, taskID); got != n+2 {
				t.Errorf("after a callback: got %d entries, want %d", got, n+2)
			}

			// What this gateway did not hear of shows once the ttl is over.
			appendBehindTheCache(t, g, taskID, "other-replica-2")
			if got := detailLogs(t, g, tokA, taskID); got != n+2 {
				t.Errorf("within the ttl: got %d entries, want the cached %d", got, n+2)
			}
			clk.Advance(testCacheTTL)
			if got := detailLogs(t, g, tokA, taskID); got != n+3 {
				t.Errorf("after the ttl: got %d entries, want %d", got, n+3)
			}
		})
	}
}

// A replica that missed the callback of a finished flow serves it as
// unfinished for at most cache.ttl.
func TestFlowDetailCacheFinishedOnOtherReplica(t *testing.T) {
	a := apitest.New(t, apitest.Options{Store: "redis"})
	clk := testkit.NewClock(time.Now())
	b := cachedGateway(t, apitest.Options{Store: "redis", RedisAddr: a.RedisAddr, Emulator: a.Emulator}, clk)
	taskID := a.CreateFlow(a.Token(apitest.CorpA), nil)
	tokB := b.Token(apitest.CorpA)
	status := func() any {
		res := b.Do("GET", "/v2.0/esign/flowTasks/"+taskID, tokB, nil)
		if res.Status != 200 {
			t.Fatalf("GetFlowDetail on b: %d %s", res.Status, res.Raw)
		}
		return res.JSON["flowStatus"]
	}
	if got := status(); got != 1.0 {
		t.Fatalf("flowStatus: got %v, want 1", got)
	}
	if err := a.Emulator.Finish(a.FlowID(taskID)); err != nil { // its callback goes to a
		t.Fatal(err)
	}
	waitCallbacks(t, a)
	if got := status(); got != 1.0 {
		t.Errorf("b within the ttl: got flowStatus %v, want the cached 1", got)
	}
	clk.Advance(testCacheTTL)
	if got := status(); got != 2.0 {
		t.Errorf("b after the ttl: got flowStatus %v, want 2", got)
	}
}

func TestSignDetailCache(t *testing.T) {
	clk := testkit.NewClock(time.Now())
	g := cachedGateway(t, apitest.Options{}, clk)
	tok := g.Token(apitest.CorpA)
	taskID := g.CreateFlow(tok, nil)
	flow := g.FlowID(taskID)
	get := func() {
		if res := g.Do("GET", "/v2.0/esign/signTasks/"+taskID, tok, nil); res.Status != 200 {
			t.Fatalf("GetSignDetail: %d %s", res.Status, res.Raw)
		}
	}
	get()
	calls := g.Emulator.CallCount("/v1/signflows/" + flow)
	get()
	if got := g.Emulator.CallCount("/v1/signflows/" + flow); got != calls {
		t.Errorf("a cache hit called e签宝: got %d calls, want %d", got, calls)
	}
	clk.Advance(testCacheTTL)
	get()
	if got := g.Emulator.CallCount("/v1/signflows/" + flow); got != calls+2 {
		t.Errorf("after the ttl: got %d calls, want %d (flow and signers)", got, calls+2)
	}
}

// With cache.ttl 0 every call reads e签宝.
func TestFlowDetailUncached(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	taskID := g.CreateFlow(tok, nil)
	flow := g.FlowID(taskID)
	detailLogs(t, g, tok, taskID)
	calls := g.Emulator.CallCount("/v1/signflows/" + flow)
	detailLogs(t, g, tok, taskID)
	if got := g.Emulator.CallCount("/v1/signflows/" + flow); got != calls+2 {
		t.Errorf("got %d calls, want %d (flow and signers)", got, calls+2)
	}
	// The task's flow is known now; another corp still gets nothing, and
	// e签宝 is not asked.
	if res := g.Do("GET", "/v2.0/esign/flowTasks/"+taskID, g.Token(apitest.CorpB), nil); res.Status != 400 || res.JSON["code"] != "flowNotExists" {
		t.Errorf("corp B: got %d %s, want 400 flowNotExists", res.Status, res.Raw)
	}
	if got := g.Emulator.CallCount("/v1/signflows/" + flow); got != calls+2 {
		t.Errorf("corp B's call reached e签宝: got %d calls, want %d", got, calls+2)
	}
}

// TestUnnamedOrgAskedOnce: an organization without a name yet (not
// verified) is not asked for again on every uncached GetFlowDetail: that
// was a second e签宝 round trip after the flow's on each read.
func TestUnnamedOrgAskedOnce(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	before := len(g.Emulator.Calls())
	for range 3 {
		if res := g.Do("GET", "/v2.0/esign/flowTasks/"+task, tok, nil); res.Status != 200 {
			t.Fatalf("GetFlowDetail: %d %s", res.Status, res.Raw)
		}
	}
	orgs := 0
	for _, c := range g.Emulator.Calls()[before:] {
		if strings.HasPrefix(c.Path, "/v1/organizations/") {
			orgs++
		}
	}
	if orgs > 1 {
		t.Errorf("3 reads asked e签宝 for the organization %d times, want at most once", orgs)
	}
}
