package esigntest

import (
	"testing"
)

func TestSealApprovals(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	org := e.org("org", "乙方公司", a)
	fileID := e.upload("c.pdf", samplePDF)
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(fileID, "合同", a, b, org, "", true, true), &d)
	if _, err := e.s.AddSealApproval(d.FlowID, "not-an-org", 1); err == nil {
		t.Errorf("approval for a non-signer org: got nil error")
	}
	id, err := e.s.AddSealApproval(d.FlowID, org, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := e.s.SignerStatus(d.FlowID, b); st != 3 {
		t.Errorf("pending approval: got signStatus %d, want 3", st)
	}
	if err := e.s.Sign(d.FlowID, b); err == nil {
		t.Errorf("signed while approval pending")
	}

	bad := []map[string]any{
		{"pageNum": 0, "pageSize": 10, "orgId": org},
		{"pageNum": 1, "pageSize": 101, "orgId": org},
		{"pageNum": 1, "pageSize": 10},
	}
	for _, body := range bad {
		e.wantCode(1435002, "POST", "/v3/approval/approval-task-list", nil, body)
	}
	var list struct {
		Total            int
		ApprovalFlowList []struct {
			SignFlowID, ApprovalFlowID string
			ApprovalFlowStatus         int
			ApprovalFlowCreateTime     int64
		}
	}
	e.ok("POST", "/v3/approval/approval-task-list", nil, map[string]any{"pageNum": 1, "pageSize": 10, "orgId": org}, &list)
	if list.Total != 1 || len(list.ApprovalFlowList) != 1 || list.ApprovalFlowList[0].ApprovalFlowID != id ||
		list.ApprovalFlowList[0].SignFlowID != d.FlowID || list.ApprovalFlowList[0].ApprovalFlowStatus != 1 ||
		list.ApprovalFlowList[0].ApprovalFlowCreateTime != e.clk.Now().UnixMilli() {
		t.Errorf("got %+v", list)
	}
	e.ok("POST", "/v3/approval/approval-task-list", nil, map[string]any{"pageNum": 2, "pageSize": 10, "orgId": org}, &list)
	if list.Total != 1 || len(list.ApprovalFlowList) != 0 {
		t.Errorf("page 2: got %+v", list)
	}

	if err := e.s.SetApprovalStatus(id, 2); err != nil {
		t.Fatal(err)
	}
	var det struct {
		SignFlowID, OrgID, OrgName, ApprovalName, SponsorAccountName, SealImageURL string
		ApprovalFlowStatus                                                         int
		ApprovalFlowEndTime                                                        int64
		ApprovalNodes                                                              []struct {
			ApprovalNodeNum, ApprovalNodeType, ApprovalNodeStatus int
			Approvers                                             []struct{ PsnID, PsnName string }
		}
	}
	e.ok("GET", "/v3/approval/"+id+"/detail", nil, nil, &det)
	if det.SignFlowID != d.FlowID || det.OrgName != "乙方公司" || det.ApprovalFlowStatus != 2 || det.SponsorAccountName != "乙" ||
		det.ApprovalFlowEndTime == 0 || len(det.ApprovalNodes) != 1 || det.ApprovalNodes[0].ApprovalNodeStatus != 2 ||
		det.ApprovalNodes[0].Approvers[0].PsnID != a {
		t.Errorf("got %+v", det)
	}
	if status, h, _ := send(t, nil, mustGet(t, det.SealImageURL)); status != 200 || h.Get("Content-Type") != "image/png" {
		t.Errorf("seal image: got %d %s", status, h.Get("Content-Type"))
	}
	e.wantCode(1435002, "GET", "/v3/approval/nope/detail", nil, nil)
	if st, _ := e.s.SignerStatus(d.FlowID, b); st != 1 {
		t.Errorf("approved: got signStatus %d, want 1", st)
	}
	e.s.Sign(d.FlowID, a)
	if err := e.s.Sign(d.FlowID, b); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.s.FlowStatus(d.FlowID); st != 2 {
		t.Errorf("got flow status %d, want 2", st)
	}
}
