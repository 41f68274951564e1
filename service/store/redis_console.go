package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The console's keys:
//
//	<p>audit                     list of AuditEntry JSON, newest first
//	<p>{corp:<id>}:delivery      hash ls, lf, fails, err
//
// Corps and tasks are paged with SCAN: Redis keeps no ordered index of
// them, and adding one would cost every write. A page is one or more
// SCAN batches, so its size is near, not exactly, Limit, and the order is
// SCAN's; on a Cluster the SCAN visits each master in turn.

func (r *Redis) kAudit() string                 { return r.p + "audit" }
func (r *Redis) kDelivery(corpID string) string { return r.corpTag(corpID) + ":delivery" }

// luaCorpEvents: ARGV P, corp. Returns {id, json, attempts, nextAt,
// lastError, deadAt or 0} per event of the corp's keys.
var luaCorpEvents = redis.NewScript(`
local P = ARGV[1]
local out = {}
for _, k in ipairs(redis.call('SMEMBERS', P..'corp:'..ARGV[2])) do
  local dead = redis.call('ZSCORE', P..'dead', k) or '0'
  for _, id in ipairs(redis.call('LRANGE', P..'q:'..k, 0, 999)) do
    out[#out + 1] = {id, redis.call('HGET', P..'ev', id), redis.call('HGET', P..'att', id),
      redis.call('HGET', P..'next', id), redis.call('HGET', P..'err', id), dead}
  end
end
return out`)

// AppendAudit records an admin action, dropping the oldest beyond MaxAudit.
func (r *Redis) AppendAudit(ctx context.Context, e AuditEntry) (err error) {
	defer r.obs.done(ctx, "AppendAudit", time.Now(), &err)
	v, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, r.kAudit(), v)
		p.LTrim(ctx, r.kAudit(), 0, MaxAudit-1)
		return nil
	})
	return r.fail("audit", err)
}

// AuditLog returns up to n audit entries, the newest first.
func (r *Redis) AuditLog(ctx context.Context, n int) (_ []AuditEntry, err error) {
	defer r.obs.done(ctx, "AuditLog", time.Now(), &err)
	vals, err := r.c.LRange(ctx, r.kAudit(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, r.fail("audit log", err)
	}
	out := make([]AuditEntry, 0, len(vals))
	for _, v := range vals {
		var e AuditEntry
		if err := json.Unmarshal([]byte(v), &e); err != nil {
			return nil, fmt.Errorf("store: corrupt audit entry: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}

// NoteDelivery records the outcome of an attempt to push to corpID's
// noticeUrl at ms at.
func (r *Redis) NoteDelivery(ctx context.Context, corpID string, ok bool, at int64, lastErr string) (err error) {
	defer r.obs.done(ctx, "NoteDelivery", time.Now(), &err)
	k := r.kDelivery(corpID)
	_, err = r.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if ok {
			p.HSet(ctx, k, "ls", at, "fails", 0)
		} else {
			p.HSet(ctx, k, "lf", at, "err", lastErr)
			p.HIncrBy(ctx, k, "fails", 1)
		}
		return nil
	})
	return r.fail("note delivery", err)
}

// globEscape quotes the characters SCAN's MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// scanMaxCount caps SCAN's COUNT hint.
const scanMaxCount = 5000

// scanNodes are the nodes a SCAN must visit: every master of a Cluster
// (in address order, so that a cursor names the same node next time), or
// else the one server.
func (r *Redis) scanNodes(ctx context.Context) ([]redis.Cmdable, error) {
	cc, ok := r.c.(*redis.ClusterClient)
	if !ok {
		return []redis.Cmdable{r.c}, nil
	}
	var mu sync.Mutex
	var masters []*redis.Client
	err := cc.ForEachMaster(ctx, func(_ context.Context, c *redis.Client) error {
		mu.Lock()
		masters = append(masters, c)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, r.fail("cluster masters", err)
	}
	slices.SortFunc(masters, func(a, b *redis.Client) int { return strings.Compare(a.Options().Addr, b.Options().Addr) })
	out := make([]redis.Cmdable, len(masters))
	for i, m := range masters {
		out[i] = m
	}
	return out, nil
}

// scanPage runs SCAN batches for pattern from cursor after ("node:cursor")
// until fn has taken limit items or budget keys were read; it returns the
// cursor to go on from ("" at the end).
func (r *Redis) scanPage(ctx context.Context, after, pattern string, limit, budget int, fn func(keys []string) (int, error)) (string, error) {
	nodes, err := r.scanNodes(ctx)
	if err != nil {
		return "", err
	}
	node, cursor := 0, uint64(0)
	if after != "" {
		n, c, ok := strings.Cut(after, ":")
		ni, err1 := strconv.Atoi(n)
		ci, err2 := strconv.ParseUint(c, 10, 64)
		if !ok || err1 != nil || err2 != nil || ni < 0 || ni >= len(nodes) {
			return "", fmt.Errorf("store: bad cursor %q", after)
		}
		node, cursor = ni, ci
	}
	// COUNT starts at limit and doubles (to scanMaxCount) while batches
	// bring fewer than half a page: a sparse pattern (a rare prefix) then
	// needs tens of round trips over 100k keys, not thousands, and a dense
	// one keeps pages near limit.
	count := int64(limit)
	taken, read := 0, 0
	for {
		keys, next, err := nodes[node].Scan(ctx, cursor, pattern, count).Result()
		if err != nil {
			return "", r.fail("scan", err)
		}
		n, err := fn(keys)
		if err != nil {
			return "", err
		}
		if len(keys) < limit/2 {
			count = min(2*count, scanMaxCount)
		}
		taken, read, cursor = taken+n, read+len(keys), next
		if cursor == 0 {
			if node++; node == len(nodes) {
				return "", nil
			}
		}
		if taken >= limit || read >= budget {
			return strconv.Itoa(node) + ":" + strconv.FormatUint(cursor, 10), nil
		}
	}
}

// getMany reads keys with one pipelined GET each (an MGET would span
// Cluster slots); a missing key reads as nil.
func (r *Redis) getMany(ctx context.Context, keys []string) ([]any, error) {
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	out := make([]any, len(keys))
	for i, c := range cmds {
		if v, err := c.Result(); err == nil {
			out[i] = v
		}
	}
	return out, nil
}

// ListCorps returns a page of corps with their quota and delivery health
// in SCAN order, and the cursor to go on from ("" at the end).
func (r *Redis) ListCorps(ctx context.Context, q CorpQuery) (_ []CorpRow, next string, err error) {
	defer r.obs.done(ctx, "ListCorps", time.Now(), &err)
	q.defaults()
	var out []CorpRow
	next, err = r.scanPage(ctx, q.After, r.p+"{corp:"+globEscape(q.Prefix)+"*}", q.Limit, q.Budget, func(keys []string) (int, error) {
		if len(keys) == 0 {
			return 0, nil
		}
		vals, err := r.getMany(ctx, keys)
		if err != nil {
			return 0, r.fail("list corps", err)
		}
		rows := make([]CorpRow, 0, len(keys))
		for _, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue
			}
			var row CorpRow
			if err := json.Unmarshal([]byte(s), &row.Corp); err != nil {
				return 0, fmt.Errorf("store: corrupt corp: %w", err)
			}
			rows = append(rows, row)
		}
		quotas := make([]*redis.SliceCmd, len(rows))
		dels := make([]*redis.SliceCmd, len(rows))
		_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := range rows {
				quotas[i] = p.HMGet(ctx, r.kQuota(rows[i].Corp.ID), "bought", "used")
				dels[i] = p.HMGet(ctx, r.kDelivery(rows[i].Corp.ID), "ls", "lf", "fails", "err")
			}
			return nil
		})
		if err != nil {
			return 0, r.fail("list corps", err)
		}
		n := 0
		for i := range rows {
			qv, dv := quotas[i].Val(), dels[i].Val()
			rows[i].Quota = Quota{Bought: atoi(qv[0]), Used: atoi(qv[1])}
			rows[i].Delivery = Delivery{LastSuccess: atoi(dv[0]), LastFailure: atoi(dv[1]), Failures: int(atoi(dv[2]))}
			rows[i].Delivery.LastError, _ = dv[3].(string)
			if q.Keep == nil || q.Keep(&rows[i]) {
				out = append(out, rows[i])
				n++
			}
		}
		return n, nil
	})
	return out, next, err
}

// CorpEvents lists the events waiting or dead of corpID's tasks, each
// task's in order; DeadAt is set on the dead ones.
func (r *Redis) CorpEvents(ctx context.Context, corpID string) (_ []*Event, err error) {
	defer r.obs.done(ctx, "CorpEvents", time.Now(), &err)
	res, err := r.runOutbox(ctx, luaCorpEvents, corpID).Slice()
	if err != nil {
		return nil, r.fail("corp events", err)
	}
	return outboxRows(res, 6)
}

// FindTasks returns a page of the tasks q keeps in SCAN order, and the
// cursor to go on from ("" at the end).
func (r *Redis) FindTasks(ctx context.Context, q TaskQuery) (_ []*Task, next string, err error) {
	defer r.obs.done(ctx, "FindTasks", time.Now(), &err)
	q.defaults()
	var out []*Task
	next, err = r.scanPage(ctx, q.After, r.p+"{task:*}", q.Limit, q.Budget, func(keys []string) (int, error) {
		if len(keys) == 0 {
			return 0, nil
		}
		vals, err := r.getMany(ctx, keys)
		if err != nil {
			return 0, r.fail("find tasks", err)
		}
		n := 0
		for _, v := range vals {
			s, ok := v.(string)
			if !ok {
				continue
			}
			t := new(Task)
			if err := json.Unmarshal([]byte(s), t); err != nil {
				return 0, fmt.Errorf("store: corrupt task: %w", err)
			}
			if q.Keep == nil || q.Keep(t) {
				out = append(out, t)
				n++
			}
		}
		return n, nil
	})
	return out, next, err
}
