package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"esign-gateway/service"
	"esign-gateway/service/store"
	"esign-gateway/test/testkit"

	"esign-gateway/api/apitest"
)

// TestRevocationAcrossReplicas: two gateways on one Redis. A token
// revoked through one is refused by the other when the change notice
// arrives, and, if the notice is lost, once the other's cached view is
// RevocationTTL old. Replica b runs on a test clock, so neither check
// depends on how fast this machine is: with b's clock stopped only the
// notice can make b refuse, and without a notice only moving the clock can.
func TestRevocationAcrossReplicas(t *testing.T) {
	const ttl = time.Second // service.Config's default RevocationTTL
	replicas := func(t *testing.T) (a, b *apitest.Gateway, clk *testkit.Clock, tok string) {
		a = apitest.New(t, apitest.Options{Store: "redis"})
		tok = a.Token(apitest.CorpB)
		clk = testkit.NewClock(time.Now()) // after the mint: b sees the token as issued in its past
		b = apitest.New(t, apitest.Options{Store: "redis", RedisAddr: a.RedisAddr, Emulator: a.Emulator,
			Service: func(c *service.Config) { c.Now = clk.Now }})
		if res := b.Do("GET", "/v2.0/esign/margins", tok, nil); res.Status != 200 {
			t.Fatalf("replica b before the cancel: %d %s", res.Status, res.Raw)
		}
		return a, b, clk, tok
	}
	refused := func(t *testing.T, g *apitest.Gateway, tok string) bool {
		t.Helper()
		res := g.Do("GET", "/v2.0/esign/margins", tok, nil)
		if res.Status != 200 && (res.Status != 400 || res.JSON["code"] != "InvalidAuthentication") {
			t.Fatalf("got %d %s, want 200 or 400 InvalidAuthentication", res.Status, res.Raw)
		}
		return res.Status == 400
	}

	t.Run("notice", func(t *testing.T) {
		a, b, _, tok := replicas(t)
		// Both replicas follow the corp change channel before the cancel,
		// or b could miss the notice by subscribing after it.
		rdb := redis.NewClient(&redis.Options{Addr: a.RedisAddr})
		defer rdb.Close()
		eventually(t, 10*time.Second, "both replicas subscribed", func() bool {
			n, err := rdb.PubSubNumSub(context.Background(), "gw:corp-changes").Result()
			return err == nil && n["gw:corp-changes"] >= 2
		})
		if res := a.Do("POST", "/v2.0/esign/auths/cancel", tok, nil); res.Status != 200 {
			t.Fatalf("cancel on a: %d %s", res.Status, res.Raw)
		}
		// b's clock stands still: its cached view never ages, so only the
		// notice can make b refuse. The deadline guards a hang; it is not
		// the bound under test.
		eventually(t, 10*time.Second, "replica b refuses the revoked token on the notice", func() bool { return refused(t, b, tok) })
	})

	t.Run("lost notice", func(t *testing.T) {
		a, b, clk, tok := replicas(t)
		// The corp's epoch moves on in the store, as CancelCorpAuth does,
		// but no notice goes out (one lost in transit).
		if _, err := a.Store.UpdateCorp(context.Background(), apitest.CorpB, func(c *store.Corp) error {
			c.Authorized = false
			c.Epoch++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(ttl - time.Millisecond)
		if refused(t, b, tok) {
			t.Fatalf("replica b refused before its view was %v old and without a notice: the test cannot tell the TTL from the notice", ttl)
		}
		clk.Advance(time.Millisecond)
		if !refused(t, b, tok) {
			t.Fatalf("replica b still accepts the revoked token once its view is %v old", ttl)
		}
	})
}

// TestOrdersAndQuota: orders are idempotent per orderId and corp, a reused
// orderId with another body is a 409, margin is bought minus used, and a
// corp without quota cannot create a flow (nothing is created upstream).
func TestOrdersAndQuota(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
			order := map[string]any{"itemCode": "c1", "itemName": "套餐", "orderId": "o-1", "payFee": 100, "quantity": 10, "orderCreateTime": 1700000000000}
			first := g.Do("POST", "/v2.0/esign/orders/channel", tokA, order)
			again := g.Do("POST", "/v2.0/esign/orders/channel", tokA, order)
			if first.Status != 200 || again.JSON["esignOrderId"] != first.JSON["esignOrderId"] {
				t.Fatalf("retry of an order: %s / %s", first.Raw, again.Raw)
			}
			order["quantity"] = 11
			if res := g.Do("POST", "/v2.0/esign/orders/channel", tokA, order); res.Status != 400 || res.JSON["code"] != "doRepeatOrderError" {
				t.Errorf("reused orderId with another body: %d %s", res.Status, res.Raw)
			}
			// Another corp's orderId space is its own.
			other := g.Do("POST", "/v2.0/esign/orders/channel", tokB, order)
			if other.Status != 200 || other.JSON["esignOrderId"] == first.JSON["esignOrderId"] {
				t.Errorf("corp B with corp A's orderId: %d %s", other.Status, other.Raw)
			}
			margin := func(tok string) float64 {
				return g.Do("GET", "/v2.0/esign/margins", tok, nil).JSON["margin"].(float64)
			}
			if m := margin(tokA); m != 110 {
				t.Errorf("margin %v, want 100 initial + 10 bought", m)
			}
			g.CreateFlow(tokA, nil)
			if m := margin(tokA); m != 109 {
				t.Errorf("margin after a flow %v, want 109", m)
			}
			// Use up corp B's quota (100 initial + 11), then one more is refused upstream-free.
			if err := g.Store.UseQuota(context.Background(), apitest.CorpB, 111); err != nil {
				t.Fatal(err)
			}
			file := g.Upload(tokB, "x.pdf", apitest.PDF)
			before := g.Emulator.CallCount("/api/v2/signflows/createFlowOneStep")
			res := g.Do("POST", "/v2.0/esign/process/startAtOnce", tokB, map[string]any{"taskName": "t", "initiatorUserId": "u1",
				"files":        []map[string]any{{"fileId": file, "fileName": "x.pdf", "fileType": 1}},
				"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}})
			if res.Status != 400 || res.JSON["code"] != "createFlowError" {
				t.Errorf("no quota: %d %s", res.Status, res.Raw)
			}
			if n := g.Emulator.CallCount("/api/v2/signflows/createFlowOneStep") - before; n != 0 {
				t.Errorf("%d flows created upstream without quota", n)
			}
			if m := margin(tokB); m != 0 {
				t.Errorf("margin %v, want 0", m)
			}
		})
	}
}

// TestCorpConsoleV1Header: esign_1.0 CorpConsole leaves the number-typed
// orgConsoleUrl out and sends the address, the same as esign_2.0's, in a header.
func TestCorpConsoleV1Header(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	g.VerifyCorp(tok, apitest.CorpA, "u1", "manage_org_resource")
	v1 := g.Do("GET", "/v1.0/esign/corps/console", tok, nil)
	v2 := g.Do("GET", "/v2.0/esign/corps/consoles", tok, nil)
	data, _ := v1.JSON["data"].(map[string]any)
	if v1.Status != 200 || data == nil || len(data) != 0 {
		t.Fatalf("v1: %d %s, want data {}", v1.Status, v1.Raw)
	}
	want, _ := v2.JSON["orgConsoleUrl"].(string)
	if got := v1.Header.Get("x-esign-org-console-url"); want == "" || got != want {
		t.Errorf("header %q, want esign_2.0's %q", got, want)
	}
}
