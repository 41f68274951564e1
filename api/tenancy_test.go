package api_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"esign-gateway/api/apitest"
)

// adminBind is POST /admin/v1/tasks on g.
func adminBind(g *apitest.Gateway, corpID, flowID string) *apitest.Response {
	req := httptest.NewRequest("POST", "/admin/v1/tasks", strings.NewReader(`{"corpId":"`+corpID+`","flowId":"`+flowID+`"}`))
	req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	return g.Serve(req)
}

// TestBindFlowRace (issue 13 item 9): binds of one flow to two corps, sent
// at once (on bolt from goroutines of one gateway, on Redis from two
// replicas on one Redis), bind it to exactly one corp: every 200 names the
// same task, every other answer is the documented 400, and only the
// winning corp can read the flow.
func TestBindFlowRace(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			origin := apitest.New(t, apitest.Options{})
			tok := origin.Token(apitest.CorpA)
			a := apitest.New(t, apitest.Options{Store: kind, Emulator: origin.Emulator})
			b := a
			if kind == "redis" {
				b = apitest.New(t, apitest.Options{Store: kind, RedisAddr: a.RedisAddr, Emulator: origin.Emulator})
			}
			corps := []string{apitest.CorpA, apitest.CorpB}
			toks := map[string]string{apitest.CorpA: a.Token(apitest.CorpA), apitest.CorpB: a.Token(apitest.CorpB)}
			for round := range 4 {
				flow := origin.FlowID(origin.CreateFlow(tok, nil))
				const n = 8
				res := make([]*apitest.Response, n)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range n {
					g := a
					if i%2 == 1 {
						g = b
					}
					wg.Go(func() { <-start; res[i] = adminBind(g, corps[(i/2)%2], flow) })
				}
				close(start)
				wg.Wait()
				winners := map[string]string{} // taskId -> corp
				for i, r := range res {
					switch {
					case r.Status == 200:
						winners[fmt.Sprint(r.JSON["taskId"])] = corps[(i/2)%2]
					case r.Status != 400 || r.JSON["code"] != "invalidRequest.invalidAguemnts":
						t.Errorf("round %d bind %d: %d %s", round, i, r.Status, r.Raw)
					}
				}
				if len(winners) != 1 {
					t.Fatalf("round %d: flow %s bound as %v, want one task of one corp", round, flow, winners)
				}
				for task, corp := range winners {
					for _, c := range corps {
						got := a.Do("GET", "/v2.0/esign/flowTasks/"+task, toks[c], nil)
						if (c == corp) != (got.Status == 200) {
							t.Errorf("round %d: corp %s reads task of %s: %d %s", round, c, corp, got.Status, got.Raw)
						}
					}
				}
			}
		})
	}
}

// TestLedgerOverflow (issue 13 item 8): an order of 2^63-1 contracts on top
// of the corp's quota is the documented 400, is not recorded (its retry
// is refused again, never a 200 with nothing credited) and leaves the
// margin alone; an order that fits is credited once however often it is
// retried.
func TestLedgerOverflow(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			tok := g.Token(apitest.CorpA)
			margin := func() float64 {
				t.Helper()
				res := g.Do("GET", "/v2.0/esign/margins", tok, nil)
				if res.Status != 200 {
					t.Fatalf("margin: %d %s", res.Status, res.Raw)
				}
				return res.JSON["margin"].(float64)
			}
			before := margin()
			order := func(id string, qty any) *apitest.Response {
				return g.Do("POST", "/v2.0/esign/orders/resale", tok, `{"orderId":"`+id+`","quantity":`+fmt.Sprint(qty)+
					`,"orderCreateTime":1700000000000,"serviceStartTime":1700000000000,"serviceStopTime":1800000000000}`)
			}
			for range 2 {
				res := order("huge", "9223372036854775807")
				// requestParamError: the action's documented code for a bad parameter.
				if res.Status != 400 || res.JSON["code"] != "requestParamError" || !strings.Contains(fmt.Sprint(res.JSON["message"]), "quantity") {
					t.Errorf("order of 2^63-1: %d %s; want 400 requestParamError naming quantity", res.Status, res.Raw)
				}
			}
			if got := margin(); got != before {
				t.Errorf("margin after the refused order = %v, want %v", got, before)
			}
			first := order("small", 5)
			again := order("small", 5)
			if first.Status != 200 || again.Status != 200 || first.JSON["esignOrderId"] != again.JSON["esignOrderId"] {
				t.Errorf("order and retry: %d %s / %d %s", first.Status, first.Raw, again.Status, again.Raw)
			}
			if got := margin(); got != before+5 {
				t.Errorf("margin = %v, want %v", got, before+5)
			}
		})
	}
}
