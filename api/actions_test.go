package api_test

import (
	"context"
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// scenario is the state the action table runs against: corp A with a
// completed flow linked to approval instance inst-1 (with a seal approval),
// a flow in progress and a file; corp B with nothing of A's.
type scenario struct {
	g                  *apitest.Gateway
	tokA, tokB         string
	fileA, done, doing string
}

func newScenario(t *testing.T, kind string) *scenario {
	g := apitest.New(t, apitest.Options{Store: kind})
	s := &scenario{g: g, tokA: g.Token(apitest.CorpA), tokB: g.Token(apitest.CorpB)}
	s.fileA = g.Upload(s.tokA, "附件.pdf", apitest.PDF)
	s.done = g.CreateFlow(s.tokA, map[string]any{"sourceInfo": map[string]any{"pcUrl": "https://aflow.dingtalk.com/dingtalk/web/query/pchomepage.htm?procInstId=inst-1", "showText": "审批"}})
	s.doing = g.CreateFlow(s.tokA, nil)
	flow := g.FlowID(s.done)
	g.VerifyCorp(s.tokA, apitest.CorpA, "u1", "org_approval_info", "manage_org_resource")
	corp, err := g.Store.Corp(context.Background(), apitest.CorpA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Emulator.AddSealApproval(flow, corp.OrgID, 2); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"u1", "u2"} {
		if err := g.Emulator.Sign(flow, g.Participant(s.done, u)); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := g.Emulator.FlowStatus(flow); st != 2 {
		t.Fatalf("flow status %d after both signed, want 2", st)
	}
	return s
}

// shape names the JSON type each field of a body must have, as the SDK
// models it: s string, n number, b bool, a array, o object.
type shape map[string]byte

func checkShape(t *testing.T, where string, v any, want shape) {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: not an object: %v", where, v)
		return
	}
	for field, kind := range want {
		got, present := obj[field]
		if !present {
			t.Errorf("%s: field %s missing", where, field)
			continue
		}
		okType := false
		switch got.(type) {
		case string:
			okType = kind == 's'
		case float64:
			okType = kind == 'n'
		case bool:
			okType = kind == 'b'
		case []any:
			okType = kind == 'a'
		case map[string]any:
			okType = kind == 'o'
		}
		if !okType {
			t.Errorf("%s: field %s = %#v, want JSON type %c", where, field, got, kind)
		}
	}
}

var (
	pageShape   = shape{"mobileUrl": 's', "pcUrl": 's', "taskId": 's'}
	fileShape   = shape{"downloadUrl": 's', "fileId": 's', "name": 's', "pdfTotalPages": 'n', "size": 'n', "status": 'n'}
	detailShape = shape{"flowStatus": 'n', "initiatorAuthorizedName": 's', "initiatorName": 's', "logs": 'a'}
)

// TestActionsCoverTheTable: every row of the action table has a case here
// (or its own test, named in covered), and every case is a row.
func TestActionsCoverTheTable(t *testing.T) {
	covered := map[string]string{
		"esign_1.0 CancelCorpAuth":       "TestCancelCorpAuthRevokesTokens",
		"esign_2.0 CancelCorpAuth":       "TestCancelCorpAuthRevokesTokens",
		"oauth2_1.0 GetCorpAccessToken":  "TestTokenEndpoints",
		"oauth2_1.0 GetAccessToken":      "TestTokenEndpoints",
		"oauth2_1.0 GetSuiteAccessToken": "TestTokenEndpoints",
	}
	cases := map[string]bool{}
	for _, a := range actionTable(&scenario{}) {
		cases[a.name] = true
	}
	rows := map[string]bool{}
	for _, r := range api.Actions() {
		key := r.Version + " " + r.Action
		rows[key] = true
		if !cases[key] && covered[key] == "" {
			t.Errorf("the action table's %s has no case in actionTable", key)
		}
	}
	for key := range cases {
		if !rows[key] {
			t.Errorf("actionTable's %s is not a row of the action table", key)
		}
	}
	if len(rows) != 45 {
		t.Errorf("the action table has %d rows, want 45 (42 e签宝 actions and 3 token endpoints)", len(rows))
	}
}

// TestActions runs every DingTalk e签宝 action through the router: success
// with exact JSON types, a missing required field, and another corp's id.
func TestActions(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			s := newScenario(t, kind)
			for _, a := range actionTable(s) {
				t.Run(a.name, func(t *testing.T) { a.run(t, s) })
			}
		})
	}
}

// action is how one row of the action table is tested. name is the
// version and the action ("esign_2.0 GetFlowDetail"); the method and path
// come from the table itself (api.Route).
type action struct {
	name         string
	params       []string // path parameters: name, value, ...
	query        string
	body         any
	v1           bool  // esign_1.0 envelope
	want         shape // success body (v1: of data)
	check        func(t *testing.T, body any)
	missing      *call // a request missing a required field
	missingField string
	foreign      *call // corp B asking for corp A's id
	foreignCode  string
}

// call is another request to the same action.
type call struct {
	params []string
	query  string
	body   any
}

// do sends c to a's action with token.
func (a action) do(g *apitest.Gateway, token string, c call) *apitest.Response {
	version, name, _ := strings.Cut(a.name, " ")
	method, _ := api.Route(name, version)
	path := apitest.Path(name, version, c.params...)
	if c.query != "" {
		path += "?" + c.query
	}
	return g.Do(method, path, token, c.body)
}

func (a action) run(t *testing.T, s *scenario) {
	self := call{params: a.params, query: a.query, body: a.body}
	res := a.do(s.g, s.tokA, self)
	if res.Status != 200 {
		t.Fatalf("success path: %d %s", res.Status, res.Raw)
	}
	var body any = res.JSON
	if a.v1 {
		if res.JSON["code"] != float64(0) || res.JSON["message"] != "ok" {
			t.Errorf("envelope: %s", res.Raw)
		}
		body = res.JSON["data"]
	}
	if a.want != nil {
		checkShape(t, a.name, body, a.want)
	}
	if a.check != nil {
		a.check(t, body)
	}
	if a.missing != nil {
		c := *a.missing
		if c.params == nil {
			c.params = a.params
		}
		res := a.do(s.g, s.tokA, c)
		want := "requestParamError" // each version's documented parameter code
		if a.v1 {
			want = "invalidRequest.invalidAguemnts"
		}
		if res.Status != 400 || res.JSON["code"] != want || !strings.Contains(res.JSON["message"].(string), a.missingField) {
			t.Errorf("missing %s: %d %s", a.missingField, res.Status, res.Raw)
		}
	}
	if a.foreign != nil {
		res := a.do(s.g, s.tokB, *a.foreign)
		if res.Status != 400 || res.JSON["code"] != a.foreignCode {
			t.Errorf("foreign corp: %d %s, want 400 %s", res.Status, res.Raw, a.foreignCode)
		}
	}
	if res := a.do(s.g, "bad-token", self); res.Status != 400 || res.JSON["code"] != "InvalidAuthentication" {
		t.Errorf("bad token: %d %s", res.Status, res.Raw)
	}
}

func actionTable(s *scenario) []action {
	upload := map[string]any{"contentMd5": "1B2M2Y8AsgTpgAmY7PhCfg==", "contentType": "application/pdf", "convert2Pdf": false, "fileName": "b.pdf", "fileSize": 10}
	noMD5 := map[string]any{"contentType": "application/pdf", "convert2Pdf": false, "fileName": "b.pdf", "fileSize": 10}
	start := map[string]any{"initiatorUserId": "u1", "taskName": "起草", "files": []map[string]any{{"fileId": s.fileA, "fileName": "附件.pdf"}},
		"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u3", "signRequirements": "2"}}}
	create := map[string]any{"taskName": "采购合同", "initiatorUserId": "u1", "files": []map[string]any{{"fileId": s.fileA, "fileName": "附件.pdf", "fileType": 1}},
		"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}}
	channel := map[string]any{"itemCode": "c1", "itemName": "套餐", "orderId": "o-ch-1", "payFee": 100, "quantity": 10, "orderCreateTime": 1700000000000}
	resale := map[string]any{"orderId": "o-rs-1", "quantity": 5, "orderCreateTime": 1700000000000, "serviceStartTime": 1700000000000, "serviceStopTime": 1800000000000}
	docsCheck := func(t *testing.T, body any) {
		list, _ := body.([]any)
		if len(list) != 1 {
			t.Fatalf("docs: %v", body)
		}
		checkShape(t, "doc", list[0], shape{"fileId": 's', "fileName": 's', "fileUrl": 's'})
	}
	data := func(f func(*testing.T, any)) func(*testing.T, any) {
		return func(t *testing.T, body any) { f(t, body.(map[string]any)["data"]) }
	}
	approvalsCheck := func(t *testing.T, body any) {
		list, _ := body.([]any)
		if len(list) != 1 {
			t.Fatalf("approvals: %v", body)
		}
		checkShape(t, "approval", list[0], shape{"approvalName": 's', "approvalNodes": 'a', "endTime": 'n', "refuseReason": 's', "sealIdImg": 's', "sponsorAccountName": 's', "startTime": 'n', "status": 's'})
	}
	return []action{
		// esign_1.0
		{name: "esign_1.0 AuthUrl", body: map[string]any{"redirectUrl": "https://isv.example.com/back"}, v1: true, want: pageShape},
		{name: "esign_1.0 ChannelOrder", body: channel, v1: true, want: shape{"esignOrderId": 's'},
			missing: &call{body: map[string]any{"itemName": "x", "orderId": "o2", "payFee": 1, "quantity": 1}}, missingField: "itemCode"},
		{name: "esign_1.0 ContractMargin", v1: true, want: shape{"margin": 'n'}},
		{name: "esign_1.0 CorpConsole", v1: true, want: shape{}},
		{name: "esign_1.0 CorpInfo", v1: true, want: shape{"orgRealName": 's', "realName": 'b'}},
		{name: "esign_1.0 CreateDeveloper", v1: true, check: func(t *testing.T, b any) {
			if b != true {
				t.Errorf("data %v, want true", b)
			}
		}},
		{name: "esign_1.0 GetCorpRealnameUrl", body: map[string]any{"userId": "u1"}, v1: true, want: pageShape,
			missing: &call{body: map[string]any{}}, missingField: "userId"},
		{name: "esign_1.0 GetCropStatus", v1: true, want: shape{"authStatus": 's', "installStatus": 's'}},
		{name: "esign_1.0 GetFile", params: []string{"fileId", s.fileA}, v1: true, want: fileShape,
			foreign: &call{params: []string{"fileId", s.fileA}}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 GetFlowDetail", query: "taskId=" + s.done, v1: true, want: shape{"businessSense": 's', "flowStatus": 'n', "initiatorName": 's', "logs": 'a'},
			missing: &call{}, missingField: "taskId",
			foreign: &call{query: "taskId=" + s.done}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 GetFlowSignDetail", query: "taskId=" + s.done, v1: true, want: shape{"businessSense": 's', "flowStatus": 'n', "signers": 'a'},
			missing: &call{query: "taskId="}, missingField: "taskId",
			foreign: &call{query: "taskId=" + s.done}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 GetProcessStartUrl", body: start, v1: true, want: pageShape,
			missing: &call{body: map[string]any{"files": start["files"]}}, missingField: "initiatorUserId"},
		{name: "esign_1.0 GetSignNoticeUrl", body: map[string]any{"taskId": s.doing}, v1: true, want: shape{"mobileUrl": 's', "pcUrl": 's'},
			missing: &call{body: map[string]any{}}, missingField: "taskId",
			foreign: &call{body: map[string]any{"taskId": s.doing}}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 GetUploadUrl", body: upload, v1: true, want: shape{"fileId": 's', "uploadUrl": 's'},
			missing: &call{body: noMD5}, missingField: "contentMd5"},
		{name: "esign_1.0 GetUserInfo", params: []string{"userId", "u1"}, v1: true, want: shape{"realName": 'b', "userRealName": 's'}},
		{name: "esign_1.0 GetUserRealnameUrl", body: map[string]any{"userId": "u2"}, v1: true, want: pageShape,
			missing: &call{body: map[string]any{"redirectUrl": "https://x.example.com"}}, missingField: "userId"},
		{name: "esign_1.0 ListFlowDocs", query: "taskId=" + s.done, v1: true, check: docsCheck,
			missing: &call{}, missingField: "taskId",
			foreign: &call{query: "taskId=" + s.done}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 ListSealApproval", query: "taskId=" + s.done, v1: true, check: approvalsCheck,
			missing: &call{}, missingField: "taskId",
			foreign: &call{query: "taskId=" + s.done}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "esign_1.0 OrderResale", body: resale, v1: true, want: shape{"esignOrderId": 's'},
			missing: &call{body: map[string]any{"orderId": "o3", "quantity": 1, "orderCreateTime": 1, "serviceStopTime": 2}}, missingField: "serviceStartTime"},
		// esign_2.0
		{name: "esign_2.0 ApprovalList", params: []string{"taskId", s.done}, check: data(approvalsCheck),
			foreign: &call{params: []string{"taskId", s.done}}, foreignCode: "getFlowInfoError"},
		{name: "esign_2.0 ChannelOrders", body: channel, want: shape{"esignOrderId": 's'},
			missing: &call{body: map[string]any{"itemCode": "c", "itemName": "x", "orderId": "o4", "quantity": 1}}, missingField: "orderCreateTime"},
		{name: "esign_2.0 CorpRealname", body: map[string]any{"userId": "u1"}, want: pageShape,
			missing: &call{body: map[string]any{}}, missingField: "userId"},
		{name: "esign_2.0 CreateDevelopers", body: map[string]any{"noticeUrl": "https://isv.example.com/events"}, want: shape{"data": 'b'}},
		{name: "esign_2.0 CreateProcess", body: create, want: shape{"taskId": 's'},
			missing: &call{body: map[string]any{"initiatorUserId": "u1", "files": create["files"], "participants": create["participants"]}}, missingField: "taskName",
			foreign: &call{body: create}, foreignCode: "requestParamError"},
		{name: "esign_2.0 GetAttachsApproval", params: []string{"instanceId", "inst-1"}, check: func(t *testing.T, b any) {
			list, _ := b.(map[string]any)["data"].([]any)
			if len(list) != 1 {
				t.Fatalf("attachments: %v", b)
			}
			checkShape(t, "attach", list[0], shape{"files": 'a', "flowId": 's', "status": 's'})
			files := list[0].(map[string]any)["files"].([]any)
			checkShape(t, "attach file", files[0], shape{"fileName": 's', "originalFileUrl": 's', "signFinishFileUrl": 's'})
		}, foreign: &call{params: []string{"instanceId", "inst-1"}}, foreignCode: "requestParamError"},
		{name: "esign_2.0 GetAuthUrl", body: map[string]any{}, want: pageShape},
		{name: "esign_2.0 GetContractMargin", want: shape{"margin": 'n'}},
		{name: "esign_2.0 GetCorpConsole", want: shape{"orgConsoleUrl": 's'}},
		{name: "esign_2.0 GetCorpInfo", want: shape{"isRealName": 's', "orgRealName": 's'}},
		{name: "esign_2.0 GetExecuteUrl", body: map[string]any{"taskId": s.doing, "account": "u2"}, want: shape{"longUrl": 's', "mobileUrl": 's', "pcUrl": 's', "shortUrl": 's'},
			missing: &call{body: map[string]any{"account": "u2"}}, missingField: "taskId",
			foreign: &call{body: map[string]any{"taskId": s.doing}}, foreignCode: "getFlowInfoError"},
		{name: "esign_2.0 GetFileInfo", params: []string{"fileId", s.fileA}, want: fileShape,
			foreign: &call{params: []string{"fileId", s.fileA}}, foreignCode: "getFileInfoError"},
		{name: "esign_2.0 GetFileUploadUrl", body: upload, want: shape{"fileId": 's', "uploadUrl": 's'},
			missing: &call{body: noMD5}, missingField: "contentMd5"},
		{name: "esign_2.0 GetFlowDetail", params: []string{"taskId", s.done}, want: detailShape,
			foreign: &call{params: []string{"taskId", s.done}}, foreignCode: "flowNotExists"},
		{name: "esign_2.0 GetFlowDocs", params: []string{"taskId", s.done}, check: data(docsCheck),
			foreign: &call{params: []string{"taskId", s.done}}, foreignCode: "getFlowInfoError"},
		{name: "esign_2.0 GetIsvStatus", want: shape{"authStatus": 's', "installStatus": 's'}},
		{name: "esign_2.0 GetSignDetail", params: []string{"taskId", s.done}, want: shape{"businessScene": 's', "flowStatus": 'n', "signers": 'a'},
			foreign: &call{params: []string{"taskId", s.done}}, foreignCode: "flowNotExists"},
		{name: "esign_2.0 GetUserInfo", params: []string{"userId", "u1"}, want: shape{"isRealName": 's', "userRealName": 's'}},
		{name: "esign_2.0 ProcessStart", body: start, want: pageShape,
			missing: &call{body: map[string]any{"initiatorUserId": "u1"}}, missingField: "files"},
		{name: "esign_2.0 ResaleOrder", body: resale, want: shape{"esignOrderId": 's'},
			missing: &call{body: map[string]any{"orderId": "o5", "quantity": 1, "orderCreateTime": 1}}, missingField: "serviceStopTime"},
		{name: "esign_2.0 UsersRealname", body: map[string]any{"userId": "u2"}, want: pageShape,
			missing: &call{body: map[string]any{}}, missingField: "userId"},
	}
}
