package service

import (
	"context"
	"strconv"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
)

// Approval statuses as DingTalk's pages document them (WAIT 等待审批,
// APPROVING 审批中, AGREED 审批通过, REFUSED 审批拒绝), from e签宝's numbers:
// approvalFlowStatus 1 审批中, 2 通过, 3 驳回, 4 撤回, 5 终止 (timed out);
// approvalNodeStatus 0 未开始, 1 待审批, 2 已通过, 3 已拒绝. DingTalk has no
// withdrawn or timed-out approval: both are an approval that did not agree,
// REFUSED (decision, README).
var (
	approvalStatus = map[int]string{1: "APPROVING", 2: "AGREED", 3: "REFUSED", 4: "REFUSED", 5: "REFUSED"}
	nodeStatus     = map[int]string{0: "WAIT", 1: "APPROVING", 2: "AGREED", 3: "REFUSED"}
)

// SealApprovals is ListSealApproval/ApprovalList: the seal approvals of the
// task's flow from e签宝's approval API (POST /v3/approval/approval-task-list
// for the corp's organization by its v3 orgId, then GET
// /v3/approval/{id}/detail). Both need the organization's grant of
// org_approval_info or manage_org_resource; without it the answer is
// DingTalk's permission error. Each DingTalk field comes from where e签宝
// gives it: startTime = approvalFlowCreateTime, endTime =
// approvalFlowUpdateTime once the approval ended, nodes from the detail.
// e签宝 gives no approval name, sponsor name, seal image or refusal reason:
// those are empty (README, decisions).
func (s *Flows) SealApprovals(ctx context.Context, taskID string) ([]dingtalk.Approval, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	out := []dingtalk.Approval{}
	if t.InitiatorOrgID == "" {
		return out, nil
	}
	orgID, _, err := s.saasOrg(ctx, t.CorpID)
	if err != nil {
		return nil, err
	}
	list, err := s.esign.Approvals(ctx, &esign.ApprovalListRequest{PageNum: 1, PageSize: 100, OrgID: orgID})
	if err != nil {
		return nil, s.grantError("approval_list", err)
	}
	for _, a := range list {
		if a.SignFlowID != t.FlowID {
			continue
		}
		d, err := s.esign.Approval(ctx, a.ApprovalFlowID)
		if err != nil {
			return nil, s.grantError("approval_detail", err)
		}
		ap := dingtalk.Approval{StartTime: a.ApprovalFlowCreateTime,
			Status: statusName(approvalStatus, d.ApprovalFlowStatus), ApprovalNodes: []dingtalk.ApprovalNode{}}
		if d.ApprovalFlowStatus != 1 {
			ap.EndTime = a.ApprovalFlowUpdateTime
		}
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

// statusName is v's DingTalk name; a value e签宝 may add later is an
// approval still under way.
func statusName(m map[int]string, v int) string {
	if n, ok := m[v]; ok {
		return n
	}
	return "APPROVING"
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
		a := dingtalk.Attach{FlowID: t.FlowID, Status: strconv.Itoa(flowStatus(flow.FlowStatus)), Files: []dingtalk.AttachFile{}}
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
