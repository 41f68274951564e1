package service

import (
	"context"
	"time"

	"esign-gateway/esign"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// Admin is what operators use: binding existing flows, and the state of the
// gateway's dependencies for probes, the status page and metrics.
type Admin service

// BindFlowRequest is POST /admin/v1/tasks.
type BindFlowRequest struct {
	CorpID     string `json:"corpId" required:"true" doc:"企业ID / corp id"`
	FlowID     string `json:"flowId" required:"true" doc:"已有的 e签宝 流程ID / an existing e签宝 flow id"`
	InstanceID string `json:"instanceId" doc:"关联的钉钉审批实例ID / DingTalk approval instance to link"`
}

// BindFlow binds an existing e签宝 flow to a new task of a corp, for flows
// started before the gateway (migration), optionally linked to a DingTalk
// approval instance. The flow must exist upstream.
func (s *Admin) BindFlow(ctx context.Context, req *BindFlowRequest) (*dingtalk.TaskID, error) {
	if !validID(req.CorpID) {
		return nil, dingtalk.Field("corpId")
	}
	if !validID(req.FlowID) {
		return nil, dingtalk.Field("flowId")
	}
	if req.InstanceID != "" && !validID(req.InstanceID) {
		return nil, dingtalk.Field("instanceId")
	}
	if t, err := s.store.TaskByFlow(ctx, req.FlowID); err == nil {
		return s.boundTo(t, req.CorpID)
	} else if err != store.ErrNotFound {
		return nil, storeError(err, nil)
	}
	flow, err := s.esign.Flow(ctx, req.FlowID)
	if err != nil {
		return nil, s.upstreamError("flow_detail", err)
	}
	if _, err := s.store.UpdateCorp(ctx, req.CorpID, func(c *store.Corp) error { return nil }); err != nil {
		return nil, storeError(err, nil)
	}
	now := s.nowMs()
	t := &store.Task{ID: newID("tk"), CorpID: req.CorpID, Kind: store.KindSignFlow, FlowID: req.FlowID,
		Title: flow.BusinessScene, Status: flow.FlowStatus, Finished: finalStatus(flow.FlowStatus),
		InitiatorAccountID: flow.InitiatorAccountID, InitiatorOrgID: flow.InitiatorAuthorizedAccountID,
		InstanceID: req.InstanceID, CreatedAt: now, UpdatedAt: now}
	// The check above is only a shortcut: the store binds atomically, so two
	// binders racing (on any replicas) get one task between them.
	held, created, err := s.store.BindTask(ctx, t)
	if err != nil {
		return nil, storeError(err, nil)
	}
	if !created {
		return s.boundTo(held, req.CorpID)
	}
	if err := s.appendLog(ctx, t.ID, logEntry("bound", logCreated, "导入已有签署流程", now, "")); err != nil {
		return nil, err
	}
	return &dingtalk.TaskID{TaskID: t.ID}, nil
}

// boundTo answers a bind of a flow that task t holds already: its id for
// the same corp, a refusal for any other.
func (s *Admin) boundTo(t *store.Task, corpID string) (*dingtalk.TaskID, error) {
	if t.CorpID != corpID {
		return nil, dingtalk.ErrInvalidParam.Msg("参数错误:flowId已绑定到其他企业")
	}
	return &dingtalk.TaskID{TaskID: t.ID}, nil
}

// Ping checks that the store answers.
func (s *Admin) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// StoreKind is "embedded" or "redis".
func (s *Admin) StoreKind() string { return s.store.Kind() }

// Counts are the store's totals of corps, tasks and files.
func (s *Admin) Counts(ctx context.Context) (store.Counts, error) { return s.store.Counts(ctx) }

// UpstreamStatus is how e签宝 has been answering: the calls of the last
// five minutes, the circuit breaker, and the token's expiry in token mode.
type UpstreamStatus struct {
	LastSuccess time.Time
	Calls       int
	ErrorRate   float64
	P50, P99    time.Duration
	// Breaker is "closed", "half-open" or "open".
	Breaker string
	// TokenExpiry is set in token auth mode once a token was fetched.
	TokenExpiry time.Time
	// Ops are the same figures per operation, by name (this replica's).
	Ops []esign.OpStats
}

// Upstream reports how e签宝 has been answering.
func (s *Admin) Upstream() UpstreamStatus {
	st := s.esign.Stats()
	return UpstreamStatus{LastSuccess: st.LastSuccess, Calls: st.Calls, ErrorRate: st.ErrorRate, P50: st.P50, P99: st.P99,
		Breaker: s.esign.BreakerState(), TokenExpiry: s.esign.TokenExpiry(), Ops: s.esign.OperationStats()}
}

// BreakerState is the e签宝 circuit breaker's: "closed", "half-open" or
// "open" (cheaper than Upstream, for every readiness probe and scrape).
func (s *Admin) BreakerState() string { return s.esign.BreakerState() }

// Counts and OutboxStats are the store's figures, named here so that the
// callers of the services need not know the store.
type (
	Counts      = store.Counts
	OutboxStats = store.OutboxStats
)
