package service

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// cacheMaxEntries bounds each read cache. Entries live for Config.CacheTTL
// (seconds), so this is thousands of distinct tasks read per second; past
// it the cache sheds entries rather than grow.
const cacheMaxEntries = 10000

// readCaches keep what the read actions computed for a task for at most
// Config.CacheTTL: the task itself, GetFlowDetail's and GetSignDetail's
// answers. Every write this service makes to a task (UpdateTask, AppendLog,
// callbacks through invalidateTask) drops the task's entries at once;
// another replica's writes are seen within CacheTTL. Concurrent misses of
// one task and corp share one upstream read (singleflight).
//
// Each entry records the corp it was read for, and a hit is served only to
// that corp: another corp's caller falls through to the store, which
// answers "not found" as it always does.
type readCaches struct {
	ttl   time.Duration // 0: off
	now   func() time.Time
	tasks ttlCache[*store.Task]
	flows ttlCache[*dingtalk.FlowDetail]
	signs ttlCache[*dingtalk.SignDetail]
	group singleflight.Group
}

func newReadCaches(ttl time.Duration, now func() time.Time) *readCaches {
	c := &readCaches{ttl: ttl, now: now}
	for _, m := range []interface {
		init(time.Duration, func() time.Time)
	}{&c.tasks, &c.flows, &c.signs} {
		m.init(ttl, now)
	}
	return c
}

func (c *readCaches) on() bool { return c.ttl > 0 }

// drop forgets everything cached about a task.
func (c *readCaches) drop(taskID string) {
	if !c.on() {
		return
	}
	c.tasks.drop(taskID)
	c.flows.drop(taskID)
	c.signs.drop(taskID)
}

// cached answers from m when it holds a fresh entry of taskID for the
// caller's corp, and otherwise runs load once for all concurrent callers of
// that task and corp, keeping its result. The load runs detached from the
// first caller's cancellation (each caller still stops waiting when its own
// context ends) and its error is never cached.
func cached[V any](ctx context.Context, c *readCaches, m *ttlCache[V], kind, taskID string, load func(context.Context, string) (V, error)) (V, error) {
	corp := caller(ctx).CorpID
	if v, ok := m.get(taskID, corp); ok {
		return v, nil
	}
	if !c.on() {
		return load(ctx, taskID)
	}
	ch := c.group.DoChan(kind+"\x00"+corp+"\x00"+taskID, func() (any, error) {
		// A caller that missed just before the previous flight stored its
		// answer starts a flight of its own: it finds that answer here.
		if v, ok := m.get(taskID, corp); ok {
			return v, nil
		}
		gen, at := m.generation(), c.now()
		v, err := load(context.WithoutCancel(ctx), taskID)
		if err == nil {
			m.put(taskID, corp, v, at, gen)
		}
		return v, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, r.Err
		}
		return r.Val.(V), nil
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// ttlCache maps a task id to a value read for one corp at a time. Values
// are shared between callers and must not be modified.
type ttlCache[V any] struct {
	ttl time.Duration
	now func() time.Time

	mu  sync.RWMutex
	gen uint64 // bumped by every drop, under mu
	m   map[string]ttlEntry[V]
}

type ttlEntry[V any] struct {
	v    V
	corp string
	at   time.Time // when the read that produced v began
}

func (c *ttlCache[V]) init(ttl time.Duration, now func() time.Time) {
	c.ttl, c.now, c.m = ttl, now, map[string]ttlEntry[V]{}
}

// get returns the value of id if it is younger than ttl and was read for
// corp.
func (c *ttlCache[V]) get(id, corp string) (V, bool) {
	if c.ttl <= 0 {
		var zero V
		return zero, false
	}
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	if !ok || e.corp != corp || c.now().Sub(e.at) >= c.ttl {
		var zero V
		return zero, false
	}
	return e.v, true
}

// generation is read before a load begins and handed to put.
func (c *ttlCache[V]) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// put keeps v unless a drop happened since gen was read: the load may have
// read what that drop invalidated. at is when the load began, so an entry's
// age bounds how stale its data is.
func (c *ttlCache[V]) put(id, corp string, v V, at time.Time, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.m) >= cacheMaxEntries {
		c.shed()
	}
	c.m[id] = ttlEntry[V]{v: v, corp: corp, at: at}
}

// shed drops expired entries, then arbitrary ones (map order is random)
// down to half the bound, so its cost is spread over the next inserts.
func (c *ttlCache[V]) shed() {
	now := c.now()
	for k, e := range c.m {
		if now.Sub(e.at) >= c.ttl {
			delete(c.m, k)
		}
	}
	for k := range c.m {
		if len(c.m) <= cacheMaxEntries/2 {
			break
		}
		delete(c.m, k)
	}
}

func (c *ttlCache[V]) drop(id string) {
	c.mu.Lock()
	c.gen++
	delete(c.m, id)
	c.mu.Unlock()
}
