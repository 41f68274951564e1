package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// luaPlaceOrder returns the stored order, or stores ARGV[1] and adds
// ARGV[2] to the bought quota and returns nil.
const luaPlaceOrder = `
local old = redis.call('GET', KEYS[1])
if old then return old end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HINCRBY', KEYS[2], 'bought', ARGV[2])
return false`

// luaUseQuota takes ARGV[1] if that much is left: 1, else 0.
const luaUseQuota = `
local bought = tonumber(redis.call('HGET', KEYS[1], 'bought') or '0')
local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
local n = tonumber(ARGV[1])
if bought - used < n then return 0 end
redis.call('HINCRBY', KEYS[1], 'used', n)
return 1`

// luaReleaseQuota gives back up to ARGV[1], never below zero used.
const luaReleaseQuota = `
local used = tonumber(redis.call('HGET', KEYS[1], 'used') or '0')
local n = math.min(tonumber(ARGV[1]), used)
if n > 0 then redis.call('HINCRBY', KEYS[1], 'used', -n) end
return n`

// PlaceOrder stores o and adds its quantity to the corp's quota in one
// script, unless the corp has the order already.
func (r *Redis) PlaceOrder(ctx context.Context, o *Order) (_ *Order, _ bool, err error) {
	defer r.obs.done(ctx, "PlaceOrder", time.Now(), &err)
	if o.CorpID == "" || o.OrderID == "" {
		return nil, false, errors.New("store: order needs corp id and order id")
	}
	stored := *o
	if stored.CreatedAt == 0 {
		stored.CreatedAt = time.Now().UnixMilli()
	}
	data, err := json.Marshal(&stored)
	if err != nil {
		return nil, false, err
	}
	keys := []string{r.kOrder(o.CorpID, o.OrderID), r.kQuota(o.CorpID)}
	old, err := r.lua.placeOrder.Run(ctx, r.c, keys, data, o.Quantity).Text()
	if errors.Is(err, redis.Nil) {
		return &stored, true, nil
	}
	if err != nil {
		return nil, false, r.fail("place order", err)
	}
	var existing Order
	if err := json.Unmarshal([]byte(old), &existing); err != nil {
		return nil, false, fmt.Errorf("store: corrupt order %s: %w", o.OrderID, err)
	}
	return &existing, false, nil
}

// Quota returns the corp's quota; a corp without orders has a zero quota.
func (r *Redis) Quota(ctx context.Context, corpID string) (_ Quota, err error) {
	defer r.obs.done(ctx, "Quota", time.Now(), &err)
	vals, err := r.c.HMGet(ctx, r.kQuota(corpID), "bought", "used").Result()
	if err != nil {
		return Quota{}, r.fail("quota", err)
	}
	var q Quota
	for i, dst := range []*int64{&q.Bought, &q.Used} {
		if s, ok := vals[i].(string); ok {
			if _, err := fmt.Sscan(s, dst); err != nil {
				return Quota{}, fmt.Errorf("store: corrupt quota of %s: %w", corpID, err)
			}
		}
	}
	return q, nil
}

// UseQuota takes n from the corp's quota or returns ErrNoQuota.
func (r *Redis) UseQuota(ctx context.Context, corpID string, n int64) (err error) {
	defer r.obs.done(ctx, "UseQuota", time.Now(), &err)
	if n < 0 {
		return fmt.Errorf("store: negative quota amount %d", n)
	}
	ok, err := r.lua.useQuota.Run(ctx, r.c, []string{r.kQuota(corpID)}, n).Int()
	if err != nil {
		return r.fail("use quota", err)
	}
	if ok == 0 {
		return ErrNoQuota
	}
	return nil
}

// ReleaseQuota gives back n taken by UseQuota; used never drops below zero.
func (r *Redis) ReleaseQuota(ctx context.Context, corpID string, n int64) (err error) {
	defer r.obs.done(ctx, "ReleaseQuota", time.Now(), &err)
	if n < 0 {
		return fmt.Errorf("store: negative quota amount %d", n)
	}
	return r.fail("release quota", r.lua.releaseQuota.Run(ctx, r.c, []string{r.kQuota(corpID)}, n).Err())
}

// Allow reports whether one more call under key fits in limit per second,
// shared by all replicas (GCRA, burst = limit). A limit of zero or less
// allows nothing.
func (r *Redis) Allow(ctx context.Context, key string, limit int) (_ bool, err error) {
	defer r.obs.done(ctx, "Allow", time.Now(), &err)
	if limit <= 0 {
		return false, nil
	}
	res, err := r.limiter.Allow(ctx, r.kAllow(key), redis_rate.PerSecond(limit))
	if err != nil {
		return false, r.fail("allow", err)
	}
	return res.Allowed > 0, nil
}
