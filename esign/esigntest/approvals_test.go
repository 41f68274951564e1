package esigntest

import (
	"sort"
	"strings"
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
	if _, err := e.s.AddSealApproval(d.FlowID, org, 1); err == nil {
		t.Errorf("approval for an org without real name: got nil error")
	}
	e.s.SetRealname(org, true)
	e.s.SetRealname(a, true)
	orgV3 := e.s.V3ID(org)
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
		{"pageNum": 0, "pageSize": 10, "orgId": orgV3},
		{"pageNum": 1, "pageSize": 101, "orgId": orgV3},
		{"pageNum": 1, "pageSize": 10},
	}
	for _, body := range bad {
		e.wantCode(1435002, "POST", "/v3/approval/approval-task-list", nil, body)
	}
	list1 := map[string]any{"pageNum": 1, "pageSize": 10, "orgId": orgV3}
	e.wantCode(1453000, "POST", "/v3/approval/approval-task-list", nil, map[string]any{"pageNum": 1, "pageSize": 10, "orgId": orgV3, "queryType": 1})
	e.wantCode(1450004, "POST", "/v3/approval/approval-task-list", nil, map[string]any{"pageNum": 1, "pageSize": 10, "orgId": org})
	e.wantCode(1453001, "POST", "/v3/approval/approval-task-list", nil, list1)
	e.wantCode(1453001, "GET", "/v3/approval/"+id+"/detail", nil, nil)
	e.s.Grant(org, ScopeOrgApprovalInfo)
	var list struct {
		Total            int
		ApprovalFlowList []struct {
			SignFlowID, ApprovalFlowID string
			ApprovalFlowStatus         int
			ApprovalFlowCreateTime     int64
		}
	}
	e.ok("POST", "/v3/approval/approval-task-list", nil, list1, &list)
	if list.Total != 1 || len(list.ApprovalFlowList) != 1 || list.ApprovalFlowList[0].ApprovalFlowID != id ||
		list.ApprovalFlowList[0].SignFlowID != d.FlowID || list.ApprovalFlowList[0].ApprovalFlowStatus != 1 ||
		list.ApprovalFlowList[0].ApprovalFlowCreateTime != e.clk.Now().UnixMilli() {
		t.Errorf("got %+v", list)
	}
	e.ok("POST", "/v3/approval/approval-task-list", nil, map[string]any{"pageNum": 2, "pageSize": 10, "orgId": orgV3}, &list)
	if list.Total != 1 || len(list.ApprovalFlowList) != 0 {
		t.Errorf("page 2: got %+v", list)
	}

	if err := e.s.SetApprovalStatus(id, 2); err != nil {
		t.Fatal(err)
	}
	var det map[string]any
	e.ok("GET", "/v3/approval/"+id+"/detail", nil, nil, &det)
	// Exactly the fields of v3-approval-detail.md: nothing invented.
	var keys []string
	for k := range det {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "approvalFlowStatus,approvalNodes,orgId,orgName,signFlowId" {
		t.Errorf("detail fields %s", got)
	}
	nodes, _ := det["approvalNodes"].([]any)
	if det["signFlowId"] != d.FlowID || det["orgName"] != "乙方公司" || det["orgId"] != orgV3 || det["approvalFlowStatus"] != 2.0 || len(nodes) != 1 {
		t.Errorf("got %+v", det)
	} else {
		n := nodes[0].(map[string]any)
		who := n["approvers"].([]any)[0].(map[string]any)
		if n["approvalNodeStatus"] != 2.0 || n["approvalNodeId"] == "" || who["psnId"] != e.s.V3ID(a) || who["psnName"] != "甲" {
			t.Errorf("node %+v", n)
		}
	}
	e.wantCode(1453002, "GET", "/v3/approval/nope/detail", nil, nil)
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
