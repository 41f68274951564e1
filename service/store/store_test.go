package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/service/store/redistest"
)

// fixture is a Store under test plus the backend's own way to show that a
// FirstSeen key expires (a fake clock for Bolt, PTTL for Redis).
type fixture struct {
	Store
	expires func(t *testing.T, key string, ttl time.Duration)
}

// opener gives each test case a fresh, empty store.
type opener func(t *testing.T) fixture

func TestStore(t *testing.T) {
	impls := []struct {
		name string
		open func(t *testing.T) opener
	}{
		{"bolt", func(*testing.T) opener { return openBolt }},
		{"redis", func(t *testing.T) opener { return redisOpener([]string{redistest.Start(t).Addr()}) }},
		{"redis-cluster", func(t *testing.T) opener { return redisOpener(redistest.StartCluster(t, 3)) }},
	}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) { testStore(t, impl.open(t)) })
	}
}

// testStore is the contract every Store meets.
func testStore(t *testing.T, open opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, s fixture)
	}{
		{"Secret", testSecret},
		{"Corp", testCorp},
		{"CorpConcurrent", testCorpConcurrent},
		{"CorpChanges", testCorpChanges},
		{"User", testUser},
		{"Task", testTask},
		{"TasksByInstance", testTasksByInstance},
		{"Logs", testLogs},
		{"Files", testFiles},
		{"Orders", testOrders},
		{"Quota", testQuota},
		{"FirstSeen", testFirstSeen},
		{"Allow", testAllow},
		{"OutboxOrder", testOutboxOrder},
		{"OutboxConcurrentClaim", testOutboxConcurrentClaim},
		{"OutboxLease", testOutboxLease},
		{"OutboxRetry", testOutboxRetry},
		{"OutboxStats", testOutboxStats},
		{"Counts", testCounts},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

// clock is a settable clock for Bolt.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func openBolt(t *testing.T) fixture {
	clk := &clock{now: time.UnixMilli(1_700_000_000_000)}
	b, err := OpenBolt(filepath.Join(t.TempDir(), "gw.db"), BoltOptions{Now: clk.Now})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return fixture{Store: b, expires: func(t *testing.T, key string, ttl time.Duration) {
		clk.Advance(ttl - time.Millisecond)
		if fresh := mustFirstSeen(t, b, key, ttl); fresh {
			t.Errorf("FirstSeen(%q) just before expiry = true, want false", key)
		}
		clk.Advance(time.Millisecond)
		if fresh := mustFirstSeen(t, b, key, ttl); !fresh {
			t.Errorf("FirstSeen(%q) at expiry = false, want true", key)
		}
	}}
}

// redisOpener opens stores on addrs, each under its own prefix so that
// test cases sharing a server do not see each other's keys.
func redisOpener(addrs []string) opener {
	var n atomic.Int64
	return func(t *testing.T) fixture {
		r, err := OpenRedis(RedisConfig{
			Addrs:  addrs,
			Prefix: fmt.Sprintf("t%d:", n.Add(1)),
			// Generous timeouts: these tests are about semantics under -race,
			// TestRedisOutage covers the production defaults.
			DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second, PoolTimeout: time.Second,
		})
		if err != nil {
			t.Fatalf("OpenRedis: %v", err)
		}
		t.Cleanup(func() { r.Close() })
		return fixture{Store: r, expires: func(t *testing.T, key string, ttl time.Duration) {
			pttl, err := r.c.PTTL(context.Background(), r.kSeen(key)).Result()
			if err != nil || pttl <= 0 || pttl > ttl {
				t.Errorf("PTTL(%q) = %v, %v; want in (0, %v]", key, pttl, err, ttl)
			}
		}}
	}
}

func mustFirstSeen(t *testing.T, s Store, key string, ttl time.Duration) bool {
	t.Helper()
	fresh, err := s.FirstSeen(context.Background(), key, ttl)
	if err != nil {
		t.Fatalf("FirstSeen(%q): %v", key, err)
	}
	return fresh
}

// parallel runs fn(i) for i in [0, n) at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

var errBoom = errors.New("boom")
