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

// Lua numbers are doubles, exact only to 2^53: the scripts below leave
// the arithmetic to HINCRBY (exact int64, and it refuses to overflow) and
// compare counts as decimal strings.

// luaGreater is a helper: whether non-negative decimal a > b, exactly.
const luaGreater = `
local function greater(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
`

// luaPlaceOrder returns the stored order; or credits ARGV[2] to the bought
// quota and stores the order ARGV[1] and returns nil; or, when the credit
// would overflow, changes nothing and returns 0. The credit goes first:
// once it succeeded the SET cannot fail, so the order is recorded if and
// only if its quota is credited.
const luaPlaceOrder = `
local old = redis.call('GET', KEYS[1])
if old then return old end
local ok = redis.pcall('HINCRBY', KEYS[2], 'bought', ARGV[2])
if type(ok) == 'table' and ok.err then
  if string.find(ok.err, 'overflow') then return 0 end
  return ok
end
redis.call('SET', KEYS[1], ARGV[1])
return false`

// luaUseQuota takes ARGV[1] if that much is left: 1, else 0. A used
// total that would pass int64 is past any bought total too.
const luaUseQuota = luaGreater + `
local ok = redis.pcall('HINCRBY', KEYS[1], 'used', ARGV[1])
if type(ok) == 'table' and ok.err then
  if string.find(ok.err, 'overflow') then return 0 end
  return ok
end
local bought = redis.call('HGET', KEYS[1], 'bought') or '0'
if greater(redis.call('HGET', KEYS[1], 'used'), bought) then
  redis.call('HINCRBY', KEYS[1], 'used', '-' .. ARGV[1])
  return 0
end
return 1`

// luaReleaseQuota gives back up to ARGV[1], never below zero used.
const luaReleaseQuota = `
redis.call('HINCRBY', KEYS[1], 'used', '-' .. ARGV[1])
if string.sub(redis.call('HGET', KEYS[1], 'used'), 1, 1) == '-' then
  redis.call('HSET', KEYS[1], 'used', '0')
end
return 1`

// PlaceOrder stores o and adds its quantity to the corp's quota in one
// script, unless the corp has the order already: both or neither.
// ErrQuotaOverflow when the total would pass MaxQuota.
func (r *Redis) PlaceOrder(ctx context.Context, o *Order) (_ *Order, _ bool, err error) {
	defer r.obs.done(ctx, "PlaceOrder", time.Now(), &err)
	if o.CorpID == "" || o.OrderID == "" {
		return nil, false, errors.New("store: order needs corp id and order id")
	}
	if o.Quantity < 0 {
		return nil, false, fmt.Errorf("store: negative order quantity %d", o.Quantity)
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
	res, err := r.lua.placeOrder.Run(ctx, r.c, keys, data, o.Quantity).Result()
	if errors.Is(err, redis.Nil) {
		return &stored, true, nil
	}
	if err != nil {
		return nil, false, r.fail("place order", err)
	}
	old, ok := res.(string)
	if !ok {
		return nil, false, ErrQuotaOverflow
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
