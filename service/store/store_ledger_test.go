package store

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"esign-gateway/service/store/redistest"
)

func testOrders(t *testing.T, s fixture) {
	ctx := context.Background()
	if q, err := s.Quota(ctx, "c1"); err != nil || q != (Quota{}) {
		t.Errorf("Quota(no orders) = %+v, %v", q, err)
	}
	o := &Order{CorpID: "c1", OrderID: "o1", Kind: "resale", BodyHash: "h1", EsignOrderID: "e1", Quantity: 10}
	stored, created, err := s.PlaceOrder(ctx, o)
	if err != nil || !created || stored.EsignOrderID != "e1" || stored.CreatedAt == 0 {
		t.Fatalf("PlaceOrder = %+v, %v, %v", stored, created, err)
	}
	retry := &Order{CorpID: "c1", OrderID: "o1", Kind: "resale", BodyHash: "h2", EsignOrderID: "e2", Quantity: 99}
	stored, created, err = s.PlaceOrder(ctx, retry)
	if err != nil || created || stored.BodyHash != "h1" || stored.EsignOrderID != "e1" || stored.Quantity != 10 {
		t.Errorf("PlaceOrder(again) = %+v, %v, %v; want the first order, not created", stored, created, err)
	}
	if q, err := s.Quota(ctx, "c1"); err != nil || q != (Quota{Bought: 10}) {
		t.Errorf("Quota = %+v, %v; want bought 10", q, err)
	}
	if _, created, err := s.PlaceOrder(ctx, &Order{CorpID: "c2", OrderID: "o1", Quantity: 5}); err != nil || !created {
		t.Errorf("PlaceOrder(other corp, same id) created = %v, %v; want true", created, err)
	}
}

func testQuota(t *testing.T, s fixture) {
	ctx := context.Background()
	if err := s.UseQuota(ctx, "c1", 1); !errors.Is(err, ErrNoQuota) {
		t.Errorf("UseQuota(none bought) err = %v, want ErrNoQuota", err)
	}
	if _, _, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o1", Quantity: 30}); err != nil {
		t.Fatal(err)
	}
	var ok, no atomic.Int64
	parallel(50, func(int) {
		switch err := s.UseQuota(ctx, "c1", 1); {
		case err == nil:
			ok.Add(1)
		case errors.Is(err, ErrNoQuota):
			no.Add(1)
		default:
			t.Errorf("UseQuota: %v", err)
		}
	})
	if ok.Load() != 30 || no.Load() != 20 {
		t.Errorf("UseQuota x50 on 30: %d taken, %d refused; want 30, 20", ok.Load(), no.Load())
	}
	wantQuota(t, s, "c1", Quota{Bought: 30, Used: 30})
	if err := s.ReleaseQuota(ctx, "c1", 5); err != nil {
		t.Fatal(err)
	}
	wantQuota(t, s, "c1", Quota{Bought: 30, Used: 25})
	if err := s.UseQuota(ctx, "c1", 6); !errors.Is(err, ErrNoQuota) {
		t.Errorf("UseQuota(6 of 5 left) err = %v, want ErrNoQuota", err)
	}
	if err := s.UseQuota(ctx, "c1", 5); err != nil {
		t.Errorf("UseQuota(5 of 5 left): %v", err)
	}
	if err := s.ReleaseQuota(ctx, "c1", 100); err != nil {
		t.Fatal(err)
	}
	wantQuota(t, s, "c1", Quota{Bought: 30})
}

// testLedgerOverflow: totals near MaxQuota. An order that would overflow
// is refused and not recorded (a retry is refused again, never answered
// as placed), the ledger stays exact at the top of int64 (beyond a
// double's 2^53), and an order that fits to the last unit is taken.
func testLedgerOverflow(t *testing.T, s fixture) {
	ctx := context.Background()
	const big = MaxQuota - 2 // not a double: 2^63-3
	if _, created, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o1", Quantity: big}); err != nil || !created {
		t.Fatalf("PlaceOrder(2^63-3) = %v, %v", created, err)
	}
	for range 2 { // the retry of the refused order is refused too
		if _, _, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o2", Quantity: MaxQuota}); !errors.Is(err, ErrQuotaOverflow) {
			t.Errorf("PlaceOrder(MaxQuota on top) err = %v, want ErrQuotaOverflow", err)
		}
		if _, _, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o2", Quantity: 3}); !errors.Is(err, ErrQuotaOverflow) {
			t.Errorf("PlaceOrder(3 past the top) err = %v, want ErrQuotaOverflow", err)
		}
	}
	wantQuota(t, s, "c1", Quota{Bought: big})
	if err := s.UseQuota(ctx, "c1", 1); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o2", Quantity: 2}); err != nil || !created {
		t.Fatalf("PlaceOrder(2, to the top) = %v, %v", created, err)
	}
	wantQuota(t, s, "c1", Quota{Bought: MaxQuota, Used: 1})
	if o, created, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o2", Quantity: 2}); err != nil || created || o.Quantity != 2 {
		t.Errorf("PlaceOrder(retry at the top) = %+v, %v, %v; want the stored order", o, created, err)
	}
	// Used near the top: exact, where doubles would round MaxQuota-1 and MaxQuota together.
	if err := s.UseQuota(ctx, "c1", MaxQuota-2); err != nil {
		t.Fatalf("UseQuota(all but one): %v", err)
	}
	wantQuota(t, s, "c1", Quota{Bought: MaxQuota, Used: MaxQuota - 1})
	if err := s.UseQuota(ctx, "c1", 2); !errors.Is(err, ErrNoQuota) {
		t.Errorf("UseQuota(2 of 1 left) err = %v, want ErrNoQuota", err)
	}
	if err := s.UseQuota(ctx, "c1", 1); err != nil {
		t.Errorf("UseQuota(last one): %v", err)
	}
	if err := s.UseQuota(ctx, "c1", 1); !errors.Is(err, ErrNoQuota) {
		t.Errorf("UseQuota(none left) err = %v, want ErrNoQuota", err)
	}
	wantQuota(t, s, "c1", Quota{Bought: MaxQuota, Used: MaxQuota})
	if err := s.ReleaseQuota(ctx, "c1", 1); err != nil {
		t.Fatal(err)
	}
	wantQuota(t, s, "c1", Quota{Bought: MaxQuota, Used: MaxQuota - 1})
	if _, _, err := s.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o3", Quantity: -1}); err == nil {
		t.Error("PlaceOrder(negative) was taken")
	}
}

func wantQuota(t *testing.T, s backend, corpID string, want Quota) {
	t.Helper()
	if q, err := s.Quota(context.Background(), corpID); err != nil || q != want {
		t.Errorf("Quota(%s) = %+v, %v; want %+v", corpID, q, err, want)
	}
}

// TestRedisAllow: the rate limit every replica shares (GCRA in Redis). The
// embedded store has none: a gateway on it limits in-process
// (middleware.LocalLimiter).
func TestRedisAllow(t *testing.T) {
	t.Run("single", func(t *testing.T) { testAllow(t, redisOpener([]string{redistest.Start(t).Addr()})(t).backend.(*Redis)) })
	t.Run("cluster", func(t *testing.T) { testAllow(t, redisOpener(redistest.StartCluster(t, 3))(t).backend.(*Redis)) })
}

func testAllow(t *testing.T, s *Redis) {
	ctx := context.Background()
	allowed := 0
	for range 10 {
		ok, err := s.Allow(ctx, "corp:c1", 5)
		if err != nil {
			t.Fatalf("Allow: %v", err)
		}
		if ok {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("Allow x10 at limit 5: %d allowed, want 5", allowed)
	}
	if ok, err := s.Allow(ctx, "corp:c2", 5); err != nil || !ok {
		t.Errorf("Allow(other key) = %v, %v; want true", ok, err)
	}
	if ok, err := s.Allow(ctx, "corp:c3", 0); err != nil || ok {
		t.Errorf("Allow(limit 0) = %v, %v; want false", ok, err)
	}
}
