package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"
)

// TaskWithLogs reads the task and its log in one pipeline.
func (r *Redis) TaskWithLogs(ctx context.Context, id string) (_ *Task, _ []LogEntry, err error) {
	defer r.obs.done(ctx, "TaskWithLogs", time.Now(), &err)
	var get *redis.StringCmd
	var lr *redis.StringSliceCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
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
func (b *Bolt) TaskWithLogs(ctx context.Context, id string) (_ *Task, _ []LogEntry, err error) {
	defer b.obs.done(ctx, "TaskWithLogs", time.Now(), &err)
	t := new(Task)
	var logs []LogEntry
	err = b.view(ctx, func(tx *bolt.Tx) error {
		if err := getJSON(bucket(tx, bucketTasks), id, t); err != nil {
			return err
		}
		var err error
		logs, err = readLogs(tx, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return t, logs, nil
}
