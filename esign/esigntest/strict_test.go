package esigntest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// TestStrictRequests: the emulator refuses what e签宝's pages do not
// describe, and records every body it was sent.
func TestStrictRequests(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	org := e.org("org", "乙方公司", a)
	doc := e.upload("c.pdf", samplePDF)
	att := e.upload("附件.pdf", samplePDF)

	// Unknown fields anywhere in a body are refused.
	e.wantCode(1435002, "POST", "/v1/accounts/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": "z", "nickname": "z"})
	body := flowBody(doc, "合同", a, b, org, "", true, true)
	body["signers"].([]map[string]any)[0]["signfields"].([]map[string]any)[0]["signDate"] = "yyyy"
	e.wantCode(1435002, "POST", "/api/v2/signflows/createFlowOneStep", nil, body)
	// noticeType takes 1, 2, "1,2" or "" only.
	body = flowBody(doc, "合同", a, b, org, "", true, true)
	body["flowInfo"].(map[string]any)["flowConfigInfo"] = map[string]any{"noticeType": "3"}
	e.wantCode(1435002, "POST", "/api/v2/signflows/createFlowOneStep", nil, body)
	// A sign field on an attachment is refused: attachments are read, not signed.
	body = flowBody(doc, "合同", a, b, org, "", true, true)
	body["attachments"] = []map[string]any{{"fileId": att, "attachmentName": "附件.pdf"}}
	body["signers"].([]map[string]any)[0]["signfields"] = []map[string]any{{"fileId": att}}
	e.wantCode(1435002, "POST", "/api/v2/signflows/createFlowOneStep", nil, body)

	// A documented body passes: attachments, copiers, sign date, notices off.
	body = flowBody(doc, "合同", a, b, org, "", true, true)
	body["attachments"] = []map[string]any{{"fileId": att, "attachmentName": "附件.pdf"}}
	body["copiers"] = []map[string]any{{"copierAccountId": b, "copierIdentityAccountType": 1, "copierIdentityAccountId": org}}
	body["flowInfo"].(map[string]any)["flowConfigInfo"] = map[string]any{"noticeType": ""}
	body["signers"].([]map[string]any)[0]["signfields"] = []map[string]any{{"fileId": doc, "signType": 1,
		"posBean": map[string]any{"posPage": "1", "posX": 10, "posY": 20}, "signDateBeanType": 1,
		"signDateBean": map[string]any{"format": "yyyy-MM-dd"}}}
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	var fl struct{ ConfigInfo struct{ NoticeType string } }
	e.ok("GET", "/v1/signflows/"+d.FlowID, nil, nil, &fl)
	if fl.ConfigInfo.NoticeType != "" {
		t.Errorf("noticeType \"\" kept as %q", fl.ConfigInfo.NoticeType)
	}
	// Omitted, it is e签宝's default 1 (SMS).
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(doc, "合同", a, b, org, "", true, true), &d)
	e.ok("GET", "/v1/signflows/"+d.FlowID, nil, nil, &fl)
	if fl.ConfigInfo.NoticeType != "1" {
		t.Errorf("noticeType omitted: got %q, want 1", fl.ConfigInfo.NoticeType)
	}

	bodies := e.s.Bodies("POST", "/api/v2/signflows/createFlowOneStep")
	if len(bodies) != 5 {
		t.Fatalf("recorded %d bodies, want 5", len(bodies))
	}
	var sent map[string]any
	json.Unmarshal(bodies[3], &sent)
	if cs, _ := sent["copiers"].([]any); len(cs) != 1 {
		t.Errorf("recorded body %s", bodies[3])
	}
}

// TestFileStates: a file goes through states; only 2 or 5 enter a flow,
// the status endpoint is the one to poll, and the upload's Content-Type
// must be the declared one.
func TestFileStates(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.HoldConversion = true })
	a, b := e.person("a", "甲"), e.person("b", "乙")
	org := e.org("org", "乙方公司", a)
	status := func(id string) int {
		var s struct{ Status int }
		e.ok("GET", "/v1/files/"+id+"/status", nil, nil, &s)
		return s.Status
	}
	e.wantCode(1435002, "POST", "/v1/files/getUploadUrl", nil, map[string]any{"contentMd5": b64md5(samplePDF),
		"contentType": "text/plain", "convert2Pdf": false, "fileName": "x.txt", "fileSize": len(samplePDF)})
	var u struct{ FileID, UploadURL string }
	e.ok("POST", "/v1/files/getUploadUrl", nil, map[string]any{"contentMd5": b64md5(samplePDF),
		"contentType": "application/octet-stream", "convert2Pdf": true, "fileName": "c.docx", "fileSize": len(samplePDF)}, &u)
	if st := status(u.FileID); st != 0 {
		t.Errorf("before upload: status %d, want 0", st)
	}
	e.wantCode(1430613, "GET", "/v1/files/nope/status", nil, nil)
	put := func(ctype string) int {
		req, _ := http.NewRequest("PUT", u.UploadURL, bytes.NewReader(samplePDF))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Content-MD5", b64md5(samplePDF))
		st, _, _ := send(t, nil, req)
		return st
	}
	if st := put("application/pdf"); st != http.StatusForbidden {
		t.Errorf("PUT with another Content-Type: got %d, want 403", st)
	}
	if st := put("application/octet-stream"); st != 200 {
		t.Fatalf("PUT: got %d", st)
	}
	if st := status(u.FileID); st != 4 {
		t.Errorf("converting: status %d, want 4", st)
	}
	e.wantCode(1437513, "POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(u.FileID, "合同", a, b, org, "", true, true))
	if err := e.s.ConvertFile(u.FileID, true); err != nil {
		t.Fatal(err)
	}
	if st := status(u.FileID); st != 5 {
		t.Errorf("converted: status %d, want 5", st)
	}
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(u.FileID, "合同", a, b, org, "", true, true), nil)
}
