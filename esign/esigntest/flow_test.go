package esigntest

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"
)

// flowBody builds a createFlowOneStep request: a personal signer and a
// signer acting for an organisation.
func flowBody(fileID, scene, a, b, org, notify string, initiate, archive bool) map[string]any {
	return map[string]any{
		"docs": []map[string]any{{"fileId": fileID, "fileName": "劳动合同.pdf"}},
		"flowInfo": map[string]any{"businessScene": scene, "autoInitiate": initiate, "autoArchive": archive,
			"flowConfigInfo": map[string]any{"noticeDeveloperUrl": notify}},
		"signers": []map[string]any{
			{"signerAccount": map[string]any{"signerAccountId": a}, "thirdOrderNo": "o-1",
				"signfields": []map[string]any{{"fileId": fileID, "posBean": map[string]any{"posPage": "1", "posX": 100, "posY": 100}}}},
			{"signerAccount": map[string]any{"signerAccountId": b, "authorizedAccountId": org}, "thirdOrderNo": "o-2",
				"signfields": []map[string]any{{"fileId": fileID, "actorIndentityType": 2}}},
		},
	}
}

func TestFlowLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	a, b, c := e.person("a", "甲"), e.person("b", "乙"), e.person("c", "丙")
	org := e.org("org", "乙方公司", b)
	fileID := e.upload("劳动合同.pdf", samplePDF)

	var pending struct{ FileID string }
	e.ok("POST", "/v1/files/getUploadUrl", nil, map[string]any{"contentMd5": b64md5(samplePDF), "contentType": "application/pdf",
		"convert2Pdf": false, "fileName": "x.pdf", "fileSize": 5}, &pending)
	bad := []struct {
		name string
		body map[string]any
		code int
	}{
		{"file not uploaded", flowBody(pending.FileID, "合同", a, b, org, "", true, true), 1435002},
		{"unknown file", flowBody("nope", "合同", a, b, org, "", true, true), 1435002},
		{"no scene", flowBody(fileID, "", a, b, org, "", true, true), 1435002},
		{"bad scene", flowBody(fileID, "合同/2026", a, b, org, "", true, true), 1435002},
		{"unknown signer", flowBody(fileID, "合同", "ghost", b, org, "", true, true), 1435203},
		{"org not org", flowBody(fileID, "合同", a, b, c, "", true, true), 1435203},
	}
	for _, tt := range bad {
		if r := e.api("POST", "/api/v2/signflows/createFlowOneStep", nil, tt.body, nil); r.Code != tt.code {
			t.Errorf("%s: got %d %s, want %d", tt.name, r.Code, r.Message, tt.code)
		}
	}
	noSigners := flowBody(fileID, "合同", a, b, org, "", true, true)
	delete(noSigners, "signers")
	e.wantCode(1435002, "POST", "/api/v2/signflows/createFlowOneStep", nil, noSigners)

	var created struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(fileID, "劳动合同", a, b, org, "http://127.0.0.1:1/cb", true, true), &created)
	id := created.FlowID
	var fl struct {
		FlowID, BusinessScene, FlowDesc string
		FlowStatus                      int
		FlowStartTime                   int64
		ConfigInfo                      struct{ NoticeDeveloperURL string }
	}
	e.ok("GET", "/v1/signflows/"+id, nil, nil, &fl)
	if fl.FlowStatus != 1 || fl.BusinessScene != "劳动合同" || fl.FlowStartTime != e.clk.Now().UnixMilli() || fl.ConfigInfo.NoticeDeveloperURL != "http://127.0.0.1:1/cb" {
		t.Errorf("got %+v", fl)
	}
	var sg struct {
		Signers []struct {
			SignOrder, SignStatus, SignerAuthorizedAccountType                                                int
			SignerAccountID, SignerName, SignerAuthorizedAccountID, SignerAuthorizedAccountName, ThirdOrderNo string
		}
	}
	e.ok("GET", "/v1/signflows/"+id+"/signers", nil, nil, &sg)
	if len(sg.Signers) != 2 || sg.Signers[0].SignerAccountID != a || sg.Signers[0].SignStatus != 1 ||
		sg.Signers[1].SignerAuthorizedAccountID != org || sg.Signers[1].SignerAuthorizedAccountType != 1 ||
		sg.Signers[1].SignerAuthorizedAccountName != "乙方公司" || sg.Signers[1].ThirdOrderNo != "o-2" || sg.Signers[0].SignerName != "甲" {
		t.Errorf("got %+v", sg)
	}
	e.wantCode(1437114, "GET", "/v1/signflows/"+id+"/executeUrl", url.Values{"accountId": {c}}, nil)
	e.wantCode(1437114, "GET", "/v1/signflows/"+id+"/executeUrl", url.Values{"accountId": {a}, "organizeId": {org}}, nil)
	var eu struct{ URL, ShortURL string }
	e.ok("GET", "/v1/signflows/"+id+"/executeUrl", url.Values{"accountId": {b}, "organizeId": {"0"}, "urlType": {"0"}}, nil, &eu)
	if !strings.HasPrefix(eu.URL, e.s.URL()+"/sign/"+id+"?") || !strings.HasPrefix(eu.ShortURL, e.s.URL()+"/s/") {
		t.Errorf("got %+v", eu)
	}
	if status, h, _ := send(t, e.noRed, mustGet(t, eu.ShortURL)); status != 302 || h.Get("Location") != eu.URL {
		t.Errorf("short url: got %d %s", status, h.Get("Location"))
	}
	e.wantCode(1437518, "GET", "/v1/signflows/"+id+"/documents", nil, nil)
	e.wantCode(1437108, "PUT", "/v1/signflows/"+id+"/start", nil, nil)

	if err := e.s.Sign(id, c); err == nil {
		t.Errorf("non-participant signed")
	}
	for _, acct := range []string{a, b} {
		if err := e.s.Sign(id, acct); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := e.s.FlowStatus(id); st != 2 {
		t.Fatalf("got status %d, want 2", st)
	}
	var docs struct {
		Docs []struct{ FileID, FileName, FileURL string }
	}
	e.ok("GET", "/v1/signflows/"+id+"/documents", nil, nil, &docs)
	if len(docs.Docs) != 1 || docs.Docs[0].FileID != fileID || docs.Docs[0].FileName != "劳动合同.pdf" {
		t.Fatalf("got %+v", docs)
	}
	status, _, got := send(t, nil, mustGet(t, docs.Docs[0].FileURL))
	if status != 200 || !bytes.HasPrefix(got, samplePDF) || !bytes.Contains(got, []byte("signed flow="+id)) {
		t.Errorf("signed download: got %d %q", status, got)
	}
	e.wantCode(1437111, "PUT", "/v1/signflows/"+id+"/revoke", nil, map[string]string{"revokeReason": "late"})
	var pre struct{ URL string }
	e.ok("GET", "/v1/signflows/"+id+"/executeUrl", url.Values{"accountId": {a}, "urlType": {"1"}}, nil, &pre)
	e.wantCode(1437103, "GET", "/v1/signflows/"+id+"/executeUrl", url.Values{"accountId": {a}}, nil)
	e.wantCode(1435011, "GET", "/v1/signflows/nope", nil, nil)
}

func TestFlowTransitions(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	org := e.org("org", "乙方公司", a)
	fileID := e.upload("c.pdf", samplePDF)
	create := func(initiate, archive bool) string {
		var d struct{ FlowID string }
		e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, flowBody(fileID, "合同", a, b, org, "", initiate, archive), &d)
		return d.FlowID
	}
	status := func(id string) (int, string) {
		var f struct {
			FlowStatus int
			FlowDesc   string
		}
		e.ok("GET", "/v1/signflows/"+id, nil, nil, &f)
		return f.FlowStatus, f.FlowDesc
	}

	draft := create(false, false)
	if st, _ := status(draft); st != 0 {
		t.Errorf("draft: got %d, want 0", st)
	}
	e.wantCode(1437103, "GET", "/v1/signflows/"+draft+"/executeUrl", url.Values{"accountId": {a}}, nil)
	e.wantCode(1437111, "PUT", "/v1/signflows/"+draft+"/revoke", nil, nil)
	e.ok("PUT", "/v1/signflows/"+draft+"/start", nil, nil, nil)
	e.ok("PUT", "/v1/signflows/"+draft+"/revoke", nil, map[string]string{"revokeReason": "不签了"}, nil)
	if st, desc := status(draft); st != 3 || desc != "不签了" {
		t.Errorf("revoked: got %d %q", st, desc)
	}
	e.wantCode(1437168, "PUT", "/v1/signflows/"+draft+"/revoke", nil, nil)

	manual := create(true, false)
	e.wantCode(1437113, "PUT", "/v1/signflows/"+manual+"/archive", nil, nil)
	e.s.Sign(manual, a)
	e.s.Sign(manual, b)
	if st, _ := status(manual); st != 1 {
		t.Errorf("fully signed without autoArchive: got %d, want 1", st)
	}
	e.ok("PUT", "/v1/signflows/"+manual+"/archive", nil, nil, nil)
	if st, _ := status(manual); st != 2 {
		t.Errorf("archived: got %d, want 2", st)
	}

	refused := create(true, true)
	if err := e.s.Refuse(refused, b, "条款有误"); err != nil {
		t.Fatal(err)
	}
	if st, desc := status(refused); st != 7 || desc != "条款有误" {
		t.Errorf("refused: got %d %q", st, desc)
	}
	if st, _ := e.s.SignerStatus(refused, b); st != 4 {
		t.Errorf("refused signer: got %d, want 4", st)
	}

	expired := create(true, true)
	e.s.Expire(expired)
	if st, _ := status(expired); st != 5 {
		t.Errorf("expired: got %d, want 5", st)
	}
	body := flowBody(fileID, "合同", a, b, org, "", true, true)
	body["flowInfo"].(map[string]any)["signValidity"] = e.clk.Now().Add(time.Hour).UnixMilli()
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	e.clk.Add(61 * time.Minute)
	if st, _ := status(d.FlowID); st != 5 {
		t.Errorf("past signValidity: got %d, want 5", st)
	}
	finished := create(true, false)
	if err := e.s.Finish(finished); err != nil {
		t.Fatal(err)
	}
	if st, _ := status(finished); st != 2 {
		t.Errorf("Finish: got %d, want 2", st)
	}
}

func TestSignOrder(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.person("a", "甲"), e.person("b", "乙")
	fileID := e.upload("c.pdf", samplePDF)
	body := flowBody(fileID, "顺序签", a, b, "", "", true, true)
	signers := body["signers"].([]map[string]any)
	signers[0]["signOrder"], signers[1]["signOrder"] = 1, 2
	signers[1]["signfields"] = []map[string]any{{"fileId": fileID}}
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	if st, _ := e.s.SignerStatus(d.FlowID, b); st != 0 {
		t.Errorf("second signer before first: got %d, want 0", st)
	}
	if err := e.s.Sign(d.FlowID, b); err == nil {
		t.Errorf("second signer signed out of order")
	}
	e.s.Sign(d.FlowID, a)
	if st, _ := e.s.SignerStatus(d.FlowID, b); st != 1 {
		t.Errorf("second signer after first: got %d, want 1", st)
	}
}
