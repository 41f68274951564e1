package service

import (
	"context"
	"sync"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// flowRefsMax bounds the flow references kept; past it half are shed.
const flowRefsMax = 100000

// flowRef is what never changes about a task once its flow exists: its
// corp, its kind and its e签宝 flow (CreateProcess sets FlowID once; no
// action moves a task to another corp or flow). Knowing it, GetFlowDetail
// can ask e签宝 and the store at the same time. Being immutable it needs
// no expiry and no invalidation, so it is kept even with the read caches
// off (cache.ttl 0): it cannot be stale.
type flowRef struct {
	corp   string
	kind   store.TaskKind
	flowID string
}

// flowRefs maps task ids to their flowRef.
type flowRefs struct {
	mu sync.RWMutex
	m  map[string]flowRef
}

func (r *flowRefs) get(taskID string) (flowRef, bool) {
	r.mu.RLock()
	ref, ok := r.m[taskID]
	r.mu.RUnlock()
	return ref, ok
}

// remember records t's reference once it has a flow.
func (r *flowRefs) remember(t *store.Task) {
	if t.FlowID == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]flowRef{}
	}
	if len(r.m) >= flowRefsMax {
		for k := range r.m { // map order is random: shed an arbitrary half
			if len(r.m) <= flowRefsMax/2 {
				break
			}
			delete(r.m, k)
		}
	}
	r.m[t.ID] = flowRef{corp: t.CorpID, kind: t.Kind, flowID: t.FlowID}
}

// flowState is what GetFlowDetail reads: the task and its log from the
// store, the flow and its signers from e签宝. When the task's flow is known
// the three reads run at once, so the store round trip adds no latency;
// otherwise the task comes first. Either way the caller's corp is checked
// before e签宝 is asked anything.
func (s *core) flowState(ctx context.Context, taskID string) (*store.Task, []store.LogEntry, *esign.Flow, []esign.Signer, error) {
	ref, known := s.refs.get(taskID)
	if !known {
		t, logs, err := s.taskAndLogs(ctx, taskID, flowKinds...)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		flow, signers, err := s.flowAndSigners(ctx, t.FlowID)
		return t, logs, flow, signers, err
	}
	if ref.corp != caller(ctx).CorpID || !kindIn(ref.kind, flowKinds) {
		return nil, nil, nil, nil, dingtalk.ErrTaskNotFound
	}
	var (
		t    *store.Task
		logs []store.LogEntry
		tErr error
		done = make(chan struct{})
	)
	go func() { defer close(done); t, logs, tErr = s.taskAndLogs(ctx, taskID, flowKinds...) }()
	flow, signers, err := s.flowAndSigners(ctx, ref.flowID)
	<-done
	if tErr != nil {
		return nil, nil, nil, nil, tErr
	}
	return t, logs, flow, signers, err
}
