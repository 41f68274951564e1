package api_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
	"esign-gateway/esign"
	"esign-gateway/service"
	"esign-gateway/service/store"
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

// withApps adds third-party apps (key: corps list) to the test gateway's
// config; the suite app lists only the corps of owned.
func withApps(o apitest.Options, owned []string, extra map[string][]string) apitest.Options {
	o.Config = func(c *gateway.Config) {
		for i := range c.Dingtalk.Apps {
			if c.Dingtalk.Apps[i].Key == apitest.SuiteKey {
				c.Dingtalk.Apps[i].Corps = owned
			}
		}
		for key, corps := range extra {
			c.Dingtalk.Apps = append(c.Dingtalk.Apps, service.App{Key: key, Secret: key + "-secret", Type: service.AppISVEnterprise, Corps: corps})
		}
	}
	return o
}

// corpToken asks g for a corp token of app key (its secret key+"-secret",
// or the suite's) for corp.
func corpToken(g *apitest.Gateway, key, corp string) *apitest.Response {
	secret := key + "-secret"
	if key == apitest.SuiteKey {
		secret = apitest.SuiteSecret
	}
	return g.Do("POST", "/v1.0/oauth2/corpAccessToken", "",
		map[string]string{"suiteKey": key, "suiteSecret": secret, "authCorpId": corp, "suiteTicket": "t"})
}

// TestCorpOwnership (issue 13 item 5): a corp an app's config lists is that
// app's: an app without a corps list cannot take it, neither before nor
// after the owner's first token, and a claim made before the config named
// the owner is taken back (the squatter's tokens stop working). A corp no
// app lists goes to the first app that asks, exactly one of two racing.
func TestCorpOwnership(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, withApps(apitest.Options{Store: kind}, []string{apitest.CorpA, apitest.CorpB}, map[string][]string{"squat": nil}))
			for _, corp := range []string{apitest.CorpA, apitest.CorpB} {
				if res := corpToken(g, "squat", corp); res.Status != 400 || res.JSON["code"] != "invalidAuthInfo" {
					t.Errorf("squatter's token for listed %s: %d %s; want 400 invalidAuthInfo", corp, res.Status, res.Raw)
				}
			}
			if res := corpToken(g, apitest.SuiteKey, apitest.CorpA); res.Status != 200 {
				t.Fatalf("owner's token: %d %s", res.Status, res.Raw)
			}
			if res := corpToken(g, "squat", apitest.CorpA); res.Status != 400 || res.JSON["code"] != "invalidAuthInfo" {
				t.Errorf("squatter's token after the owner's: %d %s", res.Status, res.Raw)
			}

			// Unlisted corps: first claim wins, atomically.
			for i := range 4 {
				corp := fmt.Sprintf("corp-free-%d", i)
				res := make([]*apitest.Response, 8)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for j := range res {
					key := []string{apitest.SuiteKey, "squat"}[j%2]
					wg.Go(func() { <-start; res[j] = corpToken(g, key, corp) })
				}
				close(start)
				wg.Wait()
				won := map[int]bool{}
				for j, r := range res {
					if r.Status == 200 {
						won[j%2] = true
					} else if r.Status != 400 || r.JSON["code"] != "invalidAuthInfo" {
						t.Errorf("%s claim %d: %d %s", corp, j, r.Status, r.Raw)
					}
				}
				if len(won) != 1 {
					t.Errorf("%s: claimed by %d apps, want 1", corp, len(won))
				}
			}
		})
	}
}

// TestCorpReclaimed: a corp claimed by an app with no corps list, on a
// store that then serves a config listing the corp for another app, goes
// to the listed app; the squatter's old token and new requests are
// refused, on every replica.
func TestCorpReclaimed(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			before := apitest.New(t, withApps(apitest.Options{Store: kind}, []string{apitest.CorpA}, map[string][]string{"squat": nil}))
			res := corpToken(before, "squat", "corp-late")
			if res.Status != 200 {
				t.Fatalf("squatter's claim of an unlisted corp: %d %s", res.Status, res.Raw)
			}
			old := res.JSON["accessToken"].(string)
			o := apitest.Options{Store: kind, Emulator: before.Emulator, BoltPath: before.BoltPath, RedisAddr: before.RedisAddr}
			before.Close()
			after := apitest.New(t, withApps(o, []string{apitest.CorpA, "corp-late"}, map[string][]string{"squat": nil}))
			if res := after.Do("GET", "/v2.0/esign/margins", old, nil); res.Status != 400 || res.JSON["code"] != "InvalidAuthentication" {
				t.Errorf("squatter's old token: %d %s; want 400 InvalidAuthentication", res.Status, res.Raw)
			}
			if res := corpToken(after, "squat", "corp-late"); res.Status != 400 || res.JSON["code"] != "invalidAuthInfo" {
				t.Errorf("squatter's new token: %d %s", res.Status, res.Raw)
			}
			res = corpToken(after, apitest.SuiteKey, "corp-late")
			if res.Status != 200 {
				t.Fatalf("owner's token: %d %s", res.Status, res.Raw)
			}
			if m := after.Do("GET", "/v2.0/esign/margins", res.JSON["accessToken"].(string), nil); m.Status != 200 {
				t.Errorf("owner's call: %d %s", m.Status, m.Raw)
			}
			if c, err := after.Store.Corp(t.Context(), "corp-late"); err != nil || c.AppKey != apitest.SuiteKey || !c.Authorized {
				t.Errorf("stored corp = %+v, %v; want the owner's, authorized", c, err)
			}
		})
	}
}

// TestOutsideAccounts (issue 13 item 4): outside signers whose accounts the
// old key folded together (bob+1@x.com, bob_1@x.com, and the DingTalk user
// acct_bob_1_x.com) are three e签宝 persons; GetExecuteUrl matches each
// exactly, and an outside account never passes for a DingTalk user. A
// person stored under the old key is still used when e签宝 holds exactly
// that account for it, and not for another account of the same old key.
func TestOutsideAccounts(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			tok := g.Token(apitest.CorpA)
			ctx := t.Context()

			// Legacy data: carol's account, stored under the old key.
			ec, err := esign.New(esign.Config{BaseURL: g.Emulator.URL(), AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret})
			if err != nil {
				t.Fatal(err)
			}
			carolID, err := ec.CreatePerson(ctx, &esign.CreatePersonRequest{ThirdPartyUserID: "dt-user:corp-a:acct_carol_x.com", Email: "carol@x.com"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := g.Store.PutUser(ctx, &store.User{CorpID: apitest.CorpA, UserID: "acct_carol_x.com", AccountID: carolID}); err != nil {
				t.Fatal(err)
			}

			outside := func(acct string) map[string]any {
				return map[string]any{"accountType": "OUTER_USER", "account": acct, "signRequirements": "2"}
			}
			task := g.CreateFlow(tok, map[string]any{"participants": []map[string]any{
				outside("bob+1@x.com"), outside("bob_1@x.com"), outside("carol@x.com"), outside("carol+x.com"),
				{"accountType": "DING_USER", "userId": "acct_bob_1_x.com", "signRequirements": "2"},
			}})
			st, err := g.Store.Task(ctx, task)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]string{} // account or userId -> e签宝 accountId
			seen := map[string]bool{}
			for i, p := range st.Participants { // in the request's order
				who := []string{"bob+1@x.com", "bob_1@x.com", "carol@x.com", "carol+x.com", "acct_bob_1_x.com"}[i]
				ids[who] = p.AccountID
				if seen[p.AccountID] {
					t.Errorf("%s shares e签宝 account %s with another participant", who, p.AccountID)
				}
				seen[p.AccountID] = true
			}
			if ids["carol@x.com"] != carolID {
				t.Errorf("carol@x.com got %s, want her stored account %s", ids["carol@x.com"], carolID)
			}
			exec := func(task, account string) *apitest.Response {
				return g.Call("GetExecuteUrl", "esign_2.0", tok, map[string]any{"taskId": task, "account": account, "signContainer": 2})
			}
			for who, id := range ids {
				res := exec(task, who)
				if res.Status != 200 || !strings.Contains(fmt.Sprint(res.JSON["longUrl"]), "account="+id) {
					t.Errorf("GetExecuteUrl(%s): %d %s; want the page of %s", who, res.Status, res.Raw, id)
				}
			}
			for _, nobody := range []string{"bob_1@x.com ", "BOB+1@x.com", "bob"} {
				if res := exec(task, nobody); res.Status != 400 || res.JSON["code"] != "getSignUrlError" {
					t.Errorf("GetExecuteUrl(%q): %d %s; want 400 getSignUrlError", nobody, res.Status, res.Raw)
				}
			}

			// A task stored before participants kept their account: the
			// outside participant is matched by the contact e签宝 holds.
			if _, err := g.Store.UpdateTask(ctx, task, func(t *store.Task) error {
				for i := range t.Participants {
					t.Participants[i].Account = ""
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for _, who := range []string{"bob+1@x.com", "carol@x.com"} {
				if res := exec(task, who); res.Status != 200 || !strings.Contains(fmt.Sprint(res.JSON["longUrl"]), "account="+ids[who]) {
					t.Errorf("GetExecuteUrl(%s) on a legacy task: %d %s", who, res.Status, res.Raw)
				}
			}
			if res := exec(task, "bob_2@x.com"); res.Status != 400 {
				t.Errorf("GetExecuteUrl(stranger) on a legacy task: %d %s", res.Status, res.Raw)
			}

			// A DingTalk-user flow: an outside account that folds to the
			// user's id is not that user.
			dt := g.CreateFlow(tok, map[string]any{"participants": []map[string]any{
				{"accountType": "DING_USER", "userId": "acct_bob_1_x.com", "signRequirements": "2"}}})
			for _, acct := range []string{"bob_1@x.com", "bob+1@x.com"} {
				if res := exec(dt, acct); res.Status != 400 || res.JSON["code"] != "getSignUrlError" {
					t.Errorf("GetExecuteUrl(%s) on a DingTalk-user flow: %d %s; want 400 getSignUrlError", acct, res.Status, res.Raw)
				}
			}
		})
	}
}
