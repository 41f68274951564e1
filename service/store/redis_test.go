package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"esign-gateway/service/store/redistest"
)

func TestRedisConfigDefaults(t *testing.T) {
	o := RedisConfig{}.options()
	for _, tc := range []struct {
		name      string
		got, want time.Duration
	}{
		{"DialTimeout", o.DialTimeout, 200 * time.Millisecond},
		{"ReadTimeout", o.ReadTimeout, 100 * time.Millisecond},
		{"WriteTimeout", o.WriteTimeout, 100 * time.Millisecond},
		{"PoolTimeout", o.PoolTimeout, 150 * time.Millisecond},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if o.MaxRetries != 1 || o.DialerRetries != 1 || !o.ContextTimeoutEnabled {
		t.Errorf("MaxRetries = %d, DialerRetries = %d, ContextTimeoutEnabled = %v; want 1, 1, true",
			o.MaxRetries, o.DialerRetries, o.ContextTimeoutEnabled)
	}
	if got := (RedisConfig{MaxRetries: -1}).options().MaxRetries; got != -1 {
		t.Errorf("MaxRetries(-1) = %d, want -1 (none)", got)
	}
	if p := NewRedis(nil, "").p; p != DefaultRedisPrefix {
		t.Errorf("default prefix = %q, want %q", p, DefaultRedisPrefix)
	}
}

// TestRedisOutage kills Redis under a live store: calls must fail fast with
// a backend error (never a sentinel such as ErrNotFound, which would be a
// wrong answer), and work again once Redis is back, subscription included.
func TestRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	r, err := OpenRedis(RedisConfig{Addrs: []string{srv.Addr()}, Prefix: "outage:"}) // production timeouts
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	if err := r.CreateTask(ctx, &Task{ID: "t1", CorpID: "c1", FlowID: "f1"}); err != nil {
		t.Fatal(err)
	}
	changes := make(chan string, 16)
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := r.SubscribeCorpChanges(subCtx, func(id string) { changes <- id }); err != nil {
		t.Fatal(err)
	}

	// Each call goes through a store of its own on the same server: not the
	// subscribed one, whose reconnects dial in the background, and not one
	// shared by all calls, whose pool starts dialling in the background
	// once it has seen PoolSize dial errors (go-redis's tryDial).
	// Opening pings, so the stores are opened while Redis is up.
	var (
		plain *Redis
		spare []*Redis
	)
	dials := &dialCounter{}
	for range 16 {
		st, err := OpenRedis(RedisConfig{Addrs: []string{srv.Addr()}, Prefix: "outage:"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		st.c.AddHook(dials)
		spare = append(spare, st)
	}
	fresh := func() { plain, spare = spare[0], spare[1:] }

	srv.Kill()
	calls := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return plain.Ping(ctx) }},
		{"Task", func() error { _, err := plain.Task(ctx, "t1"); return err }},
		{"TaskByFlow", func() error { _, err := plain.TaskByFlow(ctx, "f1"); return err }},
		{"Corp", func() error { _, err := plain.Corp(ctx, "c1"); return err }},
		{"UpdateCorp", func() error { _, err := plain.UpdateCorp(ctx, "c1", func(*Corp) error { return nil }); return err }},
		{"CreateTask", func() error { return plain.CreateTask(ctx, &Task{ID: "t2"}) }},
		{"AppendLog", func() error { _, err := plain.AppendLog(ctx, "t1", LogEntry{Key: "k"}); return err }},
		{"UseQuota", func() error { return plain.UseQuota(ctx, "c1", 1) }},
		{"Allow", func() error { _, err := plain.Allow(ctx, "k", 5); return err }},
		{"Claim", func() error { _, err := plain.Claim(ctx, time.Now(), time.Minute, 10); return err }},
		{"PublishCorpChange", func() error { return plain.PublishCorpChange(ctx, "c1") }},
	}
	// Fast failure is counted, not timed: a call may dial at most once per
	// command attempt (MaxRetries 1: two attempts); each call has a store of
	// its own, so go-redis's background probe (after PoolSize dial errors)
	// never runs. go-redis's defaults would dial 5 times 100ms apart per
	// attempt, and retry 3 times with backoff. The time ceiling only catches
	// a call stuck on one of go-redis's default timeouts (3s read, 5s dial),
	// which a lost option would bring back; it is 10 times the longest
	// configured wait (the 200ms dial timeout), far from scheduler noise.
	const maxDials, ceiling = 2, 2 * time.Second
	for _, c := range calls {
		fresh()
		before := dials.n.Load()
		start := time.Now()
		err := c.call()
		elapsed := time.Since(start)
		n := dials.n.Load() - before
		t.Logf("%s with Redis down: %v after %v and %d dials", c.name, err, elapsed, n)
		if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrNoQuota) {
			t.Errorf("%s with Redis down: err = %v, want a backend error", c.name, err)
		}
		if n > maxDials {
			t.Errorf("%s with Redis down dialled %d times, want at most %d", c.name, n, maxDials)
		}
		if elapsed > ceiling {
			t.Errorf("%s with Redis down took %v, want well under %v", c.name, elapsed, ceiling)
		}
	}

	srv.Restart()
	// go-redis fails dials fast for up to a second after a burst of dial
	// errors, until its background probe reconnects.
	waitFor(t, 5*time.Second, func() bool { return r.Ping(ctx) == nil })
	if _, err := r.UpdateCorp(ctx, "c1", func(c *Corp) error { c.Epoch++; return nil }); err != nil {
		t.Errorf("UpdateCorp after restart: %v", err)
	}
	if err := r.CreateTask(ctx, &Task{ID: "t3", FlowID: "f3"}); err != nil {
		t.Errorf("CreateTask after restart: %v", err)
	}

	// The subscription reconnects by itself and says so with "".
	select {
	case id := <-changes:
		if id != "" {
			t.Errorf("first change after restart = %q, want the resubscribed signal", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription did not resubscribe within 5s")
	}
	if err := r.PublishCorpChange(ctx, "c7"); err != nil {
		t.Fatal(err)
	}
	if id := nextChange(t, changes); id != "c7" {
		t.Errorf("change after restart = %q, want c7", id)
	}
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("condition not met within %v", timeout)
		}
	}
}

// dialCounter is a go-redis hook that counts connection attempts.
type dialCounter struct{ n atomic.Int64 }

func (d *dialCounter) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		d.n.Add(1)
		return next(ctx, network, addr)
	}
}

func (d *dialCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (d *dialCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestRedisBindTwoReplicas binds one flow from two stores on one Redis (two
// gateway replicas) at once: one task, whichever replica asked.
func TestRedisBindTwoReplicas(t *testing.T) {
	addr := redistest.Start(t).Addr()
	open := func() *Redis {
		r, err := OpenRedis(RedisConfig{Addrs: []string{addr}, Prefix: "gw:", DialTimeout: time.Second,
			ReadTimeout: time.Second, WriteTimeout: time.Second, PoolTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	a, b := open(), open()
	for i := range 20 {
		bindRace(t, fmt.Sprintf("flow%d", i), a, b)
		for j := range 16 { // fresh task ids for the next round
			a.c.Del(context.Background(), a.kTask(fmt.Sprintf("b%d", j)))
		}
	}
}
