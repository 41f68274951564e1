package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// task returns the caller's task id of one of kinds, from the task cache
// when it is on (lookupTask); the result must not be modified. A task of
// another corp is reported exactly like one that does not exist.
func (s *core) task(ctx context.Context, id string, kinds ...store.TaskKind) (*store.Task, error) {
	if err := checkTaskID(id); err != nil {
		return nil, err
	}
	t, err := s.lookupTask(ctx, id)
	if err != nil {
		return nil, storeError(err, dingtalk.ErrTaskNotFound)
	}
	if t.CorpID != caller(ctx).CorpID || t.FlowID == "" || !kindIn(t.Kind, kinds) {
		return nil, dingtalk.ErrTaskNotFound
	}
	return t, nil
}

// checkTaskID refuses a missing or malformed task id before any lookup.
func checkTaskID(id string) error {
	if id == "" {
		return dingtalk.Field("taskId")
	}
	if !validID(id) {
		return dingtalk.ErrInvalidParam.Msg("参数错误:taskId格式不正确")
	}
	return nil
}

// lookupTask returns the task with id from the task cache or the store.
// Only tasks with a flow are cached: one without is still being created.
// The result is shared and must not be modified.
func (s *core) lookupTask(ctx context.Context, id string) (*store.Task, error) {
	if t, ok := s.cache.tasks.get(id, caller(ctx).CorpID); ok {
		return t, nil
	}
	gen, at := s.cache.tasks.generation(), s.now()
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return nil, err
	}
	if t.FlowID != "" {
		s.cache.tasks.put(id, t.CorpID, t, at, gen)
		s.refs.remember(t)
	}
	return t, nil
}

// taskAndLogs is task plus the task's log, in one store round trip: the
// log alone when the task is cached, else both together. A task of another
// corp is reported exactly like one that does not exist, and its log is
// dropped unread.
func (s *core) taskAndLogs(ctx context.Context, id string, kinds ...store.TaskKind) (*store.Task, []store.LogEntry, error) {
	if err := checkTaskID(id); err != nil {
		return nil, nil, err
	}
	corp := caller(ctx).CorpID
	var logs []store.LogEntry
	t, ok := s.cache.tasks.get(id, corp)
	if ok {
		l, err := s.store.Logs(ctx, id)
		if err != nil {
			return nil, nil, storeError(err, nil)
		}
		logs = l
	} else {
		gen, at := s.cache.tasks.generation(), s.now()
		var err error
		t, logs, err = s.store.TaskWithLogs(ctx, id)
		if err != nil {
			return nil, nil, storeError(err, dingtalk.ErrTaskNotFound)
		}
		if t.FlowID != "" {
			s.cache.tasks.put(id, t.CorpID, t, at, gen)
			s.refs.remember(t)
		}
	}
	if t.CorpID != corp || t.FlowID == "" || !kindIn(t.Kind, kinds) {
		return nil, nil, dingtalk.ErrTaskNotFound
	}
	if logs == nil {
		logs = []store.LogEntry{}
	}
	return t, logs, nil
}

func kindIn(k store.TaskKind, kinds []store.TaskKind) bool {
	if len(kinds) == 0 {
		return true
	}
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
