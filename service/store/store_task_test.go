package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
)

func testTask(t *testing.T, s fixture) {
	ctx := context.Background()
	if _, err := s.Task(ctx, "t1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Task(missing) err = %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateTask(ctx, "t1", func(*Task) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateTask(missing) err = %v, want ErrNotFound", err)
	}
	task := &Task{
		ID: "t1", CorpID: "c1", Kind: KindSignFlow, FlowID: "f1", Title: "contract",
		Participants: []Participant{{UserID: "u1", Role: "signer"}},
		Files:        []TaskFile{{FileID: "file1", FileName: "a.pdf"}},
	}
	if err := s.CreateTask(ctx, task); err != nil {
		t.Fatalf("CreateTask: %v", err)
	}
	if task.CreatedAt == 0 {
		t.Errorf("CreateTask left CreatedAt zero")
	}
	if err := s.CreateTask(ctx, &Task{ID: "t1", CorpID: "c2", FlowID: "f9"}); !errors.Is(err, ErrExists) {
		t.Errorf("CreateTask(dup) err = %v, want ErrExists", err)
	}
	got, err := s.Task(ctx, "t1")
	if err != nil || got.Title != "contract" || got.CorpID != "c1" || len(got.Participants) != 1 || got.Files[0].FileName != "a.pdf" {
		t.Errorf("Task = %+v, %v", got, err)
	}
	wantFlow(t, s, "f1", "t1")
	wantFlow(t, s, "f9", "")

	got, err = s.UpdateTask(ctx, "t1", func(t *Task) error {
		t.FlowID, t.Status = "f2", 2
		return nil
	})
	if err != nil || got.FlowID != "f2" || got.Status != 2 || got.UpdatedAt == 0 {
		t.Fatalf("UpdateTask = %+v, %v", got, err)
	}
	wantFlow(t, s, "f1", "")
	wantFlow(t, s, "f2", "t1")

	if _, err := s.UpdateTask(ctx, "t1", func(t *Task) error {
		t.FlowID = "f3"
		return errBoom
	}); !errors.Is(err, errBoom) {
		t.Errorf("UpdateTask(fn fails) err = %v, want errBoom", err)
	}
	wantFlow(t, s, "f2", "t1")
	wantFlow(t, s, "f3", "")

	// A task created before its upstream flow exists gets indexed later.
	if err := s.CreateTask(ctx, &Task{ID: "t2", CorpID: "c1"}); err != nil {
		t.Fatal(err)
	}
	wantFlow(t, s, "", "")
	if _, err := s.UpdateTask(ctx, "t2", func(t *Task) error { t.FlowID = "f4"; return nil }); err != nil {
		t.Fatal(err)
	}
	wantFlow(t, s, "f4", "t2")
}

// wantFlow checks TaskByFlow; taskID "" means not found.
func wantFlow(t *testing.T, s backend, flowID, taskID string) {
	t.Helper()
	got, err := s.TaskByFlow(context.Background(), flowID)
	switch {
	case taskID == "" && !errors.Is(err, ErrNotFound):
		t.Errorf("TaskByFlow(%q) = %+v, %v; want ErrNotFound", flowID, got, err)
	case taskID != "" && (err != nil || got.ID != taskID || got.FlowID != flowID):
		t.Errorf("TaskByFlow(%q) = %+v, %v; want task %s", flowID, got, err, taskID)
	}
}

func testTasksByInstance(t *testing.T, s fixture) {
	ctx := context.Background()
	for _, task := range []*Task{
		{ID: "a", CorpID: "c1", InstanceID: "i1", CreatedAt: 1},
		{ID: "b", CorpID: "c1", InstanceID: "i1", CreatedAt: 2},
		{ID: "c", CorpID: "c2", InstanceID: "i1", CreatedAt: 3},
		{ID: "d", CorpID: "c1", InstanceID: "i2", CreatedAt: 4},
		{ID: "e", CorpID: "c1", CreatedAt: 5},
	} {
		if err := s.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	wantInstance(t, s, "c1", "i1", "a", "b")
	wantInstance(t, s, "c2", "i1", "c")
	wantInstance(t, s, "c1", "none")
	if _, err := s.UpdateTask(ctx, "b", func(t *Task) error { t.InstanceID = "i2"; return nil }); err != nil {
		t.Fatal(err)
	}
	wantInstance(t, s, "c1", "i1", "a")
	wantInstance(t, s, "c1", "i2", "b", "d")
}

func wantInstance(t *testing.T, s backend, corpID, instanceID string, want ...string) {
	t.Helper()
	tasks, err := s.TasksByInstance(context.Background(), corpID, instanceID)
	if err != nil {
		t.Fatalf("TasksByInstance(%s, %s): %v", corpID, instanceID, err)
	}
	var ids []string
	for _, task := range tasks {
		ids = append(ids, task.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("TasksByInstance(%s, %s) = %v, want %v", corpID, instanceID, ids, want)
	}
}

func testLogs(t *testing.T, s fixture) {
	ctx := context.Background()
	if logs, err := s.Logs(ctx, "t1"); err != nil || len(logs) != 0 {
		t.Errorf("Logs(empty) = %v, %v", logs, err)
	}
	for _, tc := range []struct {
		key  string
		want bool
	}{{"created", true}, {"signed:u1", true}, {"created", false}, {"finished", true}, {"signed:u1", false}} {
		added, err := s.AppendLog(ctx, "t1", LogEntry{Key: tc.key, LogType: tc.key, OperateTime: 7})
		if err != nil || added != tc.want {
			t.Errorf("AppendLog(%q) = %v, %v; want %v", tc.key, added, err, tc.want)
		}
	}
	logs, err := s.Logs(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range logs {
		keys = append(keys, e.Key)
		if e.OperateTime != 7 || e.LogType != e.Key {
			t.Errorf("log entry = %+v", e)
		}
	}
	if want := []string{"created", "signed:u1", "finished"}; !slices.Equal(keys, want) {
		t.Errorf("Logs = %v, want %v", keys, want)
	}
	if logs, err := s.Logs(ctx, "t2"); err != nil || len(logs) != 0 {
		t.Errorf("Logs(other task) = %v, %v", logs, err)
	}
}

// testTaskWithLogs: the one-step read of a task and its log (one pipelined
// round trip on Redis, one transaction on Bolt).
func testTaskWithLogs(t *testing.T, st fixture) {
	ctx := context.Background()
	if _, _, err := st.TaskWithLogs(ctx, "missing"); !errors.Is(err, ErrNotFound) {
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
	task, logs, err := st.TaskWithLogs(ctx, "t1")
	if err != nil || task.CorpID != "c1" || len(logs) != 0 {
		t.Errorf("empty log: got %+v %v %v, want task of c1 and no entries", task, logs, err)
	}
	for _, k := range []string{"a", "b"} {
		if _, err := st.AppendLog(ctx, "t1", LogEntry{Key: k, LogType: "1"}); err != nil {
			t.Fatal(err)
		}
	}
	task, logs, err = st.TaskWithLogs(ctx, "t1")
	if err != nil || task.FlowID != "f1" || len(logs) != 2 || logs[0].Key != "a" || logs[1].Key != "b" {
		t.Errorf("got %+v %v %v, want task f1 with entries a, b", task, logs, err)
	}
}

// testBindTask: many binders of one flow, for different corps, at once:
// exactly one task is created and every binder gets that one.
func testBindTask(t *testing.T, s fixture) {
	bindRace(t, "f1", s, s)
	ctx := context.Background()
	// A stale index entry (its task moved to another flow) is taken over.
	if err := s.CreateTask(ctx, &Task{ID: "old", CorpID: "c1", FlowID: "f2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateTask(ctx, "old", func(t *Task) error { t.FlowID = "f3"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, created, err := s.BindTask(ctx, &Task{ID: "new", CorpID: "c2", FlowID: "f2", InstanceID: "i1"})
	if err != nil || !created || got.ID != "new" {
		t.Fatalf("BindTask(free flow) = %+v, %v, %v; want created", got, created, err)
	}
	wantFlow(t, s, "f2", "new")
	got, created, err = s.BindTask(ctx, &Task{ID: "new2", CorpID: "c2", FlowID: "f3"})
	if err != nil || created || got.ID != "old" {
		t.Errorf("BindTask(flow of a created task) = %+v, %v, %v; want task old", got, created, err)
	}
	if ts, err := s.TasksByInstance(ctx, "c2", "i1"); err != nil || len(ts) != 1 || ts[0].ID != "new" {
		t.Errorf("TasksByInstance = %v, %v; want [new]", ts, err)
	}
}

// bindRace binds flowID from 16 goroutines, alternating between stores a
// and b (two replicas on one backend, or one store twice), each for its
// own corp.
func bindRace(t *testing.T, flowID string, a, b backend) {
	t.Helper()
	ctx := context.Background()
	const n = 16
	got := make([]*Task, n)
	var created atomic.Int64
	parallel(n, func(i int) {
		s := a
		if i%2 == 1 {
			s = b
		}
		task := &Task{ID: fmt.Sprintf("b%d", i), CorpID: fmt.Sprintf("c%d", i), Kind: KindSignFlow, FlowID: flowID, InstanceID: "inst"}
		held, ok, err := s.BindTask(ctx, task)
		if err != nil {
			t.Errorf("BindTask %d: %v", i, err)
			return
		}
		if ok {
			created.Add(1)
		}
		got[i] = held
	})
	if created.Load() != 1 {
		t.Fatalf("%d binders created a task for one flow, want 1", created.Load())
	}
	winner := got[0].ID
	for i, h := range got {
		if h == nil || h.ID != winner || h.FlowID != flowID {
			t.Errorf("binder %d got %+v, want task %s", i, h, winner)
		}
		if id := fmt.Sprintf("b%d", i); id != winner {
			if _, err := a.Task(ctx, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("loser's task %s: err = %v, want ErrNotFound", id, err)
			}
			if ts, _ := a.TasksByInstance(ctx, fmt.Sprintf("c%d", i), "inst"); len(ts) != 0 {
				t.Errorf("loser's instance index kept %v", ts)
			}
		}
	}
	wantFlow(t, a, flowID, winner)
	wantFlow(t, b, flowID, winner)
}
