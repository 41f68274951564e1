package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CreateTask stores t (ErrExists if its id is taken) with its indexes, in one
// transaction. CreatedAt and UpdatedAt are set when zero.
func (b *Bolt) CreateTask(ctx context.Context, t *Task) (err error) {
	defer b.obs.done(ctx, "CreateTask", time.Now(), &err)
	if t.ID == "" {
		return errors.New("store: task id required")
	}
	if t.CreatedAt == 0 {
		t.CreatedAt = b.nowMS()
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketTasks)
		if bk.Get([]byte(t.ID)) != nil {
			return ErrExists
		}
		if err := putJSON(bk, t.ID, t); err != nil {
			return err
		}
		return reindexTask(tx, nil, t)
	})
}

// Task returns the task with id, or ErrNotFound.
func (b *Bolt) Task(ctx context.Context, id string) (_ *Task, err error) {
	defer b.obs.done(ctx, "Task", time.Now(), &err)
	t := new(Task)
	err = b.view(ctx, func(tx *bolt.Tx) error { return getJSON(bucket(tx, bucketTasks), id, t) })
	if err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateTask applies fn to the task and moves its indexes, in one
// transaction.
func (b *Bolt) UpdateTask(ctx context.Context, id string, fn func(t *Task) error) (_ *Task, err error) {
	var fnErr error
	defer b.obs.doneUpdate(ctx, "UpdateTask", time.Now(), &err, &fnErr)
	var t *Task
	err = b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketTasks)
		old := new(Task)
		if err := getJSON(bk, id, old); err != nil {
			return err
		}
		t = cloneTask(old)
		if fnErr = fn(t); fnErr != nil {
			return fnErr
		}
		t.ID = id
		t.UpdatedAt = b.nowMS()
		if err := putJSON(bk, id, t); err != nil {
			return err
		}
		return reindexTask(tx, old, t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// reindexTask moves the flow and instance index entries of a task from old
// (nil for a new task) to t.
func reindexTask(tx *bolt.Tx, old, t *Task) error {
	flows, insts := bucket(tx, bucketFlows), bucket(tx, bucketInstances)
	if old != nil && old.FlowID != "" && old.FlowID != t.FlowID &&
		string(flows.Get([]byte(old.FlowID))) == t.ID {
		if err := flows.Delete([]byte(old.FlowID)); err != nil {
			return err
		}
	}
	if t.FlowID != "" {
		if err := flows.Put([]byte(t.FlowID), []byte(t.ID)); err != nil {
			return err
		}
	}
	if old != nil && old.InstanceID != "" && (old.InstanceID != t.InstanceID || old.CorpID != t.CorpID) {
		if err := insts.Delete([]byte(join(old.CorpID, old.InstanceID, t.ID))); err != nil {
			return err
		}
	}
	if t.InstanceID != "" {
		return insts.Put([]byte(join(t.CorpID, t.InstanceID, t.ID)), nil)
	}
	return nil
}

// TaskByFlow returns the task whose FlowID is flowID, or ErrNotFound.
func (b *Bolt) TaskByFlow(ctx context.Context, flowID string) (_ *Task, err error) {
	defer b.obs.done(ctx, "TaskByFlow", time.Now(), &err)
	t := new(Task)
	err = b.view(ctx, func(tx *bolt.Tx) error {
		id := bucket(tx, bucketFlows).Get([]byte(flowID))
		if id == nil || flowID == "" {
			return ErrNotFound
		}
		return getJSON(bucket(tx, bucketTasks), string(id), t)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// TasksByInstance returns the corp's tasks linked to the approval instance,
// oldest first; none is an empty result, not an error.
func (b *Bolt) TasksByInstance(ctx context.Context, corpID, instanceID string) (_ []*Task, err error) {
	defer b.obs.done(ctx, "TasksByInstance", time.Now(), &err)
	var out []*Task
	err = b.view(ctx, func(tx *bolt.Tx) error {
		prefix := []byte(join(corpID, instanceID, ""))
		tasks := bucket(tx, bucketTasks)
		c := bucket(tx, bucketInstances).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			t := new(Task)
			if err := getJSON(tasks, string(k[len(prefix):]), t); err != nil {
				return err
			}
			out = append(out, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortTasks(out)
	return out, nil
}

// AppendLog adds e to the task's log unless its key is logged already. An
// entry with an empty key is always added.
func (b *Bolt) AppendLog(ctx context.Context, taskID string, e LogEntry) (_ bool, err error) {
	defer b.obs.done(ctx, "AppendLog", time.Now(), &err)
	added := false
	err = b.update(ctx, func(tx *bolt.Tx) error {
		if e.Key != "" {
			keys := bucket(tx, bucketLogKeys)
			k := []byte(join(taskID, e.Key))
			if keys.Get(k) != nil {
				return errNoChange
			}
			if err := keys.Put(k, nil); err != nil {
				return err
			}
		}
		logs := bucket(tx, bucketLogs)
		seq, err := logs.NextSequence()
		if err != nil {
			return err
		}
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		added = true
		return logs.Put(append([]byte(join(taskID, "")), u64(seq)...), data)
	})
	return added, err
}

// Logs returns the task's log in the order it was appended.
func (b *Bolt) Logs(ctx context.Context, taskID string) (_ []LogEntry, err error) {
	defer b.obs.done(ctx, "Logs", time.Now(), &err)
	var out []LogEntry
	err = b.view(ctx, func(tx *bolt.Tx) error {
		out, err = readLogs(tx, taskID)
		return err
	})
	return out, err
}

// readLogs reads a task's log in the order it was appended.
func readLogs(tx *bolt.Tx, taskID string) ([]LogEntry, error) {
	var out []LogEntry
	prefix := []byte(join(taskID, ""))
	c := bucket(tx, bucketLogs).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var e LogEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("store: corrupt log of %s: %w", taskID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func cloneTask(t *Task) *Task {
	c := *t
	c.Participants = slices.Clone(t.Participants)
	c.Files = slices.Clone(t.Files)
	return &c
}

// sortTasks orders tasks oldest first, ties by id.
func sortTasks(ts []*Task) {
	slices.SortFunc(ts, func(a, b *Task) int {
		if c := cmp.Compare(a.CreatedAt, b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// BindTask creates t unless a task already has t.FlowID: the check and the
// create are one transaction, so two binders of one flow (on any number of
// goroutines) get one task between them. It returns the task that holds
// the flow and whether it is t.
func (b *Bolt) BindTask(ctx context.Context, t *Task) (_ *Task, _ bool, err error) {
	defer b.obs.done(ctx, "BindTask", time.Now(), &err)
	if t.ID == "" || t.FlowID == "" {
		return nil, false, errors.New("store: bind needs a task id and a flow id")
	}
	if t.CreatedAt == 0 {
		t.CreatedAt = b.nowMS()
	}
	if t.UpdatedAt == 0 {
		t.UpdatedAt = t.CreatedAt
	}
	var held *Task
	err = b.update(ctx, func(tx *bolt.Tx) error {
		tasks := bucket(tx, bucketTasks)
		if id := bucket(tx, bucketFlows).Get([]byte(t.FlowID)); id != nil {
			old := new(Task)
			err := getJSON(tasks, string(id), old)
			if err == nil && old.FlowID == t.FlowID {
				held = old
				return errNoChange
			}
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			// A stale entry: t takes the flow over below.
		}
		if tasks.Get([]byte(t.ID)) != nil {
			return ErrExists
		}
		if err := putJSON(tasks, t.ID, t); err != nil {
			return err
		}
		return reindexTask(tx, nil, t)
	})
	if err != nil {
		return nil, false, err
	}
	if held != nil {
		return held, false, nil
	}
	return t, true, nil
}
