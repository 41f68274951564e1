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
// Cluster slot (the price: the outbox cannot spread over masters). Names
// are the prefix P (ARGV[1]) and:
//
//	ev        hash  id -> event JSON as enqueued
//	att       hash  id -> attempts
//	next      hash  id -> NextAt (ms)
//	err       hash  id -> LastError
//	lease     hash  id -> end of the lease someone holds on it (ms)
//	created   zset  live ids by CreatedAt, for OldestAge
//	dcreated  zset  dead ids by CreatedAt
//	q:<key>   list  ids of one ordering key, head first
//	ready     zset  live ordering keys by the time their head may be
//	                claimed: the head's NextAt, or the lease's end
//	dead      zset  dead ordering keys by when they died
//	kcorp     hash  ordering key -> corp
//	corp:<c>  set   ordering keys of corp c
//
// Claim reads only the first entries of ready (O(log N + claimed)); every
// other script touches the keys it is given. The scripts declare ready as
// KEYS[1] so that Cluster routes them to the outbox's slot.

// luaEnqueue: ARGV P, id, json, key, nextAt, createdAt, attempts, corp.
// Returns 0 if the id is taken. An event of a dead key joins it there.
const luaEnqueue = `
local P = ARGV[1]
if redis.call('HSETNX', P..'ev', ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('HSET', P..'att', ARGV[2], ARGV[7])
redis.call('HSET', P..'next', ARGV[2], ARGV[5])
if redis.call('ZSCORE', P..'dead', ARGV[4]) then
  redis.call('ZADD', P..'dcreated', ARGV[6], ARGV[2])
else
  redis.call('ZADD', P..'created', ARGV[6], ARGV[2])
end
if redis.call('RPUSH', P..'q:'..ARGV[4], ARGV[2]) == 1 then
  redis.call('ZADD', P..'ready', ARGV[5], ARGV[4])
  redis.call('HSET', P..'kcorp', ARGV[4], ARGV[8])
  redis.call('SADD', P..'corp:'..ARGV[8], ARGV[4])
end
return 1`

// luaClaim: ARGV P, now, leaseUntil, max. Returns {id, json, attempts,
// nextAt, lastError} per event.
const luaClaim = `
local P = ARGV[1]
local out = {}
local keys = redis.call('ZRANGEBYSCORE', P..'ready', '-inf', ARGV[2], 'LIMIT', 0, ARGV[4])
for _, k in ipairs(keys) do
  local id = redis.call('LINDEX', P..'q:'..k, 0)
  if id then
    redis.call('ZADD', P..'ready', ARGV[3], k)
    redis.call('HSET', P..'lease', id, ARGV[3])
    out[#out + 1] = {id, redis.call('HGET', P..'ev', id), redis.call('HGET', P..'att', id),
      redis.call('HGET', P..'next', id), redis.call('HGET', P..'err', id)}
  else
    redis.call('ZREM', P..'ready', k)
  end
end
return out`

// luaAck: ARGV P, id, key.
const luaAck = `
local P, id, k = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'ev', id) == 0 then return 0 end
local q = P..'q:'..k
local dead = redis.call('ZSCORE', P..'dead', k)
if redis.call('LINDEX', q, 0) == id then
  redis.call('LPOP', q)
  local head = redis.call('LINDEX', q, 0)
  if head and not dead then
    redis.call('ZADD', P..'ready', redis.call('HGET', P..'next', head) or 0, k)
  end
else
  redis.call('LREM', q, 1, id)
end
if redis.call('LLEN', q) == 0 then
  redis.call('ZREM', P..'ready', k)
  redis.call('ZREM', P..'dead', k)
  local corp = redis.call('HGET', P..'kcorp', k)
  if corp then redis.call('SREM', P..'corp:'..corp, k) end
  redis.call('HDEL', P..'kcorp', k)
end
for _, h in ipairs({'ev', 'att', 'next', 'err', 'lease'}) do redis.call('HDEL', P..h, id) end
redis.call('ZREM', P..'created', id)
redis.call('ZREM', P..'dcreated', id)
return 1`

// luaRetry: ARGV P, id, key, nextAt, lastError, count ("1" counts an
// attempt and records lastError). Returns the attempts, or -1 if the
// event is gone.
const luaRetry = `
local P, id, k = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'ev', id) == 0 then return -1 end
local n
if ARGV[6] == '1' then
  n = redis.call('HINCRBY', P..'att', id, 1)
  redis.call('HSET', P..'err', id, ARGV[5])
else
  n = tonumber(redis.call('HGET', P..'att', id)) or 0
end
redis.call('HSET', P..'next', id, ARGV[4])
redis.call('HDEL', P..'lease', id)
if redis.call('LINDEX', P..'q:'..k, 0) == id and not redis.call('ZSCORE', P..'dead', k) then
  redis.call('ZADD', P..'ready', ARGV[4], k)
end
return n`

// luaBury: ARGV P, id, key, reason, now. Returns the attempts, or -1 if
// the event is gone.
const luaBury = `
local P, id, k = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HEXISTS', P..'ev', id) == 0 then return -1 end
local n = redis.call('HINCRBY', P..'att', id, 1)
redis.call('HSET', P..'err', id, ARGV[4])
redis.call('HDEL', P..'lease', id)
if redis.call('ZSCORE', P..'dead', k) then return n end
redis.call('ZREM', P..'ready', k)
redis.call('ZADD', P..'dead', ARGV[5], k)
for _, e in ipairs(redis.call('LRANGE', P..'q:'..k, 0, -1)) do
  local c = redis.call('ZSCORE', P..'created', e)
  if c then
    redis.call('ZREM', P..'created', e)
    redis.call('ZADD', P..'dcreated', c, e)
  end
end
return n`

// luaRevive: ARGV P, now, mode ("event", "corp" or "dead"), value.
// Returns how many keys it made due.
const luaRevive = `
local P, now, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local keys = {}
if mode == 'event' then
  local data = redis.call('HGET', P..'ev', ARGV[4])
  if data then keys = {cjson.decode(data)['key']} end
elseif mode == 'corp' then
  keys = redis.call('SMEMBERS', P..'corp:'..ARGV[4])
else
  keys = redis.call('ZRANGE', P..'dead', 0, -1)
end
local n = 0
for _, k in ipairs(keys) do
  local q = P..'q:'..k
  local head = redis.call('LINDEX', q, 0)
  local due = false
  if head and redis.call('ZSCORE', P..'dead', k) then
    redis.call('ZREM', P..'dead', k)
    for _, e in ipairs(redis.call('LRANGE', q, 0, -1)) do
      local c = redis.call('ZSCORE', P..'dcreated', e)
      if c then
        redis.call('ZREM', P..'dcreated', e)
        redis.call('ZADD', P..'created', c, e)
      end
    end
    due = true
  elseif head and mode ~= 'dead' then
    local lease = tonumber(redis.call('HGET', P..'lease', head)) or 0
    local nxt = tonumber(redis.call('HGET', P..'next', head)) or 0
    due = lease <= now and nxt > now
  end
  if due then
    redis.call('HSET', P..'att', head, 0)
    redis.call('HSET', P..'next', head, now)
    redis.call('ZADD', P..'ready', now, k)
    n = n + 1
  end
end
return n`

// luaDead: ARGV P, max. Returns {id, json, attempts, nextAt, lastError,
// deadAt} per event, the longest dead key first.
const luaDead = `
local P, max = ARGV[1], tonumber(ARGV[2])
local out = {}
local keys = redis.call('ZRANGE', P..'dead', 0, max - 1, 'WITHSCORES')
for i = 1, #keys, 2 do
  for _, id in ipairs(redis.call('LRANGE', P..'q:'..keys[i], 0, max - #out - 1)) do
    out[#out + 1] = {id, redis.call('HGET', P..'ev', id), redis.call('HGET', P..'att', id),
      redis.call('HGET', P..'next', id), redis.call('HGET', P..'err', id), keys[i + 1]}
  end
  if #out >= max then break end
end
return out`

// runOutbox runs an outbox script; every one takes the prefix first.
func (r *Redis) runOutbox(ctx context.Context, s *redis.Script, args ...any) *redis.Cmd {
	return s.Run(ctx, r.c, []string{r.kOutbox("ready")}, append([]any{r.kOutbox("")}, args...)...)
}

// Enqueue adds e to the outbox (ErrExists if its id is taken). An empty ID
// gets a random one and a zero CreatedAt the current time.
func (r *Redis) Enqueue(ctx context.Context, e *Event) (err error) {
	defer r.obs.done(ctx, "Enqueue", time.Now(), &err)
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
	n, err := r.runOutbox(ctx, r.lua.enqueue, e.ID, data, e.Key, e.NextAt, e.CreatedAt, e.Attempts, e.CorpID).Int()
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
	defer r.obs.done(ctx, "Claim", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	nowMS := now.UnixMilli()
	res, err := r.runOutbox(ctx, r.lua.claim, nowMS, nowMS+lease.Milliseconds(), n).Slice()
	if err != nil {
		return nil, r.fail("claim", err)
	}
	return outboxRows(res, 5)
}

// outboxRows decodes the {id, json, attempts, nextAt, lastError[, deadAt]}
// rows of the claim and dead scripts.
func outboxRows(res []any, width int) ([]*Event, error) {
	out := make([]*Event, 0, len(res))
	for _, row := range res {
		f, ok := row.([]any)
		if !ok || len(f) != width {
			return nil, fmt.Errorf("store: redis outbox: unexpected reply %T", row)
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
		if width > 5 {
			e.DeadAt = atoi(f[5])
		}
		out = append(out, e)
	}
	return out, nil
}

// Ack removes e and makes the next event of its key the head.
func (r *Redis) Ack(ctx context.Context, e *Event) (err error) {
	defer r.obs.done(ctx, "Ack", time.Now(), &err)
	return r.fail("ack", r.runOutbox(ctx, r.lua.ack, e.ID, e.Key).Err())
}

// Retry releases e's lease and schedules it at next, counting the attempt;
// e is updated to match.
func (r *Redis) Retry(ctx context.Context, e *Event, next time.Time, lastErr string) (err error) {
	defer r.obs.done(ctx, "Retry", time.Now(), &err)
	n, err := r.runOutbox(ctx, r.lua.retry, e.ID, e.Key, next.UnixMilli(), lastErr, 1).Int()
	if err != nil {
		return r.fail("retry", err)
	}
	if n < 0 {
		return ErrNotFound
	}
	e.Attempts, e.NextAt, e.LastError = n, next.UnixMilli(), lastErr
	return nil
}

// Defer releases e's lease and schedules it at next without counting an
// attempt.
func (r *Redis) Defer(ctx context.Context, e *Event, next time.Time) (err error) {
	defer r.obs.done(ctx, "Defer", time.Now(), &err)
	n, err := r.runOutbox(ctx, r.lua.retry, e.ID, e.Key, next.UnixMilli(), "", 0).Int()
	if err != nil {
		return r.fail("defer", err)
	}
	if n < 0 {
		return ErrNotFound
	}
	e.Attempts, e.NextAt = n, next.UnixMilli()
	return nil
}

// Bury moves e's key aside as dead, counting the attempt that failed with
// reason; e is updated to match.
func (r *Redis) Bury(ctx context.Context, e *Event, reason string, now time.Time) (err error) {
	defer r.obs.done(ctx, "Bury", time.Now(), &err)
	n, err := r.runOutbox(ctx, r.lua.bury, e.ID, e.Key, reason, now.UnixMilli()).Int()
	if err != nil {
		return r.fail("bury", err)
	}
	if n < 0 {
		return ErrNotFound
	}
	e.Attempts, e.LastError = n, reason
	return nil
}

// DeadEvents lists up to n events of dead keys, the longest dead first.
func (r *Redis) DeadEvents(ctx context.Context, n int) (_ []*Event, err error) {
	defer r.obs.done(ctx, "DeadEvents", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	res, err := r.runOutbox(ctx, r.lua.dead, n).Slice()
	if err != nil {
		return nil, r.fail("dead events", err)
	}
	return outboxRows(res, 6)
}

// Revive makes the events sel picks due at now with their attempts reset.
func (r *Redis) Revive(ctx context.Context, sel Revival, now time.Time) (_ int, err error) {
	defer r.obs.done(ctx, "Revive", time.Now(), &err)
	mode, value := "dead", ""
	switch {
	case sel.EventID != "":
		mode, value = "event", sel.EventID
	case sel.CorpID != "":
		mode, value = "corp", sel.CorpID
	}
	n, err := r.runOutbox(ctx, r.lua.revive, now.UnixMilli(), mode, value).Int()
	if err != nil {
		return 0, r.fail("revive", err)
	}
	return n, nil
}

// OutboxStats counts the live and dead events and the age of the oldest
// live one.
func (r *Redis) OutboxStats(ctx context.Context, now time.Time) (_ OutboxStats, err error) {
	defer r.obs.done(ctx, "OutboxStats", time.Now(), &err)
	var all, dead *redis.IntCmd
	var oldest *redis.ZSliceCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		all = p.HLen(ctx, r.kOutbox("ev"))
		dead = p.ZCard(ctx, r.kOutbox("dcreated"))
		oldest = p.ZRangeWithScores(ctx, r.kOutbox("created"), 0, 0)
		return nil
	})
	if err != nil {
		return OutboxStats{}, r.fail("outbox stats", err)
	}
	st := OutboxStats{Depth: all.Val() - dead.Val(), Dead: dead.Val()}
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
