package service

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
	"esign-gateway/test/testkit"
)

func newTestCache(ttl time.Duration) (*ttlCache[string], *testkit.Clock) {
	clk := testkit.NewClock(time.Unix(1700000000, 0))
	c := &ttlCache[string]{}
	c.init(ttl, clk.Now)
	return c, clk
}

func TestTTLCacheGet(t *testing.T) {
	tests := []struct {
		name    string
		ttl     time.Duration
		corp    string
		age     time.Duration
		dropped bool
		want    bool
	}{
		{"fresh, same corp", 2 * time.Second, "c1", time.Second, false, true},
		{"other corp never sees it", 2 * time.Second, "c2", 0, false, false},
		{"at ttl it is gone", 2 * time.Second, "c1", 2 * time.Second, false, false},
		{"dropped", 2 * time.Second, "c1", 0, true, false},
		{"ttl 0 keeps nothing", 0, "c1", 0, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, clk := newTestCache(tc.ttl)
			c.put("t1", "c1", "v", clk.Now(), c.generation())
			clk.Advance(tc.age)
			if tc.dropped {
				c.drop("t1")
			}
			v, ok := c.get("t1", tc.corp)
			if ok != tc.want || (ok && v != "v") {
				t.Errorf("got %q, %v, want hit %v", v, ok, tc.want)
			}
		})
	}
}

// A load that began before a drop must not store what it read: it may be
// the state the drop invalidated.
func TestTTLCachePutAfterDropIsIgnored(t *testing.T) {
	c, clk := newTestCache(time.Minute)
	gen := c.generation()
	c.drop("t1") // a callback lands while the load is in flight
	c.put("t1", "c1", "old", clk.Now(), gen)
	if v, ok := c.get("t1", "c1"); ok {
		t.Errorf("got %q, want no entry", v)
	}
	c.put("t1", "c1", "new", clk.Now(), c.generation())
	if v, ok := c.get("t1", "c1"); !ok || v != "new" {
		t.Errorf("got %q, %v, want new", v, ok)
	}
}

// The age of an entry counts from when its load began, so a slow load
// cannot stretch the staleness bound.
func TestTTLCacheAgeCountsFromLoadStart(t *testing.T) {
	c, clk := newTestCache(2 * time.Second)
	start := clk.Now()
	clk.Advance(1500 * time.Millisecond) // the load takes 1.5s
	c.put("t1", "c1", "v", start, c.generation())
	clk.Advance(600 * time.Millisecond)
	if _, ok := c.get("t1", "c1"); ok {
		t.Errorf("got a hit 2.1s after the read began, want none")
	}
}

func TestTTLCacheBounded(t *testing.T) {
	c, clk := newTestCache(time.Minute)
	for i := 0; i < 3*cacheMaxEntries; i++ {
		c.put(strconv.Itoa(i), "c1", "v", clk.Now(), c.generation())
	}
	if n := len(c.m); n > cacheMaxEntries {
		t.Errorf("got %d entries, want at most %d", n, cacheMaxEntries)
	}
	last := strconv.Itoa(3*cacheMaxEntries - 1)
	if _, ok := c.get(last, "c1"); !ok {
		t.Errorf("the newest entry was shed")
	}
}

func withCorp(corp string) context.Context {
	return dingtalk.WithClaims(context.Background(), &dingtalk.Claims{CorpID: corp})
}

func TestCachedSharesConcurrentMisses(t *testing.T) {
	clk := testkit.NewClock(time.Unix(1700000000, 0))
	rc := newReadCaches(time.Minute, clk.Now)
	release, entered := make(chan struct{}), make(chan struct{})
	var loads atomic.Int32
	load := func(ctx context.Context, id string) (*dingtalk.SignDetail, error) {
		if loads.Add(1) == 1 {
			close(entered)
		}
		<-release
		return &dingtalk.SignDetail{BusinessScene: id}, nil
	}
	const n = 8
	var wg sync.WaitGroup
	results := make([]*dingtalk.SignDetail, n)
	call := func(i int) {
		defer wg.Done()
		results[i], _ = cached(withCorp("c1"), rc, &rc.signs, "sign", "t1", load)
	}
	wg.Add(n)
	go call(0)
	// While the first load is held, every other caller either joins it or,
	// once it is done, hits the entry it left: never a second load.
	<-entered
	for i := 1; i < n; i++ {
		go call(i)
	}
	close(release)
	wg.Wait()
	if got := loads.Load(); got != 1 {
		t.Errorf("got %d loads, want 1", got)
	}
	for i, r := range results {
		if r == nil || r.BusinessScene != "t1" {
			t.Errorf("caller %d got %+v", i, r)
		}
	}
	// Another corp asking for the same task id never gets c1's answer.
	other := func(ctx context.Context, id string) (*dingtalk.SignDetail, error) {
		return nil, errors.New("not found")
	}
	if d, err := cached(withCorp("c2"), rc, &rc.signs, "sign", "t1", other); err == nil {
		t.Errorf("corp c2 got %+v, want the error of its own load", d)
	}
}

func TestCachedDoesNotKeepErrors(t *testing.T) {
	clk := testkit.NewClock(time.Unix(1700000000, 0))
	rc := newReadCaches(time.Minute, clk.Now)
	var calls int
	load := func(ctx context.Context, id string) (*dingtalk.SignDetail, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("upstream down")
		}
		return &dingtalk.SignDetail{}, nil
	}
	ctx := withCorp("c1")
	if _, err := cached(ctx, rc, &rc.signs, "sign", "t1", load); err == nil {
		t.Fatalf("got no error from the failing load")
	}
	if _, err := cached(ctx, rc, &rc.signs, "sign", "t1", load); err != nil {
		t.Errorf("got %v after the failure, want a fresh load", err)
	}
	if _, err := cached(ctx, rc, &rc.signs, "sign", "t1", load); err != nil || calls != 2 {
		t.Errorf("got %v with %d loads, want a hit after 2 loads", err, calls)
	}
}

// A caller whose request ends stops waiting; the shared load goes on for
// the others.
func TestCachedCallerCancellation(t *testing.T) {
	clk := testkit.NewClock(time.Unix(1700000000, 0))
	rc := newReadCaches(time.Minute, clk.Now)
	release := make(chan struct{})
	load := func(ctx context.Context, id string) (*dingtalk.SignDetail, error) {
		<-release
		return &dingtalk.SignDetail{}, ctx.Err()
	}
	ctx, cancel := context.WithCancel(withCorp("c1"))
	cancel()
	if _, err := cached(ctx, rc, &rc.signs, "sign", "t1", load); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	close(release)
	if _, err := cached(withCorp("c1"), rc, &rc.signs, "sign", "t1", load); err != nil {
		t.Errorf("got %v, want the detached load's answer", err)
	}
}

func TestTokenHeaderKey(t *testing.T) {
	if got, want := tokenHeaderKey, http.CanonicalHeaderKey(TokenHeader); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFlowRefs(t *testing.T) {
	var r flowRefs
	r.remember(&store.Task{ID: "draft", CorpID: "c1"}) // no flow yet
	if _, ok := r.get("draft"); ok {
		t.Errorf("a task without a flow was remembered")
	}
	r.remember(&store.Task{ID: "t1", CorpID: "c1", Kind: store.KindSignFlow, FlowID: "f1"})
	if got, ok := r.get("t1"); !ok || got != (flowRef{corp: "c1", kind: store.KindSignFlow, flowID: "f1"}) {
		t.Errorf("got %+v, %v, want t1's reference", got, ok)
	}
	for i := 0; i < 2*flowRefsMax; i++ {
		r.remember(&store.Task{ID: strconv.Itoa(i), CorpID: "c1", FlowID: "f"})
	}
	if n := len(r.m); n > flowRefsMax {
		t.Errorf("got %d references, want at most %d", n, flowRefsMax)
	}
}
