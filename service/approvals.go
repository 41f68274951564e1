package service

import (
	"context"
	"strconv"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
)

// Approval status names. e签宝 reports numbers (approvalFlowStatus 1 审批中,
// 2 通过, 3 驳回, 4 撤回, 5 终止; node status 0-3); DingTalk's model has
// strings, so the gateway sends these names (OpenAPI description).
var (
	approvalStatus = map[int]string{1: "APPROVING", 2: "PASSED", 3: "REJECTED", 4: "REVOKED", 5: "TERMINATED"}
	nodeStatus     = map[int]string{0: "WAITING", 1: "APPROVING", 2: "PASSED", 3: "REJECTED"}
)

// SealApprovals is ListSealApproval/ApprovalList: the seal approvals of the
// task's flow from e签宝's approval API (POST /v3/approval/approval-task-list
// for the corp's organization, then GET /v3/approval/{id}/detail).
func (s *Flows) SealApprovals(ctx context.Context, taskID string) ([]dingtalk.Approval, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	out := []dingtalk.Approval{}
	if t.InitiatorOrgID == "" {
		return out, nil
	}
	list, err := s.esign.Approvals(ctx, &esign.ApprovalListRequest{PageNum: 1, PageSize: 100, OrgID: t.InitiatorOrgID})
	if err != nil {
		return nil, s.upstreamError("approval_list", err)
	}
	for _, a := range list {
		if a.SignFlowID != t.FlowID {
			continue
		}
		d, err := s.esign.Approval(ctx, a.ApprovalFlowID)
		if err != nil {
			return nil, s.upstreamError("approval_detail", err)
		}
		ap := dingtalk.Approval{ApprovalName: d.ApprovalName, EndTime: d.EndTime, RefuseReason: d.RefuseReason,
			SealIDImg: d.SealImageURL, SponsorAccountName: d.SponsorAccountName, StartTime: a.ApprovalFlowCreateTime,
			Status: statusName(approvalStatus, d.ApprovalFlowStatus), ApprovalNodes: []dingtalk.ApprovalNode{}}
		for _, n := range d.ApprovalNodes {
			for _, who := range n.Approvers {
				ap.ApprovalNodes = append(ap.ApprovalNodes, dingtalk.ApprovalNode{ApprovalTime: who.ApprovalOperateTime,
					ApproverName: who.PsnName, StartTime: a.ApprovalFlowCreateTime, Status: statusName(nodeStatus, n.ApprovalNodeStatus)})
			}
		}
		out = append(out, ap)
	}
	return out, nil
}

func statusName(m map[int]string, v int) string {
	if n, ok := m[v]; ok {
		return n
	}
	return strconv.Itoa(v)
}

// Attachments is GetAttachsApproval: the tasks linked to a DingTalk
// approval instance (through sourceInfo URLs or POST /admin/v1/tasks), each
// with its original file addresses (GET /v1/files/{fileId}) and, once the
// flow is complete, the signed ones (GET /v1/signflows/{flowId}/documents).
func (s *Flows) Attachments(ctx context.Context, instanceID string) (*dingtalk.Attachs, error) {
	if !validID(instanceID) {
		return nil, dingtalk.Field("instanceId")
	}
	tasks, err := s.store.TasksByInstance(ctx, caller(ctx).CorpID, instanceID)
	if err != nil {
		return nil, storeError(err, dingtalk.ErrInstanceNotFound)
	}
	out := &dingtalk.Attachs{Data: []dingtalk.Attach{}}
	for _, t := range tasks {
		if t.FlowID == "" {
			continue
		}
		flow, err := s.esign.Flow(ctx, t.FlowID)
		if err != nil {
			return nil, s.upstreamError("flow_detail", err)
		}
		signed := map[string]string{}
		if flow.FlowStatus == 2 {
			docs, err := s.esign.Documents(ctx, t.FlowID)
			if err != nil {
				return nil, s.upstreamError("flow_documents", err)
			}
			for _, d := range docs {
				signed[d.FileID] = d.FileURL
			}
		}
		a := dingtalk.Attach{FlowID: t.FlowID, Status: strconv.Itoa(flow.FlowStatus), Files: []dingtalk.AttachFile{}}
		for _, f := range t.Files {
			info, err := s.esign.File(ctx, f.FileID)
			if err != nil {
				return nil, s.upstreamError("file", err)
			}
			a.Files = append(a.Files, dingtalk.AttachFile{FileName: f.FileName, OriginalFileURL: info.DownloadURL, SignFinishFileURL: signed[f.FileID]})
		}
		out.Data = append(out.Data, a)
	}
	if len(out.Data) == 0 {
		return nil, dingtalk.ErrInstanceNotFound
	}
	return out, nil
}
