package api_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// fullGateway has every optional route: admin (apitest sets a token) and
// metrics.
func fullGateway(t *testing.T) *apitest.Gateway {
	return apitest.New(t, apitest.Options{})
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// docKeys lists "METHOD path" (gin syntax) of every documented operation.
func docKeys(d oaDoc) map[string]bool {
	keys := map[string]bool{}
	for tmpl, item := range d["paths"].(map[string]any) {
		p := regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`).ReplaceAllString(tmpl, ":$1")
		for method := range item.(map[string]any) {
			keys[strings.ToUpper(method)+" "+p] = true
		}
	}
	return keys
}

func routerKeys(r *gin.Engine) map[string]bool {
	keys := map[string]bool{}
	for _, rt := range r.Routes() {
		// The operator console (api/console) is a set of browser pages the
		// wiring mounts, not an API: README documents it.
		if rt.Method != "HEAD" && !strings.HasPrefix(rt.Path, "/console/") {
			keys[rt.Method+" "+ginParam.ReplaceAllString(rt.Path, ":$1")] = true
		}
	}
	return keys
}

// TestOpenAPIRoutes: the document names exactly the routes the router
// serves, with and without the optional ones, and every table entry is a
// route the fully configured router has.
func TestOpenAPIRoutes(t *testing.T) {
	bare := apitest.New(t, apitest.Options{Router: func(d *api.Config) { d.AdminToken, d.Metrics = "", nil }})
	for name, g := range map[string]*apitest.Gateway{"full": fullGateway(t), "no admin, no metrics": bare} {
		t.Run(name, func(t *testing.T) {
			d, _ := fetchDoc(t, g)
			documented, routes := docKeys(d), routerKeys(g.Router.(*gin.Engine))
			for _, k := range sortedKeys(routes) {
				if !documented[k] {
					t.Errorf("route %s is missing from /openapi.json", k)
				}
			}
			for _, k := range sortedKeys(documented) {
				if !routes[k] {
					t.Errorf("documented %s is not a route", k)
				}
			}
			if name == "full" {
				for _, k := range api.DocumentedRouteKeys("/esign/callback") {
					if !routes[k] {
						t.Errorf("table entry %s is not a route of the fully configured router", k)
					}
				}
			}
		})
	}
	d, _ := fetchDoc(t, bare)
	for k := range docKeys(d) {
		if strings.Contains(k, "/admin") || strings.HasSuffix(k, "/metrics") {
			t.Errorf("%s documented although the router does not serve it", k)
		}
	}
}

// esignActions is the contract's catalogue (dingtalk-contract.md §4) with
// DingTalk's documentation group of each action.
var esignActions = map[string]string{
	"AuthUrl": "鉴权", "CancelCorpAuth_v1": "鉴权", "ChannelOrder": "套餐", "ContractMargin": "套餐", "CorpConsole": "用户", "CorpInfo": "用户",
	"CreateDeveloper": "鉴权", "GetCorpRealnameUrl": "用户", "GetCropStatus": "鉴权", "GetFile": "文件", "GetFlowDetail_v1": "签署流程",
	"GetFlowSignDetail": "签署流程", "GetProcessStartUrl": "签署流程", "GetSignNoticeUrl": "签署流程", "GetUploadUrl": "文件", "GetUserInfo_v1": "用户",
	"GetUserRealnameUrl": "用户", "ListFlowDocs": "签署流程", "ListSealApproval": "签署流程", "OrderResale": "套餐",
	"ApprovalList": "签署流程", "CancelCorpAuth_v2": "鉴权", "ChannelOrders": "套餐", "CorpRealname": "用户", "CreateDevelopers": "鉴权",
	"CreateProcess": "签署流程", "GetAttachsApproval": "签署流程", "GetAuthUrl": "鉴权", "GetContractMargin": "套餐", "GetCorpConsole": "用户",
	"GetCorpInfo": "用户", "GetExecuteUrl": "签署流程", "GetFileInfo": "文件", "GetFileUploadUrl": "文件", "GetFlowDetail_v2": "签署流程",
	"GetFlowDocs": "签署流程", "GetIsvStatus": "用户", "GetSignDetail": "签署流程", "GetUserInfo_v2": "用户", "ProcessStart": "签署流程",
	"ResaleOrder": "套餐", "UsersRealname": "用户",
}

// TestOpenAPIActions checks the 42 DingTalk actions' operations.
func TestOpenAPIActions(t *testing.T) {
	d, _ := fetchDoc(t, fullGateway(t))
	seen := map[string]bool{}
	for tmpl, item := range d["paths"].(map[string]any) {
		for method, raw := range item.(map[string]any) {
			op := raw.(map[string]any)
			version, _ := op["x-dingtalk-version"].(string)
			if !strings.HasPrefix(version, "esign_") {
				continue
			}
			id := op["operationId"].(string)
			seen[id] = true
			where := method + " " + tmpl + " (" + id + ")"
			tree := map[string]string{"esign_1.0": "e签宝1.0/", "esign_2.0": "e签宝2.0/"}[version]
			if got, want := op["tags"].([]any)[0], tree+esignActions[id]; got != want {
				t.Errorf("%s: tag %v, want %v", where, got, want)
			}
			if !strings.HasPrefix(id, op["x-dingtalk-action"].(string)) {
				t.Errorf("%s: operationId does not name x-dingtalk-action %v", where, op["x-dingtalk-action"])
			}
			if s := op["summary"].(string); !strings.Contains(s, " / ") || !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s: summary %q, want Chinese title / English", where, s)
			}
			if desc := op["description"].(string); !strings.Contains(desc, "backing") {
				t.Errorf("%s: description does not name the backing", where)
			}
			params := map[string]bool{}
			for _, p := range op["parameters"].([]any) {
				pm := d.resolve(p.(map[string]any))
				params[pm["name"].(string)] = pm["required"] == true
			}
			if !params["x-acs-dingtalk-access-token"] {
				t.Errorf("%s: x-acs-dingtalk-access-token header not required", where)
			}
			if _, ok := params["serviceGroup"]; ok != (version == "esign_2.0") {
				t.Errorf("%s: serviceGroup header documented %v, want %v", where, ok, version == "esign_2.0")
			}
			codes := errorCodes(op)
			for _, c := range []string{"InvalidAuthentication", "AuthenticationFailed.MissingParameter", "Forbidden.AccessDenied.AccessTokenPermissionDenied",
				"Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi", "InvalidAction.NotFound", "serviceBusy"} {
				if c == "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi" && codes["requestTooMuch"] {
					continue // the order actions' pages document their own
				}
				if !codes[c] {
					t.Errorf("%s: error code %s not documented", where, c)
				}
			}
		}
	}
	for id := range esignActions {
		if !seen[id] {
			t.Errorf("action %s is missing", id)
		}
	}
	if len(seen) != 42 {
		t.Errorf("%d esign operations, want 42", len(seen))
	}
}

// errorCodes lists the DingTalk codes an operation documents.
func errorCodes(op map[string]any) map[string]bool {
	codes := map[string]bool{}
	for _, res := range op["responses"].(map[string]any) {
		for _, c := range asStrings(res.(map[string]any)["x-dingtalk-error-codes"]) {
			codes[c] = true
		}
	}
	return codes
}

// TestOpenAPIServed: JSON, built once.
func TestOpenAPIServed(t *testing.T) {
	g := fullGateway(t)
	a := g.Do("GET", "/openapi.json", "", nil)
	b := g.Do("GET", "/openapi.json", "", nil)
	if ct := a.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if !bytes.Equal(a.Raw, b.Raw) || len(a.Raw) < 10000 {
		t.Errorf("document differs between requests or is short (%d bytes)", len(a.Raw))
	}
	if a.Header.Get("x-acs-request-id") == "" {
		t.Error("no x-acs-request-id")
	}
}
