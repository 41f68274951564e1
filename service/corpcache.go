package service

import (
	"context"
	"sync"
	"time"

	"esign-gateway/service/store"
)

// corpCache keeps each corp's authorization view for at most ttl, so the
// token check on every request usually costs no store round trip. Change
// notices from other replicas drop entries at once; ttl bounds the delay
// when a notice is lost. If the store cannot be reached, an entry younger
// than stale is still used; an older one fails closed.
type corpCache struct {
	store      corpStore
	ttl, stale time.Duration
	now        func() time.Time

	mu sync.RWMutex
	m  map[string]corpView
}

type corpView struct {
	epoch      int64
	authorized bool
	exists     bool
	fetched    time.Time
}

func newCorpCache(st corpStore, ttl, stale time.Duration, now func() time.Time) *corpCache {
	return &corpCache{store: st, ttl: ttl, stale: stale, now: now, m: map[string]corpView{}}
}

func (c *corpCache) get(ctx context.Context, id string) (corpView, error) {
	now := c.now()
	c.mu.RLock()
	v, ok := c.m[id]
	c.mu.RUnlock()
	if ok && now.Sub(v.fetched) < c.ttl {
		return v, nil
	}
	corp, err := c.store.Corp(ctx, id)
	switch {
	case err == nil:
		v = corpView{epoch: corp.Epoch, authorized: corp.Authorized, exists: true, fetched: now}
	case err == store.ErrNotFound:
		v = corpView{fetched: now}
	case ok && now.Sub(v.fetched) < c.stale:
		return v, nil
	default:
		return corpView{}, err
	}
	c.put(id, v)
	return v, nil
}

func (c *corpCache) put(id string, v corpView) {
	c.mu.Lock()
	if len(c.m) > 100000 { // bounded: a flood of corps must not grow memory without end
		c.m = map[string]corpView{}
	}
	c.m[id] = v
	c.mu.Unlock()
}

// invalidate drops a corp's view; "" (notices may have been missed while
// the store reconnected) drops every view.
func (c *corpCache) invalidate(id string) {
	c.mu.Lock()
	if id == "" {
		c.m = map[string]corpView{}
	} else {
		delete(c.m, id)
	}
	c.mu.Unlock()
}
