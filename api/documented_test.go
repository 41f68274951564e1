package api_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// These tests hold the gateway to DingTalk's pages, as docfacts_test.go
// records them: the router's app types and scope, the request fields it
// requires, the enumerations the OpenAPI document (and so the explorer)
// shows, the error codes each action can answer, and the values in real
// answers. Where the gateway departs from a page it is for a reason listed
// here (and in README's decisions), never silently.

// factOf returns the page's facts for a row of the action table.
func factOf(a api.Action) (docFact, bool) {
	for _, f := range docFacts {
		if f.Action == a.Action && f.Version == a.Version {
			return f, true
		}
	}
	return docFact{}, false
}

// undocumented are the rows no page in the folder documents.
var undocumented = map[string]bool{"esign_2.0 GetAttachsApproval": true, "oauth2_1.0 GetSuiteAccessToken": true}

// TestDocumentedAppTypes: every e签宝 action takes exactly the app types and
// the scope its page names (esign_2.0: internal and third-party enterprise
// apps, Esign.Common.ReadWrite; esign_1.0: third-party enterprise apps).
func TestDocumentedAppTypes(t *testing.T) {
	for _, a := range api.Actions() {
		key := a.Version + " " + a.Action
		f, ok := factOf(a)
		switch {
		case !ok && undocumented[key]:
			continue
		case !ok:
			t.Errorf("%s: no documented facts", key)
			continue
		case a.Version == "oauth2_1.0":
			if len(a.Apps) != 0 {
				t.Errorf("%s: token endpoints are anonymous, the row names apps %v", key, a.Apps)
			}
			continue
		}
		got, want := slices.Sorted(slices.Values(a.Apps)), slices.Sorted(slices.Values(f.AppTypes))
		if !slices.Equal(got, want) {
			t.Errorf("%s: app types %v, the page (%s) says %v", key, got, f.Page, want)
		}
		if a.Scope != f.Scope {
			t.Errorf("%s: scope %q, the page says %q", key, a.Scope, f.Scope)
		}
	}
	// The undocumented action takes what every esign_2.0 page takes.
	for _, a := range api.Actions() {
		if a.Action == "GetAttachsApproval" && !slices.Equal(slices.Sorted(slices.Values(a.Apps)), []string{"internal", "isv_enterprise"}) {
			t.Errorf("GetAttachsApproval: app types %v, want esign_2.0's", a.Apps)
		}
	}
}

// requiredBeyondPages are the fields the gateway requires although the
// page marks them optional, each for a reason. The other way round (a page
// requires what the gateway does not) has no exceptions.
var requiredBeyondPages = map[string]string{
	// esign_1.0's pages mark the task id optional, but without one there is
	// nothing to answer.
	"esign_1.0 GetFlowDetail taskId":     "nothing to answer without it",
	"esign_1.0 GetFlowSignDetail taskId": "nothing to answer without it",
	"esign_1.0 GetSignNoticeUrl taskId":  "nothing to answer without it",
	"esign_1.0 ListFlowDocs taskId":      "nothing to answer without it",
	"esign_1.0 ListSealApproval taskId":  "nothing to answer without it",
	// e签宝 needs these to start a flow (createFlowOneStep, the start page).
	"esign_1.0 GetProcessStartUrl initiatorUserId":            "e签宝 needs an initiator",
	"esign_1.0 GetProcessStartUrl files[].fileId":             "e签宝 needs the file",
	"esign_1.0 GetProcessStartUrl files[].fileName":           "e签宝 needs the file's name",
	"esign_1.0 GetProcessStartUrl participants[].accountType": "how the party is named",
	"esign_1.0 GetProcessStartUrl ccs[].accountType":          "how the party is named",
	// A flow needs a document to sign and, created at once, a signer.
	"esign_1.0 GetProcessStartUrl files":   "a flow needs a document",
	"esign_2.0 CreateProcess files":        "a flow needs a document",
	"esign_2.0 CreateProcess participants": "a flow created at once needs a signer",
	// e签宝's getUploadUrl requires all four (v1-files-getUploadUrl.md).
	"esign_2.0 GetFileUploadUrl contentMd5":  "e签宝 requires it",
	"esign_2.0 GetFileUploadUrl contentType": "e签宝 requires it",
	"esign_2.0 GetFileUploadUrl fileName":    "e签宝 requires it",
	"esign_2.0 GetFileUploadUrl fileSize":    "e签宝 requires it",
}

// TestDocumentedRequired: the OpenAPI document marks required every
// request field the page marks required (是否必填=是), and no other but the
// ones listed above.
func TestDocumentedRequired(t *testing.T) {
	d, _ := fetchDoc(t, fullGateway(t))
	for _, a := range api.Actions() {
		f, ok := factOf(a)
		if !ok {
			continue
		}
		op, ok := d.operation(a.Method, docPath(a.Path))
		if !ok {
			t.Errorf("%s %s: not documented", a.Version, a.Action)
			continue
		}
		fields := requestFields(d, op)
		for _, name := range append(slices.Clone(f.Required), f.Optional...) {
			key := a.Version + " " + a.Action + " " + name
			want := slices.Contains(f.Required, name)
			got, known := fields[name]
			switch {
			case !known && want:
				t.Errorf("%s: required by the page (%s), not a field of the request", key, f.Page)
			case !known:
			case want && !got && !pathParam(a.Path, name):
				t.Errorf("%s: optional, the page (%s) requires it", key, f.Page)
			case got && !want && requiredBeyondPages[key] == "" && !pathParam(a.Path, name):
				t.Errorf("%s: required, the page (%s) leaves it optional", key, f.Page)
			}
		}
	}
}

// pathParam: a path segment is always there, whatever a page marks
// (docConflicts: GetFile's fileId).
func pathParam(path, name string) bool { return strings.Contains(path, "/:"+name) }

// docPath turns a gin path into one the OpenAPI lookup matches.
func docPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}

// requestFields maps each request field of op (path, query, body, nested
// as "files[].fileId") to whether the document marks it required.
func requestFields(d oaDoc, op map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, p := range asList(op["parameters"]) {
		pm := d.resolve(p.(map[string]any))
		if pm["in"] == "header" {
			continue
		}
		out[pm["name"].(string)] = pm["required"] == true
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		media, _ := rb["content"].(map[string]any)["application/json"].(map[string]any)
		if s, ok := media["schema"].(map[string]any); ok {
			walkSchema(d, s, "", true, func(path string, _ map[string]any, required bool) { out[path] = required })
		}
	}
	return out
}

// walkSchema calls fn for every property under s, with its path and
// whether it is required (inside an optional parent it is required only
// where that parent is present).
func walkSchema(d oaDoc, s map[string]any, prefix string, _ bool, fn func(path string, s map[string]any, required bool)) {
	s = d.resolve(s)
	if s["type"] == "array" {
		if items, ok := s["items"].(map[string]any); ok {
			walkSchema(d, items, prefix+"[]", true, fn)
		}
		return
	}
	props, _ := s["properties"].(map[string]any)
	req := asStrings(s["required"])
	for name, p := range props {
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		ps := d.resolve(p.(map[string]any))
		fn(path, ps, slices.Contains(req, name))
		walkSchema(d, ps, path, false, fn)
	}
}

func asList(v any) []any { l, _ := v.([]any); return l }

// schemaAt finds the schema of a documented field: "request" fields in the
// parameters or the body, "response" fields in the 200 answer ("data." is
// esign_1.0's envelope, as the pages nest it).
func schemaAt(d oaDoc, op map[string]any, in, field string) (map[string]any, bool) {
	var found map[string]any
	visit := func(path string, s map[string]any, _ bool) {
		if path == field {
			found = s
		}
	}
	if in == "request" {
		for _, p := range asList(op["parameters"]) {
			pm := d.resolve(p.(map[string]any))
			if pm["name"] == field {
				s, _ := pm["schema"].(map[string]any)
				return d.resolve(s), true
			}
		}
		if rb, ok := op["requestBody"].(map[string]any); ok {
			media, _ := rb["content"].(map[string]any)["application/json"].(map[string]any)
			if s, ok := media["schema"].(map[string]any); ok {
				walkSchema(d, s, "", true, visit)
			}
		}
		return found, found != nil
	}
	s, ok := responseSchema(op, "200")
	if !ok {
		return nil, false
	}
	walkSchema(d, s, "", true, visit)
	return found, found != nil
}

// enumExceptions are the enumerations where the gateway's list is not the
// page's, each for a reason (README, decisions).
var enumExceptions = map[string]string{
	// The sibling GetSignDetail page documents 6 删除; e签宝 sends it for a
	// deleted flow, and no other value says so.
	"esign_2.0 GetFlowDetail flowStatus":      "6",
	"esign_1.0 GetFlowDetail data.flowStatus": "6",
}

// TestDocumentedEnums: the OpenAPI document (and so the explorer) shows
// the page's enumerations: a request takes exactly the documented values;
// an answer sends only documented values (a subset: the log types the
// gateway writes), with the exceptions above.
func TestDocumentedEnums(t *testing.T) {
	d, _ := fetchDoc(t, fullGateway(t))
	n := 0
	for _, a := range api.Actions() {
		f, ok := factOf(a)
		if !ok {
			continue
		}
		op, _ := d.operation(a.Method, docPath(a.Path))
		for _, e := range f.Enums {
			key := fmt.Sprintf("%s %s %s", a.Version, a.Action, e.Field)
			s, ok := schemaAt(d, op, e.In, e.Field)
			if !ok {
				t.Errorf("%s: documented enumeration of a field the gateway does not have", key)
				continue
			}
			n++
			var want []string
			for _, v := range e.Values {
				want = append(want, v.Value)
			}
			if s["type"] == "boolean" {
				if !slices.Equal(slices.Sorted(slices.Values(want)), []string{"false", "true"}) {
					t.Errorf("%s: a boolean, the page lists %v", key, want)
				}
				continue
			}
			var got []string
			for _, v := range asList(s["enum"]) {
				got = append(got, fmt.Sprint(v))
			}
			if len(got) == 0 {
				t.Errorf("%s: no enum in the OpenAPI document, the page lists %v", key, want)
				continue
			}
			extra := []string{}
			for _, v := range got {
				if !slices.Contains(want, v) {
					extra = append(extra, v)
				}
			}
			if x := strings.Join(extra, ","); x != enumExceptions[key] {
				t.Errorf("%s: values %v not documented (page: %v)", key, extra, want)
			}
			if e.In == "request" {
				for _, v := range want {
					if !slices.Contains(got, v) {
						t.Errorf("%s: the page's value %s is refused", key, v)
					}
				}
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d documented enumerations checked", n)
	}
}

// suiteTokenErrors are GetSuiteAccessToken's codes, which no page in the
// folder documents: dingtalk-contract.md §5.1 lists them.
var suiteTokenErrors = []docErrorRow{{400, "invalidSuiteTicket", ""}, {400, "invalidClientIdOrSecret", ""}}

// gatewayCodes are codes no page lists that the gateway sends anyway.
var gatewayCodes = map[string]string{
	// dingtalk-contract.md §1: what DingTalk answers without a token;
	// 0013 lists no code for it.
	"AuthenticationFailed.MissingParameter": "contract §1",
	// dingtalk-contract.md: DingTalk's answer to an unknown path or method.
	"InvalidAction.NotFound": "contract",
}

// TestDocumentedErrorCodes: every code the OpenAPI document lists for an
// action (every error it can answer) is one its page documents, or the
// platform's (0013), with the documented HTTP status. A body over the
// limit is refused with the version's parameter code and 413 (no page
// documents a status for it).
func TestDocumentedErrorCodes(t *testing.T) {
	d, _ := fetchDoc(t, fullGateway(t))
	platform := map[string][]int{}
	for _, r := range docPlatformErrors {
		platform[r.Code] = append(platform[r.Code], r.Status)
	}
	for _, a := range api.Actions() {
		key := a.Version + " " + a.Action
		f, documented := factOf(a)
		op, ok := d.operation(a.Method, docPath(a.Path))
		if !ok {
			t.Fatalf("%s: not in the OpenAPI document", key)
		}
		rows := f.Errors
		if a.Action == "GetSuiteAccessToken" {
			rows = suiteTokenErrors
		}
		page := map[string][]int{}
		for _, r := range rows {
			page[r.Code] = append(page[r.Code], r.Status)
		}
		for status, res := range op["responses"].(map[string]any) {
			for _, code := range asStrings(res.(map[string]any)["x-dingtalk-error-codes"]) {
				st := 0
				fmt.Sscan(status, &st)
				switch {
				case slices.Contains(page[code], st), slices.Contains(platform[code], st), gatewayCodes[code] != "":
				case st == 413 && (code == "requestParamError" || code == "invalidRequest.invalidAguemnts"):
				case a.Version == "oauth2_1.0" && code == "invalidRequest.invalidAguemnts" && st == 400:
					// A body that is not JSON at all: the token pages'
					// codes are about credentials, so the parameter
					// code says what is wrong (decision).
				case !documented && (code == "requestParamError"):
					// GetAttachsApproval has no page: esign_2.0's parameter code.
				default:
					t.Errorf("%s: answers %d %s, documented neither on its page (%v) nor as the platform's", key, st, code, page)
				}
			}
		}
	}
}

// TestDocumentedValuesInAnswers drives a flow and a corp through the
// router and checks the values DingTalk's pages define: the log types of a
// start, a read and a signature, the completed flow's archive entry, and
// the corp's status after consent.
func TestDocumentedValuesInAnswers(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	flow := g.FlowID(task)
	u2 := g.Participant(task, "u2")
	wantAck(t, postCallback(g, map[string]any{"action": "OPERATOR_READ", "flowId": flow, "accountId": u2, "timestamp": time.Now().UnixMilli()}))
	for _, u := range []string{"u1", "u2"} {
		if err := g.Emulator.Sign(flow, g.Participant(task, u)); err != nil {
			t.Fatal(err)
		}
	}
	waitCallbacks(t, g)
	for _, version := range []string{"esign_2.0", "esign_1.0"} {
		var res *apitest.Response
		if version == "esign_2.0" {
			res = g.Call("GetFlowDetail", version, tok, nil, "taskId", task)
		} else {
			res = g.Do("GET", apitest.Path("GetFlowDetail", version)+"?taskId="+task, tok, nil)
		}
		body := res.JSON
		if version == "esign_1.0" {
			body, _ = res.JSON["data"].(map[string]any)
		}
		var types []string
		for _, l := range asList(body["logs"]) {
			types = append(types, l.(map[string]any)["logType"].(string))
		}
		sort.Strings(types)
		// 1 创建流程, 4 开启流程, 8 查看流程, 23 签署 (twice), 7 归档流程.
		if want := []string{"1", "23", "23", "4", "7", "8"}; !slices.Equal(types, want) {
			t.Errorf("%s GetFlowDetail logTypes %v, want %v: %s", version, types, want, res.Raw)
		}
		if body["flowStatus"] != float64(2) {
			t.Errorf("%s flowStatus %v, want 2 完成", version, body["flowStatus"])
		}
	}
	st := g.Call("GetIsvStatus", "esign_2.0", tok, nil)
	if st.JSON["authStatus"] != "AUTH" || st.JSON["installStatus"] != "OPEN" {
		t.Errorf("GetIsvStatus: %s, want AUTH and OPEN", st.Raw)
	}
	if res := g.Call("CancelCorpAuth", "esign_2.0", tok, nil); res.Status != 200 {
		t.Fatalf("CancelCorpAuth: %d %s", res.Status, res.Raw)
	}
	st = g.Call("GetIsvStatus", "esign_2.0", g.Token(apitest.CorpA), nil)
	if st.Status != 200 || st.JSON["authStatus"] != "UNAUTH" {
		t.Errorf("GetIsvStatus after CancelCorpAuth: %s, want UNAUTH", st.Raw)
	}
}
