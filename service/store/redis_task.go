package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// The flow and instance indexes live in their own slots, so they cannot
// share a transaction with the task. They are written before the task
// changes and cleaned up after, and readers check that the task they lead
// to still matches. A crash in between leaves at most a stale entry that
// readers ignore, never a task its index cannot find.

// luaDelIf deletes KEYS[1] only while it still holds ARGV[1], so a task
// never removes a flow index another task has taken over.
const luaDelIf = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

// luaAppendLog adds an entry unless its key is in the dedupe set.
const luaAppendLog = `
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
return 1`

// CreateTask stores t (ErrExists if its id is taken), writing its indexes
// first. CreatedAt and UpdatedAt are set when zero.
func (r *Redis) CreateTask(ctx context.Context, t *Task) (err error) {
	defer r.obs.done(ctx, "CreateTask", time.Now(), &err)
	if t.ID == "" {
		return errors.New("store: task id required")
	}
	key := r.kTask(t.ID)
	// Checked before indexing so that a duplicate never repoints an index;
	// ids are random, so a race between two creators of one id is moot.
	n, err := r.c.Exists(ctx, key).Result()
	if err != nil {
		return r.fail("create task", err)
	}
	if n > 0 {
		return ErrExists
	}
	if t.CreatedAt == 0 {
		t.CreatedAt = time.Now().UnixMilli()
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	data, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := r.indexTask(ctx, nil, t); err != nil {
		return err
	}
	ok, err := r.c.SetNX(ctx, key, data, 0).Result()
	if err != nil {
		return r.fail("create task", err)
	}
	if !ok {
		return ErrExists
	}
	r.incr(ctx, "tasks")
	return nil
}

// Task returns the task with id, or ErrNotFound.
func (r *Redis) Task(ctx context.Context, id string) (_ *Task, err error) {
	defer r.obs.done(ctx, "Task", time.Now(), &err)
	t := new(Task)
	if err := r.getJSON(ctx, "get task", r.kTask(id), t); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTask applies fn under WATCH/MULTI, retrying when another writer
// changed the task first (fn may run several times). New index entries are
// written before the task and old ones removed after it.
func (r *Redis) UpdateTask(ctx context.Context, id string, fn func(t *Task) error) (_ *Task, err error) {
	var fnErr error
	defer r.obs.doneUpdate(ctx, "UpdateTask", time.Now(), &err, &fnErr)
	key := r.kTask(id)
	var old, out *Task
	err = r.watch(ctx, func(tx *redis.Tx) error {
		data, err := tx.Get(ctx, key).Bytes()
		if err != nil {
			return err
		}
		old = new(Task)
		if err := json.Unmarshal(data, old); err != nil {
			return err
		}
		t := cloneTask(old)
		if fnErr = fn(t); fnErr != nil {
			return fnErr
		}
		t.ID = id
		t.UpdatedAt = time.Now().UnixMilli()
		if data, err = json.Marshal(t); err != nil {
			return err
		}
		if err := r.indexTask(ctx, old, t); err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, key, data, 0)
			return nil
		})
		out = t
		return err
	}, key)
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, r.fail("update task", err)
	}
	if err := r.unindexTask(ctx, old, out); err != nil {
		return nil, err
	}
	return out, nil
}

// indexTask adds the index entries t needs that old (nil for a new task)
// did not have.
func (r *Redis) indexTask(ctx context.Context, old, t *Task) error {
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		if t.FlowID != "" && (old == nil || old.FlowID != t.FlowID) {
			p.Set(ctx, r.kFlow(t.FlowID), t.ID, 0)
		}
		if t.InstanceID != "" && (old == nil || old.InstanceID != t.InstanceID || old.CorpID != t.CorpID) {
			p.SAdd(ctx, r.kInstance(t.CorpID, t.InstanceID), t.ID)
		}
		return nil
	})
	return r.fail("index task", err)
}

// unindexTask removes the index entries old had that t no longer needs.
func (r *Redis) unindexTask(ctx context.Context, old, t *Task) error {
	if old.FlowID != "" && old.FlowID != t.FlowID {
		if err := r.lua.delIf.Run(ctx, r.c, []string{r.kFlow(old.FlowID)}, t.ID).Err(); err != nil {
			return r.fail("unindex task", err)
		}
	}
	if old.InstanceID != "" && (old.InstanceID != t.InstanceID || old.CorpID != t.CorpID) {
		return r.fail("unindex task", r.c.SRem(ctx, r.kInstance(old.CorpID, old.InstanceID), t.ID).Err())
	}
	return nil
}

// TaskByFlow returns the task whose FlowID is flowID, or ErrNotFound.
func (r *Redis) TaskByFlow(ctx context.Context, flowID string) (_ *Task, err error) {
	defer r.obs.done(ctx, "TaskByFlow", time.Now(), &err)
	if flowID == "" {
		return nil, ErrNotFound
	}
	id, err := r.c.Get(ctx, r.kFlow(flowID)).Result()
	if err != nil {
		return nil, r.fail("task by flow", err)
	}
	t, err := r.Task(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.FlowID != flowID { // stale index entry
		return nil, ErrNotFound
	}
	return t, nil
}

// TasksByInstance returns the corp's tasks linked to the approval instance,
// oldest first; none is an empty result, not an error.
func (r *Redis) TasksByInstance(ctx context.Context, corpID, instanceID string) (_ []*Task, err error) {
	defer r.obs.done(ctx, "TasksByInstance", time.Now(), &err)
	ids, err := r.c.SMembers(ctx, r.kInstance(corpID, instanceID)).Result()
	if err != nil {
		return nil, r.fail("tasks by instance", err)
	}
	cmds := make([]*redis.StringCmd, len(ids))
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.Get(ctx, r.kTask(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, r.fail("tasks by instance", err)
	}
	var out []*Task
	for _, cmd := range cmds {
		data, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return nil, r.fail("tasks by instance", err)
		}
		t := new(Task)
		if err := json.Unmarshal(data, t); err != nil {
			return nil, err
		}
		if t.CorpID == corpID && t.InstanceID == instanceID {
			out = append(out, t)
		}
	}
	sortTasks(out)
	return out, nil
}

// AppendLog adds e to the task's log unless its key is logged already; an
// entry with an empty key is always added.
func (r *Redis) AppendLog(ctx context.Context, taskID string, e LogEntry) (_ bool, err error) {
	defer r.obs.done(ctx, "AppendLog", time.Now(), &err)
	data, err := json.Marshal(e)
	if err != nil {
		return false, err
	}
	n, err := r.lua.appendLog.Run(ctx, r.c, []string{r.kLogKeys(taskID), r.kLog(taskID)}, e.Key, data).Int()
	if err != nil {
		return false, r.fail("append log", err)
	}
	return n == 1, nil
}

// Logs returns the task's log in the order it was appended.
func (r *Redis) Logs(ctx context.Context, taskID string) (_ []LogEntry, err error) {
	defer r.obs.done(ctx, "Logs", time.Now(), &err)
	items, err := r.c.LRange(ctx, r.kLog(taskID), 0, -1).Result()
	if err != nil {
		return nil, r.fail("logs", err)
	}
	out := make([]LogEntry, 0, len(items))
	for _, it := range items {
		var e LogEntry
		if err := json.Unmarshal([]byte(it), &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// luaSwapIf sets KEYS[1] to ARGV[2] only while it holds ARGV[1] (or is
// missing when ARGV[1] is ""): 1 if it did.
const luaSwapIf = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`

// BindTask creates t unless a task already has t.FlowID, atomically across
// replicas: the flow index is claimed with a compare-and-set (SETNX, or a
// swap of a stale entry), so of any number of binders of one flow exactly
// one wins and the others get its task. The task and its instance entry
// are written before the claim (a reader that finds the index always
// finds the task) and deleted by a loser; a crash between leaves at most
// a task no index leads to and whose id no caller was given.
func (r *Redis) BindTask(ctx context.Context, t *Task) (_ *Task, _ bool, err error) {
	defer r.obs.done(ctx, "BindTask", time.Now(), &err)
	if t.ID == "" || t.FlowID == "" {
		return nil, false, errors.New("store: bind needs a task id and a flow id")
	}
	if t.CreatedAt == 0 {
		t.CreatedAt = time.Now().UnixMilli()
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	data, err := json.Marshal(t)
	if err != nil {
		return nil, false, err
	}
	key, flow := r.kTask(t.ID), r.kFlow(t.FlowID)
	if t.InstanceID != "" {
		if err := r.c.SAdd(ctx, r.kInstance(t.CorpID, t.InstanceID), t.ID).Err(); err != nil {
			return nil, false, r.fail("bind task", err)
		}
	}
	ok, err := r.c.SetNX(ctx, key, data, 0).Result()
	if err != nil {
		return nil, false, r.fail("bind task", err)
	}
	if !ok {
		return nil, false, ErrExists
	}
	for attempt := 1; ; attempt++ {
		held, err := r.c.Get(ctx, flow).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, false, r.fail("bind task", err)
		}
		if held != "" {
			old, err := r.Task(ctx, held)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, false, err
			}
			if err == nil && old.FlowID == t.FlowID {
				return old, false, r.dropBind(ctx, t)
			}
			// A stale entry (its task gone or moved to another flow): take it over.
		}
		won, err := r.lua.swapIf.Run(ctx, r.c, []string{flow}, held, t.ID).Int()
		if err != nil {
			return nil, false, r.fail("bind task", err)
		}
		if won == 1 {
			r.incr(ctx, "tasks")
			return t, true, nil
		}
		if attempt == maxTxAttempts {
			return nil, false, errors.Join(r.dropBind(ctx, t), r.fail("bind task", redis.TxFailedErr))
		}
	}
}

// dropBind removes what a losing BindTask wrote.
func (r *Redis) dropBind(ctx context.Context, t *Task) error {
	ctx = context.WithoutCancel(ctx)
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, r.kTask(t.ID))
		if t.InstanceID != "" {
			p.SRem(ctx, r.kInstance(t.CorpID, t.InstanceID), t.ID)
		}
		return nil
	})
	return r.fail("bind task", err)
}
