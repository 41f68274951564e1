package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// t0 is the outbox tests' "now"; Claim and OutboxStats take time as an
// argument, so no clock is needed.
var t0 = time.UnixMilli(1_700_000_000_000)

func enqueue(t *testing.T, s backend, events ...*Event) {
	t.Helper()
	for _, e := range events {
		if err := s.Enqueue(context.Background(), e); err != nil {
			t.Fatalf("Enqueue(%s): %v", e.ID, err)
		}
	}
}

// claim claims at now and returns the ids, sorted.
func claim(t *testing.T, s backend, now time.Time, lease time.Duration) []string {
	t.Helper()
	events, err := s.Claim(context.Background(), now, lease, 100)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	return ids(events)
}

func ids(events []*Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.ID)
	}
	slices.Sort(out)
	return out
}

func wantClaim(t *testing.T, s backend, now time.Time, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if got := claim(t, s, now, time.Minute); !slices.Equal(got, want) {
		t.Errorf("Claim at %v = %v, want %v", now.Sub(t0), got, want)
	}
}

func testOutboxOrder(t *testing.T, s fixture) {
	ctx := context.Background()
	enqueue(t, s,
		&Event{ID: "a1", Key: "A", CorpID: "c1", Payload: []byte(`{"n":1}`)},
		&Event{ID: "a2", Key: "A", CorpID: "c1"},
		&Event{ID: "b1", Key: "B", CorpID: "c1"},
		&Event{ID: "a3", Key: "A", CorpID: "c1"},
	)
	if err := s.Enqueue(ctx, &Event{ID: "a1", Key: "A"}); !errors.Is(err, ErrExists) {
		t.Errorf("Enqueue(dup) err = %v, want ErrExists", err)
	}
	events, err := s.Claim(ctx, t0, time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(events); !slices.Equal(got, []string{"a1", "b1"}) {
		t.Fatalf("Claim = %v, want the heads a1, b1", got)
	}
	for _, e := range events {
		if e.ID == "a1" && (string(e.Payload) != `{"n":1}` || e.CorpID != "c1" || e.CreatedAt == 0) {
			t.Errorf("claimed a1 = %+v", e)
		}
	}
	wantClaim(t, s, t0) // both heads are leased
	for _, step := range []struct {
		ack  string
		want []string
	}{{"a1", []string{"a2"}}, {"b1", nil}, {"a2", []string{"a3"}}, {"a3", nil}} {
		if err := s.Ack(ctx, &Event{ID: step.ack, Key: map[bool]string{true: "B", false: "A"}[step.ack == "b1"]}); err != nil {
			t.Fatalf("Ack(%s): %v", step.ack, err)
		}
		wantClaim(t, s, t0, step.want...)
	}
	if err := s.Ack(ctx, &Event{ID: "a3", Key: "A"}); err != nil {
		t.Errorf("Ack(again): %v", err)
	}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st.Depth != 0 {
		t.Errorf("OutboxStats = %+v, %v; want empty", st, err)
	}
}

func testOutboxConcurrentClaim(t *testing.T, s fixture) {
	const n = 30
	for i := range n {
		enqueue(t, s, &Event{ID: fmt.Sprintf("e%02d", i), Key: fmt.Sprintf("k%d", i%10)})
	}
	var mu sync.Mutex
	seen := map[string]int{}
	parallel(2, func(int) {
		for range 5 {
			events, err := s.Claim(context.Background(), t0, time.Minute, 4)
			if err != nil {
				t.Errorf("Claim: %v", err)
				return
			}
			mu.Lock()
			for _, e := range events {
				seen[e.ID]++
			}
			mu.Unlock()
		}
	})
	// Ten keys, so ten heads, each leased to exactly one claimant.
	if len(seen) != 10 {
		t.Errorf("claimed %d distinct events, want 10 (one per key): %v", len(seen), seen)
	}
	for id, c := range seen {
		if c != 1 || id >= "e10" {
			t.Errorf("event %s claimed %d times (want once, and only heads e00-e09)", id, c)
		}
	}
}

func testOutboxLease(t *testing.T, s fixture) {
	enqueue(t, s, &Event{ID: "e1", Key: "A"}, &Event{ID: "e2", Key: "A"})
	if got := claim(t, s, t0, 10*time.Second); !slices.Equal(got, []string{"e1"}) {
		t.Fatalf("Claim = %v, want e1", got)
	}
	wantClaim(t, s, t0.Add(9999*time.Millisecond))
	// The claimant died: the lease runs out and the head is offered again,
	// still ahead of e2.
	wantClaim(t, s, t0.Add(10*time.Second), "e1")
}

func testOutboxRetry(t *testing.T, s fixture) {
	ctx := context.Background()
	enqueue(t, s,
		&Event{ID: "e1", Key: "A"},
		&Event{ID: "e2", Key: "A"},
		&Event{ID: "later", Key: "B", NextAt: t0.Add(time.Hour).UnixMilli()},
	)
	events, err := s.Claim(ctx, t0, time.Minute, 10)
	if err != nil || len(events) != 1 {
		t.Fatalf("Claim = %v, %v; want e1 only", ids(events), err)
	}
	e := events[0]
	next := t0.Add(30 * time.Second)
	if err := s.Retry(ctx, e, next, "HTTP 502"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if e.Attempts != 1 || e.NextAt != next.UnixMilli() || e.LastError != "HTTP 502" {
		t.Errorf("event after Retry = %+v", e)
	}
	wantClaim(t, s, t0)                          // e1 waits, and e2 waits behind it
	wantClaim(t, s, next.Add(-time.Millisecond)) // not yet
	events, err = s.Claim(ctx, next, 3*time.Hour, 10)
	if err != nil || len(events) != 1 || events[0].ID != "e1" {
		t.Fatalf("Claim at next = %v, %v; want e1", ids(events), err)
	}
	if got := events[0]; got.Attempts != 1 || got.LastError != "HTTP 502" || got.NextAt != next.UnixMilli() {
		t.Errorf("claimed after retry = %+v", got)
	}
	wantClaim(t, s, t0.Add(2*time.Hour), "later") // e1 is leased; "later" is due
	if err := s.Retry(ctx, &Event{ID: "gone", Key: "A"}, next, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Retry(missing) err = %v, want ErrNotFound", err)
	}
}

func testOutboxStats(t *testing.T, s fixture) {
	ctx := context.Background()
	if st, err := s.OutboxStats(ctx, t0); err != nil || st != (OutboxStats{}) {
		t.Errorf("OutboxStats(empty) = %+v, %v", st, err)
	}
	enqueue(t, s,
		&Event{ID: "e1", Key: "A", CreatedAt: t0.Add(-2 * time.Second).UnixMilli()},
		&Event{ID: "e2", Key: "B", CreatedAt: t0.Add(-5 * time.Second).UnixMilli()},
		&Event{ID: "e3", Key: "A", CreatedAt: t0.Add(-1 * time.Second).UnixMilli()},
	)
	want := OutboxStats{Depth: 3, OldestAge: 5000}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st != want {
		t.Errorf("OutboxStats = %+v, %v; want %+v", st, err, want)
	}
	if err := s.Ack(ctx, &Event{ID: "e2", Key: "B"}); err != nil {
		t.Fatal(err)
	}
	want = OutboxStats{Depth: 2, OldestAge: 2000}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st != want {
		t.Errorf("OutboxStats after Ack = %+v, %v; want %+v", st, err, want)
	}
}
