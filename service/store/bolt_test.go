package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBoltReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gw.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	writes := []func() error{
		func() error { return b.CreateTask(ctx, &Task{ID: "t1", CorpID: "c1", FlowID: "f1", InstanceID: "i1"}) },
		func() error { _, err := b.AppendLog(ctx, "t1", LogEntry{Key: "created"}); return err },
		func() error {
			_, err := b.UpdateCorp(ctx, "c1", func(c *Corp) error { c.Epoch = 3; return nil })
			return err
		},
		func() error {
			_, _, err := b.PlaceOrder(ctx, &Order{CorpID: "c1", OrderID: "o1", Quantity: 4})
			return err
		},
		func() error { return b.Enqueue(ctx, &Event{ID: "e1", Key: "t1"}) },
	}
	for i, w := range writes {
		if err := w(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b, err = OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	if task, err := b.TaskByFlow(ctx, "f1"); err != nil || task.ID != "t1" {
		t.Errorf("TaskByFlow after reopen = %+v, %v", task, err)
	}
	if tasks, err := b.TasksByInstance(ctx, "c1", "i1"); err != nil || len(tasks) != 1 {
		t.Errorf("TasksByInstance after reopen = %v, %v", tasks, err)
	}
	if logs, err := b.Logs(ctx, "t1"); err != nil || len(logs) != 1 {
		t.Errorf("Logs after reopen = %v, %v", logs, err)
	}
	if c, err := b.Corp(ctx, "c1"); err != nil || c.Epoch != 3 {
		t.Errorf("Corp after reopen = %+v, %v", c, err)
	}
	if q, err := b.Quota(ctx, "c1"); err != nil || q.Bought != 4 {
		t.Errorf("Quota after reopen = %+v, %v", q, err)
	}
	if st, err := b.OutboxStats(ctx, time.Now()); err != nil || st.Depth != 1 {
		t.Errorf("OutboxStats after reopen = %+v, %v", st, err)
	}
	if err := b.CreateTask(ctx, &Task{ID: "t1"}); !errors.Is(err, ErrExists) {
		t.Errorf("CreateTask(t1) after reopen err = %v, want ErrExists", err)
	}
}

func TestBoltLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gw.db")
	b, err := OpenBolt(path, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = OpenBolt(path, BoltOptions{Timeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second OpenBolt err = %v, want a clear lock error", err)
	}
}
