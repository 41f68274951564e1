package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// The outbox lives under one hash tag, so every script below runs in one
// Cluster slot (the price: the outbox cannot spread over masters).
//
//	ev       hash  id -> event JSON as enqueued
//	att      hash  id -> attempts
//	next     hash  id -> NextAt (ms)
//	err      hash  id -> LastError
//	created  zset  id by CreatedAt, for OldestAge
//	q:<key>  list  ids of one ordering key, head first
//	ready    zset  ordering key by the time its head may be claimed: the
//	               head's NextAt, or the end of the lease someone holds
//
// The scripts build q:<key> names from ARGV[...] and KEYS[...] prefixes;
// they all share the {outbox} tag, hence the slot.

// luaEnqueue: KEYS ev, att, next, created, q, ready; ARGV id, json, key,
// nextAt, createdAt, attempts. Returns 0 if the id is taken.
const luaEnqueue = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[6])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
if redis.call('RPUSH', KEYS[5], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[3])
end
return 1`

// luaClaim: KEYS ready, ev, att, next, err; ARGV now, leaseUntil, max,
// q-prefix. Returns {id, json, attempts, nextAt, lastError} per event.
const luaClaim = `
local out = {}
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, k in ipairs(keys) do
  local id = redis.call('LINDEX', ARGV[4] .. k, 0)
  if id then
    redis.call('ZADD', KEYS[1], ARGV[2], k)
    out[#out + 1] = {id, redis.call('HGET', KEYS[2], id), redis.call('HGET', KEYS[3], id),
      redis.call('HGET', KEYS[4], id), redis.call('HGET', KEYS[5], id)}
  else
    redis.call('ZREM', KEYS[1], k)
  end
end
return out`

// luaAck: KEYS ready, ev, att, next, err, created, q; ARGV id, key.
const luaAck = `
if redis.call('LINDEX', KEYS[7], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[7])
  local head = redis.call('LINDEX', KEYS[7], 0)
  if head then
    redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[4], head) or 0, ARGV[2])
  else
    redis.call('ZREM', KEYS[1], ARGV[2])
  end
else
  redis.call('LREM', KEYS[7], 1, ARGV[1])
end
for i = 2, 5 do redis.call('HDEL', KEYS[i], ARGV[1]) end
redis.call('ZREM', KEYS[6], ARGV[1])
return 1`

// luaRetry: KEYS ready, ev, att, next, err, q; ARGV id, key, nextAt,
// lastError. Returns the attempts, or -1 if the event is gone.
const luaRetry = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
local n = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[4])
if redis.call('LINDEX', KEYS[6], 0) == ARGV[1] then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
end
return n`

func (r *Redis) outboxKeys(parts ...string) []string {
	keys := make([]string, len(parts))
	for i, p := range parts {
		keys[i] = r.kOutbox(p)
	}
	return keys
}

// Enqueue adds e to the outbox (ErrExists if its id is taken). An empty ID
// gets a random one and a zero CreatedAt the current time.
func (r *Redis) Enqueue(ctx context.Context, e *Event) (err error) {
	defer r.obs.done("Enqueue", time.Now(), &err)
	if e.ID == "" {
		e.ID = newID()
	}
	if e.CreatedAt == 0 {
		e.CreatedAt = time.Now().UnixMilli()
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	keys := r.outboxKeys("ev", "att", "next", "created", "q:"+e.Key, "ready")
	n, err := r.lua.enqueue.Run(ctx, r.c, keys, e.ID, data, e.Key, e.NextAt, e.CreatedAt, e.Attempts).Int()
	if err != nil {
		return r.fail("enqueue", err)
	}
	if n == 0 {
		return ErrExists
	}
	return nil
}

// Claim leases the head event of up to n keys whose head is due and free.
func (r *Redis) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) (_ []*Event, err error) {
	defer r.obs.done("Claim", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	nowMS := now.UnixMilli()
	keys := r.outboxKeys("ready", "ev", "att", "next", "err")
	res, err := r.lua.claim.Run(ctx, r.c, keys, nowMS, nowMS+lease.Milliseconds(), n, r.kOutbox("q:")).Slice()
	if err != nil {
		return nil, r.fail("claim", err)
	}
	out := make([]*Event, 0, len(res))
	for _, row := range res {
		f, ok := row.([]any)
		if !ok || len(f) != 5 {
			return nil, fmt.Errorf("store: redis claim: unexpected reply %T", row)
		}
		data, ok := f[1].(string)
		if !ok {
			continue // the event vanished under its queue; nothing to deliver
		}
		e := new(Event)
		if err := json.Unmarshal([]byte(data), e); err != nil {
			return nil, fmt.Errorf("store: corrupt outbox event: %w", err)
		}
		e.Attempts = int(atoi(f[2]))
		e.NextAt = atoi(f[3])
		if lastErr, ok := f[4].(string); ok {
			e.LastError = lastErr
		}
		out = append(out, e)
	}
	return out, nil
}

// Ack removes e and makes the next event of its key the head.
func (r *Redis) Ack(ctx context.Context, e *Event) (err error) {
	defer r.obs.done("Ack", time.Now(), &err)
	keys := r.outboxKeys("ready", "ev", "att", "next", "err", "created", "q:"+e.Key)
	return r.fail("ack", r.lua.ack.Run(ctx, r.c, keys, e.ID, e.Key).Err())
}

// Retry releases e's lease and schedules it at next, counting the attempt;
// e is updated to match.
func (r *Redis) Retry(ctx context.Context, e *Event, next time.Time, lastErr string) (err error) {
	defer r.obs.done("Retry", time.Now(), &err)
	keys := r.outboxKeys("ready", "ev", "att", "next", "err", "q:"+e.Key)
	n, err := r.lua.retry.Run(ctx, r.c, keys, e.ID, e.Key, next.UnixMilli(), lastErr).Int()
	if err != nil {
		return r.fail("retry", err)
	}
	if n < 0 {
		return ErrNotFound
	}
	e.Attempts, e.NextAt, e.LastError = n, next.UnixMilli(), lastErr
	return nil
}

// OutboxStats counts the outbox and the age of its oldest event.
func (r *Redis) OutboxStats(ctx context.Context, now time.Time) (_ OutboxStats, err error) {
	defer r.obs.done("OutboxStats", time.Now(), &err)
	var depth *redis.IntCmd
	var oldest *redis.ZSliceCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		depth = p.HLen(ctx, r.kOutbox("ev"))
		oldest = p.ZRangeWithScores(ctx, r.kOutbox("created"), 0, 0)
		return nil
	})
	if err != nil {
		return OutboxStats{}, r.fail("outbox stats", err)
	}
	st := OutboxStats{Depth: depth.Val()}
	if z := oldest.Val(); len(z) > 0 {
		st.OldestAge = max(now.UnixMilli()-int64(z[0].Score), 0)
	}
	return st, nil
}

// atoi reads an integer reply field; nil or junk is 0.
func atoi(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}
