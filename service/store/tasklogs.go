package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"
)

// TaskLogsReader is a Store that reads a task and its log in one step. On
// Redis that is one pipelined round trip instead of two (the task and its
// log share a hash slot, so this holds on a Cluster too); GetFlowDetail
// needs both on every uncached call.
type TaskLogsReader interface {
	// TaskWithLogs returns what Task and Logs would, or ErrNotFound when
	// the task does not exist. The log may be a moment newer than the task,
	// never older than what was logged before the call began.
	TaskWithLogs(ctx context.Context, id string) (*Task, []LogEntry, error)
}

// TaskWithLogs returns the task with id and its log, in one step when st is
// a TaskLogsReader and with Task then Logs otherwise.
func TaskWithLogs(ctx context.Context, st Store, id string) (*Task, []LogEntry, error) {
	if r, ok := st.(TaskLogsReader); ok {
		return r.TaskWithLogs(ctx, id)
	}
	t, err := st.Task(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	logs, err := st.Logs(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return t, logs, nil
}

// TaskWithLogs reads the task and its log in one pipeline.
func (r *Redis) TaskWithLogs(ctx context.Context, id string) (*Task, []LogEntry, error) {
	var get *redis.StringCmd
	var lr *redis.StringSliceCmd
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, r.kTask(id))
		lr = p.LRange(ctx, r.kLog(id), 0, -1)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, nil, r.fail("task with logs", err)
	}
	data, err := get.Bytes()
	if err != nil {
		return nil, nil, r.fail("task with logs", err)
	}
	t := new(Task)
	if err := json.Unmarshal(data, t); err != nil {
		return nil, nil, fmt.Errorf("store: corrupt value in %s: %w", r.kTask(id), err)
	}
	items, err := lr.Result()
	if err != nil {
		return nil, nil, r.fail("task with logs", err)
	}
	logs := make([]LogEntry, len(items))
	for i, it := range items {
		if err := json.Unmarshal([]byte(it), &logs[i]); err != nil {
			return nil, nil, fmt.Errorf("store: corrupt log of %s: %w", id, err)
		}
	}
	return t, logs, nil
}

// TaskWithLogs reads the task and its log in one read transaction.
func (b *Bolt) TaskWithLogs(ctx context.Context, id string) (*Task, []LogEntry, error) {
	t := new(Task)
	var logs []LogEntry
	err := b.view(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(bucket(tx, bucketTasks), id, t); err != nil {
			return err
		}
		prefix := []byte(join(id, ""))
		c := bucket(tx, bucketLogs).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e LogEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("store: corrupt log of %s: %w", id, err)
			}
			logs = append(logs, e)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, logs, nil
}

// TaskWithLogs passes the one-step read through, reported as one call.
func (s *instrumented) TaskWithLogs(ctx context.Context, id string) (*Task, []LogEntry, error) {
	start := time.Now()
	t, l, err := TaskWithLogs(ctx, s.Store, id)
	s.done("TaskWithLogs", start, err)
	return t, l, err
}
