package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// FlowDetail is GetFlowDetail (both versions): the flow from e签宝, the real
// names of its initiator and initiating organization, and the task's log
// (flowDetail). With Config.CacheTTL set, the answer is kept that long per
// task and corp, concurrent misses share one read, and any change to the
// task this replica makes or hears of by callback drops it at once. The
// result is shared and must not be modified.
func (s *Service) FlowDetail(ctx context.Context, taskID string) (*dingtalk.FlowDetail, error) {
	if d, ok := s.cache.flows.get(taskID, caller(ctx).CorpID); ok {
		return d, nil
	}
	return cached(ctx, s.cache, &s.cache.flows, "flow", taskID, s.flowDetail)
}

// SignDetail is GetFlowSignDetail/GetSignDetail: the flow's scene and status
// and each signer's state (signDetail), cached like FlowDetail. The result
// is shared and must not be modified.
func (s *Service) SignDetail(ctx context.Context, taskID string) (*dingtalk.SignDetail, error) {
	if d, ok := s.cache.signs.get(taskID, caller(ctx).CorpID); ok {
		return d, nil
	}
	return cached(ctx, s.cache, &s.cache.signs, "sign", taskID, s.signDetail)
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
func (s *Service) lookupTask(ctx context.Context, id string) (*store.Task, error) {
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
func (s *Service) taskAndLogs(ctx context.Context, id string, kinds ...store.TaskKind) (*store.Task, []store.LogEntry, error) {
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
		t, logs, err = store.TaskWithLogs(ctx, s.store, id)
		if err != nil {
			return nil, nil, storeError(err, errTaskNotFound)
		}
		if t.FlowID != "" {
			s.cache.tasks.put(id, t.CorpID, t, at, gen)
			s.refs.remember(t)
		}
	}
	if t.CorpID != corp || t.FlowID == "" || !kindIn(t.Kind, kinds) {
		return nil, nil, errTaskNotFound
	}
	return t, logs, nil
}
