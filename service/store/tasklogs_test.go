package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"esign-gateway/service/store/redistest"
)

func TestTaskWithLogs(t *testing.T) {
	impls := []struct {
		name string
		open func(t *testing.T) Store
	}{
		{"bolt", func(t *testing.T) Store { return openBolt(t).Store }},
		{"redis", func(t *testing.T) Store { return redisOpener([]string{redistest.Start(t).Addr()})(t).Store }},
		{"redis-cluster", func(t *testing.T) Store { return redisOpener(redistest.StartCluster(t, 3))(t).Store }},
		{"instrumented", func(t *testing.T) Store {
			return Instrumented(openBolt(t).Store, func(string, time.Duration, error) {})
		}},
	}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			st := impl.open(t)
			ctx := context.Background()
			if _, ok := st.(TaskLogsReader); !ok {
				t.Errorf("%T is not a TaskLogsReader", st)
			}
			if _, _, err := TaskWithLogs(ctx, st, "missing"); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing task: got %v, want ErrNotFound", err)
			}
			if err := st.CreateTask(ctx, &Task{ID: "t1", CorpID: "c1", FlowID: "f1"}); err != nil {
				t.Fatal(err)
			}
			// A prefix of another task's id must not leak its log.
			if err := st.CreateTask(ctx, &Task{ID: "t10", CorpID: "c1", FlowID: "f10"}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.AppendLog(ctx, "t10", LogEntry{Key: "x", LogType: "9"}); err != nil {
				t.Fatal(err)
			}
			task, logs, err := TaskWithLogs(ctx, st, "t1")
			if err != nil || task.CorpID != "c1" || len(logs) != 0 {
				t.Errorf("empty log: got %+v %v %v, want task of c1 and no entries", task, logs, err)
			}
			for _, k := range []string{"a", "b"} {
				if _, err := st.AppendLog(ctx, "t1", LogEntry{Key: k, LogType: "1"}); err != nil {
					t.Fatal(err)
				}
			}
			task, logs, err = TaskWithLogs(ctx, st, "t1")
			if err != nil || task.FlowID != "f1" || len(logs) != 2 || logs[0].Key != "a" || logs[1].Key != "b" {
				t.Errorf("got %+v %v %v, want task f1 with entries a, b", task, logs, err)
			}
		})
	}
}
