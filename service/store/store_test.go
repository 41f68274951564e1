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

// backend is the contract both stores meet: every method the services use,
// by role (package service declares each role where it is used).
type backend interface {
	EnsureSecret(ctx context.Context, name string, candidate []byte) ([]byte, error)
	Corp(ctx context.Context, id string) (*Corp, error)
	UpdateCorp(ctx context.Context, id string, fn func(c *Corp) error) (*Corp, error)
	PublishCorpChange(ctx context.Context, id string) error
	SubscribeCorpChanges(ctx context.Context, fn func(id string)) error
	User(ctx context.Context, corpID, userID string) (*User, error)
	PutUser(ctx context.Context, u *User) (*User, error)
	CreateTask(ctx context.Context, t *Task) error
	Task(ctx context.Context, id string) (*Task, error)
	UpdateTask(ctx context.Context, id string, fn func(t *Task) error) (*Task, error)
	TaskByFlow(ctx context.Context, flowID string) (*Task, error)
	BindTask(ctx context.Context, t *Task) (*Task, bool, error)
	TasksByInstance(ctx context.Context, corpID, instanceID string) ([]*Task, error)
	AppendLog(ctx context.Context, taskID string, e LogEntry) (bool, error)
	Logs(ctx context.Context, taskID string) ([]LogEntry, error)
	TaskWithLogs(ctx context.Context, id string) (*Task, []LogEntry, error)
	PutFile(ctx context.Context, f *File) error
	File(ctx context.Context, id string) (*File, error)
	PlaceOrder(ctx context.Context, o *Order) (*Order, bool, error)
	Quota(ctx context.Context, corpID string) (Quota, error)
	UseQuota(ctx context.Context, corpID string, n int64) error
	ReleaseQuota(ctx context.Context, corpID string, n int64) error
	Enqueue(ctx context.Context, e *Event) error
	Claim(ctx context.Context, now time.Time, lease time.Duration, max int) ([]*Event, error)
	Ack(ctx context.Context, e *Event) error
	Retry(ctx context.Context, e *Event, next time.Time, lastErr string) error
	Defer(ctx context.Context, e *Event, next time.Time) error
	Bury(ctx context.Context, e *Event, reason string, now time.Time) error
	DeadEvents(ctx context.Context, n int) ([]*Event, error)
	Revive(ctx context.Context, sel Revival, now time.Time) (int, error)
	OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error)
	Counts(ctx context.Context) (Counts, error)
	Ping(ctx context.Context) error
	Kind() string
	Close() error
}

var (
	_ backend = (*Bolt)(nil)
	_ backend = (*Redis)(nil)
)

// fixture is a store under test.
type fixture struct {
	backend
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
		{"BindTask", testBindTask},
		{"Logs", testLogs},
		{"TaskWithLogs", testTaskWithLogs},
		{"Files", testFiles},
		{"Orders", testOrders},
		{"Quota", testQuota},
		{"LedgerOverflow", testLedgerOverflow},
		{"OutboxOrder", testOutboxOrder},
		{"OutboxConcurrentClaim", testOutboxConcurrentClaim},
		{"OutboxLease", testOutboxLease},
		{"OutboxRetry", testOutboxRetry},
		{"OutboxStats", testOutboxStats},
		{"OutboxDefer", testOutboxDefer},
		{"OutboxDead", testOutboxDead},
		{"OutboxRevive", testOutboxRevive},
		{"Counts", testCounts},
		{"Ping", testPing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open(t)) })
	}
}

func openBolt(t *testing.T) fixture {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "gw.db"), BoltOptions{})
	if err != nil {
		t.Fatalf("OpenBolt: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return fixture{backend: b}
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
		return fixture{backend: r}
	}
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
