package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// BindFlowRequest is POST /admin/v1/tasks.
type BindFlowRequest struct {
	CorpID     string `json:"corpId"`
	FlowID     string `json:"flowId"`
	InstanceID string `json:"instanceId"`
}

// BindFlow binds an existing e签宝 flow to a new task of a corp, for flows
// started before the gateway (migration), optionally linked to a DingTalk
// approval instance. The flow must exist upstream.
func (s *Service) BindFlow(ctx context.Context, req *BindFlowRequest) (*dingtalk.TaskID, error) {
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
		if t.CorpID != req.CorpID {
			return nil, dingtalk.ErrInvalidParam.Msg("参数错误:flowId已绑定到其他企业")
		}
		return &dingtalk.TaskID{TaskID: t.ID}, nil
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
	if err := s.store.CreateTask(ctx, t); err != nil {
		return nil, storeError(err, nil)
	}
	if _, err := s.store.AppendLog(ctx, t.ID, logEntry("bound", logCreated, "导入已有签署流程", now, "")); err != nil {
		return nil, storeError(err, nil)
	}
	return &dingtalk.TaskID{TaskID: t.ID}, nil
}
