package api_test

import (
	"context"
	"strings"
	"testing"

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

type action struct {
	name, method, path string
	body               any
	v1                 bool  // esign_1.0 envelope
	want               shape // success body (v1: of data)
	check              func(t *testing.T, body any)
	missing            *call // a request missing a required field
	missingField       string
	foreign            *call // corp B asking for corp A's id
	foreignCode        string
}

type call struct {
	method, path string
	body         any
}

func (a action) run(t *testing.T, s *scenario) {
	res := s.g.Do(a.method, a.path, s.tokA, a.body)
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
		res := s.g.Do(a.missing.method, a.missing.path, s.tokA, a.missing.body)
		if res.Status != 400 || res.JSON["code"] != "invalidRequest.invalidAguemnts" || !strings.Contains(res.JSON["message"].(string), a.missingField) {
			t.Errorf("missing %s: %d %s", a.missingField, res.Status, res.Raw)
		}
	}
	if a.foreign != nil {
		res := s.g.Do(a.foreign.method, a.foreign.path, s.tokB, a.foreign.body)
		if res.Status != 400 || res.JSON["code"] != a.foreignCode {
			t.Errorf("foreign corp: %d %s, want 400 %s", res.Status, res.Raw, a.foreignCode)
		}
	}
	if res := s.g.Do(a.method, a.path, "bad-token", a.body); res.Status != 400 || res.JSON["code"] != "InvalidAuthentication" {
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
	foreignTask := func(path string) *call { return &call{"GET", path, nil} }
	return []action{
		// esign_1.0
		{name: "v1 AuthUrl", method: "POST", path: "/v1.0/esign/auths/url", body: map[string]any{"redirectUrl": "https://isv.example.com/back"}, v1: true, want: pageShape},
		{name: "v1 ChannelOrder", method: "POST", path: "/v1.0/esign/orders/channel", body: channel, v1: true, want: shape{"esignOrderId": 's'},
			missing: &call{"POST", "/v1.0/esign/orders/channel", map[string]any{"itemName": "x", "orderId": "o2", "payFee": 1, "quantity": 1}}, missingField: "itemCode"},
		{name: "v1 ContractMargin", method: "GET", path: "/v1.0/esign/contracts/margin", v1: true, want: shape{"margin": 'n'}},
		{name: "v1 CorpConsole", method: "GET", path: "/v1.0/esign/corps/console", v1: true, want: shape{}},
		{name: "v1 CorpInfo", method: "GET", path: "/v1.0/esign/corps/info", v1: true, want: shape{"orgRealName": 's', "realName": 'b'}},
		{name: "v1 CreateDeveloper", method: "GET", path: "/v1.0/esign/developers/create", v1: true, check: func(t *testing.T, b any) {
			if b != true {
				t.Errorf("data %v, want true", b)
			}
		}},
		{name: "v1 GetCorpRealnameUrl", method: "POST", path: "/v1.0/esign/corps/realname", body: map[string]any{"userId": "u1"}, v1: true, want: pageShape,
			missing: &call{"POST", "/v1.0/esign/corps/realname", map[string]any{}}, missingField: "userId"},
		{name: "v1 GetCropStatus", method: "GET", path: "/v1.0/esign/corps/statuses", v1: true, want: shape{"authStatus": 's', "installStatus": 's'}},
		{name: "v1 GetFile", method: "GET", path: "/v1.0/esign/files/" + s.fileA, v1: true, want: fileShape,
			foreign: foreignTask("/v1.0/esign/files/" + s.fileA), foreignCode: "fileNotExists"},
		{name: "v1 GetFlowDetail", method: "GET", path: "/v1.0/esign/flows/detail?taskId=" + s.done, v1: true, want: shape{"businessSense": 's', "flowStatus": 'n', "initiatorName": 's', "logs": 'a'},
			missing: &call{"GET", "/v1.0/esign/flows/detail", nil}, missingField: "taskId",
			foreign: foreignTask("/v1.0/esign/flows/detail?taskId=" + s.done), foreignCode: "flowNotExists"},
		{name: "v1 GetFlowSignDetail", method: "GET", path: "/v1.0/esign/flows/sign/detail?taskId=" + s.done, v1: true, want: shape{"businessSense": 's', "flowStatus": 'n', "signers": 'a'},
			missing: &call{"GET", "/v1.0/esign/flows/sign/detail?taskId=", nil}, missingField: "taskId",
			foreign: foreignTask("/v1.0/esign/flows/sign/detail?taskId=" + s.done), foreignCode: "flowNotExists"},
		{name: "v1 GetProcessStartUrl", method: "POST", path: "/v1.0/esign/process/start", body: start, v1: true, want: pageShape,
			missing: &call{"POST", "/v1.0/esign/process/start", map[string]any{"files": start["files"]}}, missingField: "initiatorUserId"},
		{name: "v1 GetSignNoticeUrl", method: "POST", path: "/v1.0/esign/signs/notice/url", body: map[string]any{"taskId": s.doing}, v1: true, want: shape{"mobileUrl": 's', "pcUrl": 's'},
			missing: &call{"POST", "/v1.0/esign/signs/notice/url", map[string]any{}}, missingField: "taskId",
			foreign: &call{"POST", "/v1.0/esign/signs/notice/url", map[string]any{"taskId": s.doing}}, foreignCode: "flowNotExists"},
		{name: "v1 GetUploadUrl", method: "POST", path: "/v1.0/esign/files/getUploadUrl", body: upload, v1: true, want: shape{"fileId": 's', "uploadUrl": 's'},
			missing: &call{"POST", "/v1.0/esign/files/getUploadUrl", noMD5}, missingField: "contentMd5"},
		{name: "v1 GetUserInfo", method: "GET", path: "/v1.0/esign/users/u1", v1: true, want: shape{"realName": 'b', "userRealName": 's'}},
		{name: "v1 GetUserRealnameUrl", method: "POST", path: "/v1.0/esign/users/realname", body: map[string]any{"userId": "u2"}, v1: true, want: pageShape,
			missing: &call{"POST", "/v1.0/esign/users/realname", map[string]any{"redirectUrl": "https://x.example.com"}}, missingField: "userId"},
		{name: "v1 ListFlowDocs", method: "GET", path: "/v1.0/esign/flows/docs?taskId=" + s.done, v1: true, check: docsCheck,
			missing: &call{"GET", "/v1.0/esign/flows/docs", nil}, missingField: "taskId",
			foreign: foreignTask("/v1.0/esign/flows/docs?taskId=" + s.done), foreignCode: "flowNotExists"},
		{name: "v1 ListSealApproval", method: "GET", path: "/v1.0/esign/seals/approval/list?taskId=" + s.done, v1: true, check: approvalsCheck,
			missing: &call{"GET", "/v1.0/esign/seals/approval/list", nil}, missingField: "taskId",
			foreign: foreignTask("/v1.0/esign/seals/approval/list?taskId=" + s.done), foreignCode: "flowNotExists"},
		{name: "v1 OrderResale", method: "POST", path: "/v1.0/esign/orders/resale", body: resale, v1: true, want: shape{"esignOrderId": 's'},
			missing: &call{"POST", "/v1.0/esign/orders/resale", map[string]any{"orderId": "o3", "quantity": 1, "orderCreateTime": 1, "serviceStopTime": 2}}, missingField: "serviceStartTime"},
		// esign_2.0
		{name: "v2 ApprovalList", method: "GET", path: "/v2.0/esign/approvals/" + s.done, check: data(approvalsCheck),
			foreign: foreignTask("/v2.0/esign/approvals/" + s.done), foreignCode: "flowNotExists"},
		{name: "v2 ChannelOrders", method: "POST", path: "/v2.0/esign/orders/channel", body: channel, want: shape{"esignOrderId": 's'},
			missing: &call{"POST", "/v2.0/esign/orders/channel", map[string]any{"itemCode": "c", "itemName": "x", "orderId": "o4", "quantity": 1}}, missingField: "orderCreateTime"},
		{name: "v2 CorpRealname", method: "POST", path: "/v2.0/esign/corps/realnames", body: map[string]any{"userId": "u1"}, want: pageShape,
			missing: &call{"POST", "/v2.0/esign/corps/realnames", map[string]any{}}, missingField: "userId"},
		{name: "v2 CreateDevelopers", method: "POST", path: "/v2.0/esign/developers", body: map[string]any{"noticeUrl": "https://isv.example.com/events"}, want: shape{"data": 'b'}},
		{name: "v2 CreateProcess", method: "POST", path: "/v2.0/esign/process/startAtOnce", body: create, want: shape{"taskId": 's'},
			missing: &call{"POST", "/v2.0/esign/process/startAtOnce", map[string]any{"initiatorUserId": "u1", "files": create["files"], "participants": create["participants"]}}, missingField: "taskName",
			foreign: &call{"POST", "/v2.0/esign/process/startAtOnce", create}, foreignCode: "invalidRequest.invalidAguemnts"},
		{name: "v2 GetAttachsApproval", method: "GET", path: "/v2.0/esign/dingInstances/inst-1/attachments", check: func(t *testing.T, b any) {
			list, _ := b.(map[string]any)["data"].([]any)
			if len(list) != 1 {
				t.Fatalf("attachments: %v", b)
			}
			checkShape(t, "attach", list[0], shape{"files": 'a', "flowId": 's', "status": 's'})
			files := list[0].(map[string]any)["files"].([]any)
			checkShape(t, "attach file", files[0], shape{"fileName": 's', "originalFileUrl": 's', "signFinishFileUrl": 's'})
		}, foreign: foreignTask("/v2.0/esign/dingInstances/inst-1/attachments"), foreignCode: "instanceNotExists"},
		{name: "v2 GetAuthUrl", method: "POST", path: "/v2.0/esign/auths/urls", body: map[string]any{}, want: pageShape},
		{name: "v2 GetContractMargin", method: "GET", path: "/v2.0/esign/margins", want: shape{"margin": 'n'}},
		{name: "v2 GetCorpConsole", method: "GET", path: "/v2.0/esign/corps/consoles", want: shape{"orgConsoleUrl": 's'}},
		{name: "v2 GetCorpInfo", method: "GET", path: "/v2.0/esign/corps/infos", want: shape{"isRealName": 's', "orgRealName": 's'}},
		{name: "v2 GetExecuteUrl", method: "POST", path: "/v2.0/esign/process/executeUrls", body: map[string]any{"taskId": s.doing, "account": "u2"}, want: shape{"longUrl": 's', "mobileUrl": 's', "pcUrl": 's', "shortUrl": 's'},
			missing: &call{"POST", "/v2.0/esign/process/executeUrls", map[string]any{"account": "u2"}}, missingField: "taskId",
			foreign: &call{"POST", "/v2.0/esign/process/executeUrls", map[string]any{"taskId": s.doing}}, foreignCode: "flowNotExists"},
		{name: "v2 GetFileInfo", method: "GET", path: "/v2.0/esign/files/" + s.fileA, want: fileShape,
			foreign: foreignTask("/v2.0/esign/files/" + s.fileA), foreignCode: "fileNotExists"},
		{name: "v2 GetFileUploadUrl", method: "POST", path: "/v2.0/esign/files/uploadUrls", body: upload, want: shape{"fileId": 's', "uploadUrl": 's'},
			missing: &call{"POST", "/v2.0/esign/files/uploadUrls", noMD5}, missingField: "contentMd5"},
		{name: "v2 GetFlowDetail", method: "GET", path: "/v2.0/esign/flowTasks/" + s.done, want: detailShape,
			foreign: foreignTask("/v2.0/esign/flowTasks/" + s.done), foreignCode: "flowNotExists"},
		{name: "v2 GetFlowDocs", method: "GET", path: "/v2.0/esign/flowTasks/" + s.done + "/docs", check: data(docsCheck),
			foreign: foreignTask("/v2.0/esign/flowTasks/" + s.done + "/docs"), foreignCode: "flowNotExists"},
		{name: "v2 GetIsvStatus", method: "GET", path: "/v2.0/esign/corps/appStatus", want: shape{"authStatus": 's', "installStatus": 's'}},
		{name: "v2 GetSignDetail", method: "GET", path: "/v2.0/esign/signTasks/" + s.done, want: shape{"businessScene": 's', "flowStatus": 'n', "signers": 'a'},
			foreign: foreignTask("/v2.0/esign/signTasks/" + s.done), foreignCode: "flowNotExists"},
		{name: "v2 GetUserInfo", method: "GET", path: "/v2.0/esign/users/u1", want: shape{"isRealName": 's', "userRealName": 's'}},
		{name: "v2 ProcessStart", method: "POST", path: "/v2.0/esign/processes/startUrls", body: start, want: pageShape,
			missing: &call{"POST", "/v2.0/esign/processes/startUrls", map[string]any{"initiatorUserId": "u1"}}, missingField: "files"},
		{name: "v2 ResaleOrder", method: "POST", path: "/v2.0/esign/orders/resale", body: resale, want: shape{"esignOrderId": 's'},
			missing: &call{"POST", "/v2.0/esign/orders/resale", map[string]any{"orderId": "o5", "quantity": 1, "orderCreateTime": 1}}, missingField: "serviceStopTime"},
		{name: "v2 UsersRealname", method: "POST", path: "/v2.0/esign/users/realnames", body: map[string]any{"userId": "u2"}, want: pageShape,
			missing: &call{"POST", "/v2.0/esign/users/realnames", map[string]any{}}, missingField: "userId"},
	}
}
