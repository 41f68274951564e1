package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/service"
)

// target is one route of the router, ready to be called.
type target struct {
	method, template string
	path             string // template with its parameters filled in
	param            string // the path parameter's name, "" if none
	token            string // access token header, "" for none
	admin            bool   // sends the admin bearer token
	document         bool   // answers HTML or a static file for browsers, not JSON
	binds            bool   // the handler decodes a JSON body
	base             map[string]any
}

// targets lists every route of g's router except the browser pages under
// /pages/ (HTML, not JSON: pages_test.go covers them) and /metrics, with ids filled in. A new route that
// decodes a body fails the test until it has a base body here.
func targets(t testing.TB, g *apitest.Gateway, tokA, tokB, fileID, taskID string) []target {
	t.Helper()
	files := []map[string]any{{"fileId": fileID, "fileName": "a.pdf", "fileType": 1}}
	parts := []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2", "signOrder": 1}}
	redirect := map[string]any{"redirectUrl": "https://isv.example.com/back"}
	channel := map[string]any{"itemCode": "c1", "itemName": "套餐", "orderId": "o-h-1", "payFee": 100, "quantity": 10, "orderCreateTime": 1700000000000}
	resale := map[string]any{"orderId": "o-h-2", "quantity": 5, "orderCreateTime": 1700000000000, "serviceStartTime": 1700000000000, "serviceStopTime": 1800000000000}
	upload := map[string]any{"contentMd5": "1B2M2Y8AsgTpgAmY7PhCfg==", "contentType": "application/pdf", "convert2Pdf": false, "fileName": "b.pdf", "fileSize": 10}
	process := map[string]any{"taskName": "合同", "initiatorUserId": "u1", "files": files, "participants": parts, "signEndTime": 1900000000000,
		"sourceInfo": map[string]any{"pcUrl": "https://aflow.dingtalk.com/x?procInstId=inst-h", "mobileUrl": "", "showText": "审批"}}
	bases := map[string]map[string]any{
		"esign_1.0 AuthUrl":              redirect,
		"esign_2.0 GetAuthUrl":           redirect,
		"esign_1.0 ChannelOrder":         channel,
		"esign_2.0 ChannelOrders":        channel,
		"esign_1.0 OrderResale":          resale,
		"esign_2.0 ResaleOrder":          resale,
		"esign_1.0 GetCorpRealnameUrl":   {"userId": "u1", "redirectUrl": "https://isv.example.com/back"},
		"esign_2.0 CorpRealname":         {"userId": "u1", "redirectUrl": "https://isv.example.com/back"},
		"esign_1.0 GetUserRealnameUrl":   {"userId": "u2", "redirectUrl": "https://isv.example.com/back"},
		"esign_2.0 UsersRealname":        {"userId": "u2", "redirectUrl": "https://isv.example.com/back"},
		"esign_1.0 GetProcessStartUrl":   process,
		"esign_2.0 ProcessStart":         process,
		"esign_2.0 CreateProcess":        process,
		"esign_1.0 GetSignNoticeUrl":     {"taskId": taskID},
		"esign_2.0 GetExecuteUrl":        {"taskId": taskID, "account": "u2", "signContainer": 1},
		"esign_1.0 GetUploadUrl":         upload,
		"esign_2.0 GetFileUploadUrl":     upload,
		"esign_1.0 CreateDeveloper":      {"noticeUrl": "https://isv.example.com/events", "redirectUrl": "https://isv.example.com/back"},
		"esign_2.0 CreateDevelopers":     {"noticeUrl": "https://isv.example.com/events", "redirectUrl": "https://isv.example.com/back"},
		"oauth2_1.0 GetCorpAccessToken":  {"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "authCorpId": apitest.CorpA, "suiteTicket": "t"},
		"oauth2_1.0 GetSuiteAccessToken": {"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "suiteTicket": "t"},
		"oauth2_1.0 GetAccessToken":      {"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret},
		"/admin/v1/tasks":                {"corpId": apitest.CorpA, "flowId": "nosuchflow"},
		"/admin/v1/events/replay":        {"corpId": apitest.CorpA},
	}
	// The base bodies are keyed by action ("esign_2.0 CreateProcess");
	// the routes come from the router, which registers the action table.
	byPath := map[string]map[string]any{}
	for _, a := range api.Actions() {
		if b, ok := bases[a.Version+" "+a.Action]; ok {
			byPath[a.Path] = b
		}
	}
	for k, b := range bases {
		if strings.HasPrefix(k, "/") {
			byPath[k] = b
		}
	}
	params := map[string]string{":taskId": taskID, ":fileId": fileID, ":userId": "u1", ":instanceId": "inst-1"}
	eng, ok := g.Router.(*gin.Engine)
	if !ok {
		t.Fatalf("router is a %T, not a *gin.Engine", g.Router)
	}
	var out []target
	for _, r := range eng.Routes() {
		p := r.Path
		// Pages, the console, metrics and the explorer's files are not JSON by design.
		if strings.HasPrefix(p, "/pages/") || strings.HasPrefix(p, "/console/") || p == "/metrics" || strings.HasPrefix(p, "/explorer") || r.Method == "HEAD" {
			continue
		}
		tg := target{method: r.Method, template: p, path: p, base: byPath[p],
			document: p == "/admin/" || strings.HasPrefix(p, "/explorer")}
		for name, v := range params {
			if strings.Contains(p, name) {
				tg.path, tg.param = strings.Replace(p, name, v, 1), name
			}
		}
		switch {
		case strings.HasSuffix(p, "/cancel"):
			tg.token = tokB // it revokes the corp's tokens: keep corp A's alive
		case strings.HasPrefix(p, "/v1.0/esign/") || strings.HasPrefix(p, "/v2.0/esign/"):
			tg.token = tokA
		case strings.HasPrefix(p, "/admin/"):
			tg.admin = true
		}
		_, hasBase := byPath[p]
		tg.binds = hasBase
		if r.Method == "POST" && !hasBase && !strings.HasSuffix(p, "/cancel") && !strings.HasPrefix(p, "/esign/") {
			t.Errorf("POST %s has no base body in targets(): add one so the hostile tests cover it", p)
		}
		out = append(out, tg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].method+out[i].template < out[j].method+out[j].template })
	if len(out) < 45 {
		t.Fatalf("only %d routes found", len(out))
	}
	return out
}

// request builds a request to tg with body (nil for none), content type
// and query.
func (tg target) request(body []byte, contentType, rawQuery string) *http.Request {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req := httptest.NewRequest(tg.method, "/", rd)
	req.URL.Path, req.URL.RawQuery = tg.path, rawQuery
	req.RequestURI = req.URL.RequestURI()
	if contentType != "" && body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if tg.token != "" {
		req.Header.Set(service.TokenHeader, tg.token)
	}
	if tg.admin {
		req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	}
	return req
}

// checkShaped asserts what every answer of the gateway must be: never 5xx
// (a panic becomes 500), and JSON: a 2xx is any JSON (or the document a
// browser route serves), anything else a DingTalk error body whose
// requestid matches the header.
func checkShaped(t testing.TB, where string, tg target, res *apitest.Response) {
	t.Helper()
	if res.Status >= 500 {
		t.Fatalf("%s: got %d %.300s, want no 5xx", where, res.Status, res.Raw)
	}
	if res.Status < 300 && tg.document {
		return
	}
	if !json.Valid(res.Raw) {
		t.Fatalf("%s: got %d with a body that is not JSON: %.300q", where, res.Status, res.Raw)
	}
	if res.Status < 300 {
		return
	}
	code, _ := res.JSON["code"].(string)
	msg, _ := res.JSON["message"].(string)
	rid, _ := res.JSON["requestid"].(string)
	if code == "" || msg == "" || rid == "" || rid != res.Header.Get("x-acs-request-id") {
		t.Fatalf("%s: got %d %.300s, want a DingTalk error body (code, message, requestid)", where, res.Status, res.Raw)
	}
}
