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

func testOutboxDefer(t *testing.T, s fixture) {
	ctx := context.Background()
	enqueue(t, s, &Event{ID: "e1", Key: "A"}, &Event{ID: "e2", Key: "A"})
	events, err := s.Claim(ctx, t0, time.Minute, 10)
	if err != nil || len(events) != 1 {
		t.Fatalf("Claim = %v, %v", ids(events), err)
	}
	e := events[0]
	if err := s.Defer(ctx, e, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if e.Attempts != 0 || e.NextAt != t0.Add(time.Second).UnixMilli() {
		t.Errorf("after Defer: %+v, want no attempt counted", e)
	}
	wantClaim(t, s, t0)
	events, err = s.Claim(ctx, t0.Add(time.Second), time.Minute, 10)
	if err != nil || len(events) != 1 || events[0].ID != "e1" || events[0].Attempts != 0 {
		t.Errorf("Claim after Defer = %+v, %v; want e1 with 0 attempts", events, err)
	}
	if err := s.Defer(ctx, &Event{ID: "gone", Key: "A"}, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Defer(missing) = %v, want ErrNotFound", err)
	}
}

// testOutboxDead: a buried key leaves the claimable outbox with every
// event behind its head, including ones enqueued later; it is listed in
// order and comes back, in order, on Revive.
func testOutboxDead(t *testing.T, s fixture) {
	ctx := context.Background()
	enqueue(t, s,
		&Event{ID: "a1", Key: "A", CorpID: "c1", Payload: []byte(`{"n":1}`), CreatedAt: t0.Add(-3 * time.Second).UnixMilli()},
		&Event{ID: "a2", Key: "A", CorpID: "c1", CreatedAt: t0.Add(-2 * time.Second).UnixMilli()},
		&Event{ID: "b1", Key: "B", CorpID: "c2", CreatedAt: t0.Add(-1 * time.Second).UnixMilli()},
	)
	events, err := s.Claim(ctx, t0, time.Minute, 10)
	if err != nil || len(events) != 2 {
		t.Fatalf("Claim = %v, %v", ids(events), err)
	}
	a1 := events[0]
	if a1.ID != "a1" {
		a1 = events[1]
	}
	if err := s.Bury(ctx, a1, "no noticeUrl", t0); err != nil {
		t.Fatal(err)
	}
	if a1.Attempts != 1 || a1.LastError != "no noticeUrl" {
		t.Errorf("after Bury: %+v", a1)
	}
	enqueue(t, s, &Event{ID: "a3", Key: "A", CorpID: "c1", CreatedAt: t0.UnixMilli()}) // joins its dead key
	wantClaim(t, s, t0.Add(time.Hour), "b1")                                           // b1's lease ran out; A is dead
	want := OutboxStats{Depth: 1, Dead: 3, OldestAge: 1000}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st != want {
		t.Errorf("OutboxStats = %+v, %v; want %+v", st, err, want)
	}
	dead, err := s.DeadEvents(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range dead {
		got = append(got, e.ID)
		if e.DeadAt != t0.UnixMilli() || e.CorpID != "c1" {
			t.Errorf("dead event %+v, want DeadAt %d and corp c1", e, t0.UnixMilli())
		}
	}
	if !slices.Equal(got, []string{"a1", "a2", "a3"}) || dead[0].LastError != "no noticeUrl" || string(dead[0].Payload) != `{"n":1}` {
		t.Errorf("DeadEvents = %v (%+v), want a1 a2 a3 in order", got, dead[0])
	}
	if two, _ := s.DeadEvents(ctx, 2); len(two) != 2 {
		t.Errorf("DeadEvents(2) = %d events", len(two))
	}
	// Reviving everything dead brings A back with its attempts reset; the
	// events come in order again.
	if n, err := s.Revive(ctx, Revival{}, t0.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("Revive(all dead) = %d, %v; want 1 key", n, err)
	}
	events, err = s.Claim(ctx, t0.Add(2*time.Hour), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.ID == "a1" && e.Attempts != 0 {
			t.Errorf("revived a1 = %+v, want 0 attempts", e)
		}
	}
	for _, id := range []string{"a1", "a2", "a3"} {
		if err := s.Ack(ctx, &Event{ID: id, Key: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := s.OutboxStats(ctx, t0); err != nil || st.Dead != 0 || st.Depth != 1 {
		t.Errorf("OutboxStats after acks = %+v, %v; want only b1", st, err)
	}
	if dead, err := s.DeadEvents(ctx, 10); err != nil || len(dead) != 0 {
		t.Errorf("DeadEvents after revive = %v, %v", ids(dead), err)
	}
}

// testOutboxRevive: a corp's noticeUrl arriving makes its dead keys and
// its waiting heads due at once; leased heads and other corps are left
// alone.
func testOutboxRevive(t *testing.T, s fixture) {
	ctx := context.Background()
	enqueue(t, s,
		&Event{ID: "w", Key: "W", CorpID: "c1"},
		&Event{ID: "d", Key: "D", CorpID: "c1"},
		&Event{ID: "l", Key: "L", CorpID: "c1"},
		&Event{ID: "o", Key: "O", CorpID: "c2"},
	)
	events, err := s.Claim(ctx, t0, time.Hour, 10)
	if err != nil || len(events) != 4 {
		t.Fatalf("Claim = %v, %v", ids(events), err)
	}
	far := t0.Add(5 * time.Minute)
	for _, e := range events {
		switch e.ID {
		case "w", "o":
			err = s.Retry(ctx, e, far, "502")
		case "d":
			err = s.Bury(ctx, e, "gave up", t0)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(time.Second)
	wantClaim(t, s, now)
	if n, err := s.Revive(ctx, Revival{CorpID: "c1"}, now); err != nil || n != 2 {
		t.Fatalf("Revive(c1) = %d, %v; want 2 (w waiting, d dead; l is leased)", n, err)
	}
	events, err = s.Claim(ctx, now, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(events); !slices.Equal(got, []string{"d", "w"}) {
		t.Errorf("Claim after Revive = %v, want d w", got)
	}
	for _, e := range events {
		if e.Attempts != 0 {
			t.Errorf("revived %s has %d attempts, want 0", e.ID, e.Attempts)
		}
	}
	if n, err := s.Revive(ctx, Revival{EventID: "o"}, now); err != nil || n != 1 {
		t.Errorf("Revive(event o) = %d, %v; want 1", n, err)
	}
	wantClaim(t, s, now, "o")
	if n, err := s.Revive(ctx, Revival{EventID: "missing"}, now); err != nil || n != 0 {
		t.Errorf("Revive(missing) = %d, %v; want 0, nil", n, err)
	}
}
