package esigntest

import (
	"net/http"
	"time"
)

// Seal approval statuses (§3.2 approvals): 1 审批中, 2 通过, 3 驳回, 4 撤回, 5 终止.
const (
	approvalPending  = 1
	approvalPassed   = 2
	approvalRejected = 3
	approvalMax      = 5
)

var errNoApproval = bizErr(1453002, "审批流程不存在或非当前appid下的审批流程")

func (s *Server) approvalRoutes() {
	s.handle("POST /v3/approval/approval-task-list", s.approvalList)
	s.handle("GET /v3/approval/{approvalFlowId}/detail", s.approvalDetail)
}

func (s *Server) approvalList(r *http.Request) (any, error) {
	var req struct {
		PageNum       int    `json:"pageNum"`
		PageSize      int    `json:"pageSize"`
		OrgID         string `json:"orgId"`
		OperatorPsnID string `json:"operatorPsnId"`
		QueryType     int    `json:"queryType"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.PageNum < 1:
		return nil, paramErr("pageNum必须大于等于1")
	case req.PageSize < 1 || req.PageSize > 100:
		return nil, paramErr("pageSize取值范围1-100")
	case req.OrgID == "":
		return nil, paramErr("orgId不能为空")
	case req.QueryType != 0 && req.OperatorPsnID == "":
		return nil, bizErr(1453000, "参数错误：指定查询方式queryType时必须传入审批操作人operatorPsnId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.v3OrgLocked(req.OrgID)
	if err != nil {
		return nil, err
	}
	if err := s.approvalGrantLocked(o); err != nil {
		return nil, err
	}
	if req.OperatorPsnID != "" {
		if _, err := s.v3PersonLocked(req.OperatorPsnID); err != nil {
			return nil, err
		}
	}
	var mine []*approval
	for _, id := range s.st.apprOrder {
		if a := s.st.approvals[id]; a.OrgID == o.ID {
			mine = append(mine, a)
		}
	}
	list := []map[string]any{}
	for i := (req.PageNum - 1) * req.PageSize; i < len(mine) && len(list) < req.PageSize; i++ {
		a := mine[i]
		list = append(list, map[string]any{"signFlowId": a.FlowID, "approvalFlowId": a.ID,
			"approvalFlowStatus": a.Status, "approvalFlowCreateTime": a.Created.UnixMilli(),
			"approvalFlowUpdateTime": a.Updated.UnixMilli()})
	}
	return map[string]any{"total": len(mine), "approvalFlowList": list}, nil
}

// approvalGrantLocked: the sealing organization must have granted
// org_approval_info or manage_org_resource (v3-approval-*.md, 1453001).
func (s *Server) approvalGrantLocked(o *org) error {
	if !hasScope(o.Scopes, ScopeOrgApprovalInfo, ScopeManageOrgResource) {
		return bizErr(1453001, "用户:"+o.V3ID+"未授权:"+ScopeOrgApprovalInfo)
	}
	return nil
}

// approvalDetail answers exactly the fields v3-approval-detail.md lists:
// no name, sponsor, seal image, refusal reason or end time.
func (s *Server) approvalDetail(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.approvals[r.PathValue("approvalFlowId")]
	if a == nil {
		return nil, errNoApproval
	}
	o := s.st.orgs[a.OrgID]
	if err := s.approvalGrantLocked(o); err != nil {
		return nil, err
	}
	approver := s.st.persons[o.Creator]
	if approver == nil || approver.V3ID == "" {
		approver = s.st.persons[a.Sponsor]
	}
	var operated any
	nodeStatus := a.Status // 1 审批中→1 待审批, 2 通过, 3 驳回→3 已拒绝
	if a.Status > approvalRejected {
		nodeStatus = 0
	}
	if a.Status != approvalPending {
		operated = a.Updated.UnixMilli()
	}
	return map[string]any{"signFlowId": a.FlowID, "orgId": o.V3ID, "orgName": o.Name,
		"approvalFlowStatus": a.Status,
		"approvalNodes": []map[string]any{{"approvalNodeNum": 1, "approvalNodeId": a.ID + "_1", "approvalNodeType": 1,
			"approvalNodeStatus": nodeStatus, "approvers": []map[string]any{{"psnId": approver.V3ID,
				"psnName": approver.Name, "approvalOperateTime": operated}}}},
	}, nil
}

// addApprovalLocked opens a seal approval for orgID's sign task in f; a
// pending approval holds that task at signStatus 3.
func (s *Server) addApprovalLocked(f *flow, orgID string, status int) (string, error) {
	var task *flowSigner
	for _, sg := range f.Signers {
		if sg.OrgSubject && sg.Authorized == orgID {
			task = sg
		}
	}
	if task == nil {
		return "", errNotParticipant
	}
	if o := s.st.orgs[orgID]; o == nil || o.V3ID == "" {
		// A seal approval happens in e签宝's SaaS, where only a real-name
		// organization exists (our decision).
		return "", bizErr(1435002, "参数错误: 机构未实名")
	}
	now := s.now()
	a := &approval{ID: newID(), FlowID: f.ID, OrgID: orgID, Sponsor: task.Account, Created: now}
	s.st.approvals[a.ID] = a
	s.st.apprOrder = append(s.st.apprOrder, a.ID)
	return a.ID, s.setApprovalLocked(a, status)
}

// setApprovalLocked moves an approval and its sign task along.
func (s *Server) setApprovalLocked(a *approval, status int) error {
	if status < approvalPending || status > approvalMax {
		return paramErr("approvalFlowStatus取值范围1-5")
	}
	a.Status, a.Updated, a.Ended = status, s.now(), time.Time{}
	if status != approvalPending {
		a.Ended = a.Updated
	}
	f := s.st.flows[a.FlowID]
	for _, sg := range f.Signers {
		if !sg.OrgSubject || sg.Authorized != a.OrgID || f.Status != flowSigning {
			continue
		}
		if status == approvalPending && sg.Status == signerSigning {
			sg.Status = signerApproval
		} else if status != approvalPending && sg.Status == signerApproval {
			sg.Status = signerSigning
		}
	}
	return nil
}
