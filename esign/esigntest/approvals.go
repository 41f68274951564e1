package esigntest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
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

var errNoApproval = paramErr("审批流程不存在")

func (s *Server) approvalRoutes() {
	s.handle("POST /v3/approval/approval-task-list", s.approvalList)
	s.handle("GET /v3/approval/{approvalFlowId}/detail", s.approvalDetail)
	s.open.HandleFunc("GET /oss/seal/{orgId}", s.sealImage)
}

func (s *Server) approvalList(r *http.Request) (any, error) {
	var req struct {
		PageNum  int    `json:"pageNum"`
		PageSize int    `json:"pageSize"`
		OrgID    string `json:"orgId"`
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
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.orgs[req.OrgID] == nil {
		return nil, errAccountGone
	}
	var mine []*approval
	for _, id := range s.st.apprOrder {
		if a := s.st.approvals[id]; a.OrgID == req.OrgID {
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

func (s *Server) approvalDetail(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.approvals[r.PathValue("approvalFlowId")]
	if a == nil {
		return nil, errNoApproval
	}
	o := s.st.orgs[a.OrgID]
	approver := s.st.persons[o.Creator]
	if approver == nil {
		approver = s.st.persons[a.Sponsor]
	}
	var operated any
	nodeStatus := a.Status // 1 审批中, 2 通过, 3 驳回
	if a.Status > approvalRejected {
		nodeStatus = 0
	}
	if a.Status != approvalPending {
		operated = a.Updated.UnixMilli()
	}
	sponsorName, refuse := "", ""
	if p := s.st.persons[a.Sponsor]; p != nil {
		sponsorName = p.Name
	}
	if a.Status == approvalRejected {
		refuse = "驳回"
	}
	return map[string]any{"signFlowId": a.FlowID, "orgId": o.ID, "orgName": o.Name,
		"approvalFlowStatus": a.Status, "approvalName": "用印审批", "sponsorAccountName": sponsorName,
		"sealImageUrl": s.baseURL(r) + "/oss/seal/" + o.ID, "refuseReason": refuse,
		"approvalFlowCreateTime": a.Created.UnixMilli(), "approvalFlowEndTime": msOrNil(a.Ended),
		"approvalNodes": []map[string]any{{"approvalNodeNum": 1, "approvalNodeType": 1,
			"approvalNodeStatus": nodeStatus, "approvers": []map[string]any{{"psnId": approver.ID,
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

// sealImage serves a plain red ring as the seal picture.
func (s *Server) sealImage(w http.ResponseWriter, r *http.Request) {
	const n = 96
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	red := color.NRGBA{R: 0xd0, G: 0x10, B: 0x10, A: 0xff}
	for y := range n {
		for x := range n {
			dx, dy := x-n/2, y-n/2
			if d := dx*dx + dy*dy; d <= 46*46 && d >= 40*40 || dx*dx <= 9 && dy*dy <= 9 {
				img.Set(x, y, red)
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	w.Write(buf.Bytes())
}
