package esigntest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignPage(t *testing.T) {
	rc := newReceiver(t)
	e := newEnv(t, nil)
	a, b, c := e.person("a", "甲"), e.person("b", "乙"), e.person("c", "丙")
	fileID := e.upload("c.pdf", samplePDF)
	body := flowBody(fileID, "劳动合同", a, b, "", rc.srv.URL, true, true)
	body["signers"].([]map[string]any)[1]["signfields"] = []map[string]any{{"fileId": fileID}}
	body["flowInfo"].(map[string]any)["flowConfigInfo"].(map[string]any)["redirectUrl"] = "https://app/signed"
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	var eu struct{ URL string }
	e.ok("GET", "/v1/signflows/"+d.FlowID+"/executeUrl", url.Values{"accountId": {a}}, nil, &eu)

	status, h, page := send(t, nil, mustGet(t, eu.URL))
	if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("sign page: got %d %s", status, h.Get("Content-Type"))
	}
	for _, want := range []string{"劳动合同", "签署", "拒签", `name="viewport"`, "劳动合同.pdf"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("sign page lacks %q", want)
		}
	}
	if status, _, _ := send(t, nil, mustGet(t, e.s.URL()+"/sign/"+d.FlowID+"?account="+c)); status != 403 {
		t.Errorf("non-participant page: got %d, want 403", status)
	}
	form := func(action, account string) (int, string) {
		req, _ := http.NewRequest("POST", e.s.URL()+"/sign/"+d.FlowID+"/"+action,
			strings.NewReader(url.Values{"account": {account}, "reason": {"no"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		status, h, _ := send(t, e.noRed, req)
		return status, h.Get("Location")
	}
	if status, loc := form("sign", a); status != 303 || loc != "https://app/signed" {
		t.Errorf("sign form: got %d %s", status, loc)
	}
	if status, loc := form("sign", c); status != 303 || !strings.Contains(loc, "msg=") {
		t.Errorf("non-participant sign form: got %d %s", status, loc)
	}
	form("refuse", b)
	if st, _ := e.s.FlowStatus(d.FlowID); st != 7 {
		t.Errorf("after refuse form: got %d, want 7", st)
	}
	wait(t, e.s)
	want := "PARTICIPANT_MARKREAD,SIGN_FLOW_UPDATE,SIGN_FLOW_UPDATE,SIGN_FLOW_FINISH"
	if got := strings.Join(rc.actions(), ","); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestControlHTTP(t *testing.T) {
	off := newEnv(t, nil)
	if status, _, _ := send(t, nil, mustGet(t, off.s.URL()+"/_control/calls")); status != 404 {
		t.Errorf("control disabled: got %d, want 404", status)
	}
	e := newEnv(t, func(c *Config) { c.Control = true })
	a := e.person("a", "甲")
	fileID := e.upload("c.pdf", samplePDF)
	body := flowBody(fileID, "合同", a, a, "", "", true, true)
	body["signers"] = body["signers"].([]map[string]any)[:1]
	var d struct{ FlowID string }
	e.ok("POST", "/api/v2/signflows/createFlowOneStep", nil, body, &d)
	post := func(path string, v any) (int, map[string]any) {
		b, _ := json.Marshal(v)
		req, _ := http.NewRequest("POST", e.s.URL()+path, bytes.NewReader(b))
		status, _, out := send(t, nil, req)
		var m map[string]any
		json.Unmarshal(out, &m)
		return status, m
	}
	if status, m := post("/_control/flows/"+d.FlowID+"/sign", map[string]string{"accountId": "ghost"}); status != 409 || m["code"] != 1437114.0 {
		t.Errorf("bad signer: got %d %v", status, m)
	}
	if status, m := post("/_control/flows/"+d.FlowID+"/sign", map[string]string{"accountId": a}); status != 200 {
		t.Errorf("sign: got %d %v", status, m)
	}
	status, _, out := send(t, nil, mustGet(t, e.s.URL()+"/_control/flows/"+d.FlowID))
	if status != 200 || !strings.Contains(string(out), `"flowStatus":2`) {
		t.Errorf("flow status: got %d %s", status, out)
	}
	if status, _ := post("/_control/faults", map[string]any{"status": 503, "count": 1, "latency": "1ms"}); status != 200 {
		t.Errorf("set fault: got %d", status)
	}
	if status, _, _ := send(t, nil, e.sig.request(t, signSpec{method: "GET", path: "/v1/accounts/" + a})); status != 503 {
		t.Errorf("fault via HTTP: got %d, want 503", status)
	}
	if status, _ := post("/_control/callbacks/wait", nil); status != 200 {
		t.Errorf("wait: got %d", status)
	}
}
