package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"esign-gateway/api/apitest"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
)

// The gateway's browser pages through the real router: the consent page
// (AuthUrl/GetAuthUrl), the start page (GetProcessStartUrl/ProcessStart),
// the done page, and the flow start behind the start page (service
// Process.StartState and Process.Start).

// pagePath is the router path (with query) of a page URL the API handed out.
func pagePath(t *testing.T, raw any) string {
	t.Helper()
	s, _ := raw.(string)
	u, err := url.Parse(s)
	if err != nil || s == "" {
		t.Fatalf("page URL %q: %v", s, err)
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}

// isPage checks that res is one of the gateway's HTML pages, with the
// headers every page carries, and contains each of want.
func isPage(t *testing.T, what string, res *apitest.Response, status int, want ...string) {
	t.Helper()
	if res.Status != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: got %d %s %.300s, want %d HTML", what, res.Status, res.Header.Get("Content-Type"), res.Raw, status)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
	if res.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("%s: X-Frame-Options %q", what, res.Header.Get("X-Frame-Options"))
	}
	if res.Header.Get("Referrer-Policy") != "same-origin" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Referrer-Policy %q, Cache-Control %q: a page's URL carries its task id", what,
			res.Header.Get("Referrer-Policy"), res.Header.Get("Cache-Control"))
	}
	for _, w := range want {
		if !strings.Contains(string(res.Raw), w) {
			t.Errorf("%s: the page lacks %q: %.600s", what, w, res.Raw)
		}
	}
}

// authStatus is the corp's authStatus as GetIsvStatus reports it.
func authStatus(t *testing.T, g *apitest.Gateway, tok string) any {
	t.Helper()
	res := g.Call("GetIsvStatus", "esign_2.0", tok, nil)
	if res.Status != 200 {
		t.Fatalf("GetIsvStatus: %d %s", res.Status, res.Raw)
	}
	return res.JSON["authStatus"]
}

// agree is what a corp's admin does on e签宝's authorization page when
// they grant everything the consent page asks for.
var agree = esigntest.AuthVisit{Agree: true, OrgName: "乙方科技有限公司"}

// TestConsentPage: an unauthorized corp gets a consent page from
// GetAuthUrl; the page names the corp and offers to authorize; its POST
// sends the admin to e签宝's organization authorization (POST
// /v3/org-auth-url with the scopes, our page as redirect and our callback
// as notifyUrl), and only e签宝's AUTHORIZE_FINISH makes the corp AUTH.
// The authorized corp then has what the console needs (its v3 orgId, the
// transactor, manage_org_resource), creates flows, and the page links back
// to the redirectUrl with status=SUCCESS and the taskid (DingTalk's
// GetAuthUrl page). Another kind of task, or an unknown one, gets the HTML
// error page.
func TestConsentPage(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			old := g.Token(apitest.CorpB)
			if res := g.Call("CancelCorpAuth", "esign_2.0", old, map[string]any{}); res.Status != 200 {
				t.Fatalf("CancelCorpAuth: %d %s", res.Status, res.Raw)
			}
			tok := g.Token(apitest.CorpB)
			if st := authStatus(t, g, tok); st != "UNAUTH" {
				t.Fatalf("authStatus after the cancel: %v, want UNAUTH", st)
			}
			if res := g.Call("CreateProcess", "esign_2.0", tok, map[string]any{}); res.Status == 200 {
				t.Fatalf("an unauthorized corp created a flow: %s", res.Raw)
			}

			const back = "https://isv.example.com/authorized"
			urls := g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{"redirectUrl": back})
			if urls.Status != 200 {
				t.Fatalf("GetAuthUrl: %d %s", urls.Status, urls.Raw)
			}
			task := urls.JSON["taskId"].(string)
			page := pagePath(t, urls.JSON["pcUrl"])
			isPage(t, "consent page", g.Do("GET", page, "", nil), 200, apitest.CorpB, "<form method=\"post\"", "前往 e签宝 授权")
			isPage(t, "consent page, mobile", g.Do("GET", pagePath(t, urls.JSON["mobileUrl"]), "", nil), 200, apitest.CorpB)
			if st := authStatus(t, g, tok); st != "UNAUTH" {
				t.Fatalf("authStatus after only opening the page: %v, want UNAUTH", st)
			}

			// The POST alone authorizes nothing: the admin is at e签宝.
			res := g.PostPage(page)
			flowID := g.Emulator.AuthFlowOf(res.Header.Get("Location"))
			if res.Status != http.StatusSeeOther || flowID == "" {
				t.Fatalf("consent POST: got %d to %q, want 303 to e签宝's authorization page", res.Status, res.Header.Get("Location"))
			}
			if st := authStatus(t, g, tok); st != "UNAUTH" {
				t.Fatalf("authStatus before e签宝's authorization: %v, want UNAUTH", st)
			}
			isPage(t, "consent page while at e签宝", g.Do("GET", page, "", nil), 200, "授权进行中")
			bodies := g.Emulator.Bodies("POST", "/v3/org-auth-url")
			if len(bodies) != 1 {
				t.Fatalf("POST /v3/org-auth-url calls: %d, want 1", len(bodies))
			}
			var sent struct {
				OrgAuthConfig   map[string]any `json:"orgAuthConfig"`
				AuthorizeConfig struct {
					AuthorizedScopes []string `json:"authorizedScopes"`
				} `json:"authorizeConfig"`
				RedirectConfig struct {
					RedirectURL string `json:"redirectUrl"`
				} `json:"redirectConfig"`
				NotifyURL string `json:"notifyUrl"`
			}
			if err := json.Unmarshal(bodies[0], &sent); err != nil || sent.OrgAuthConfig == nil ||
				!slices.Contains(sent.AuthorizeConfig.AuthorizedScopes, "manage_org_resource") ||
				!slices.Contains(sent.AuthorizeConfig.AuthorizedScopes, "org_approval_info") ||
				sent.RedirectConfig.RedirectURL != g.URL+page || sent.NotifyURL != g.URL+service.DefaultCallbackPath {
				t.Errorf("org-auth-url body: %s (%v)", bodies[0], err)
			}

			// The admin agrees on e签宝's page; AUTHORIZE_FINISH arrives.
			if err := g.Emulator.CompleteAuthFlow(flowID, agree); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, g)
			if st := authStatus(t, g, tok); st != "AUTH" {
				t.Fatalf("authStatus after AUTHORIZE_FINISH: %v, want AUTH", st)
			}
			isPage(t, "consent page once authorized", g.Do("GET", page, "", nil), 200, "企业已完成授权",
				"status=SUCCESS", "taskid="+task)
			corp, err := g.Store.Corp(t.Context(), apitest.CorpB)
			if err != nil || corp.SaaSOrgID == "" || corp.TransactorPsnID == "" {
				t.Fatalf("corp after consent: %+v %v, want its v3 orgId and transactor", corp, err)
			}
			if res := g.Call("GetCorpConsole", "esign_2.0", tok, nil); res.Status != 200 {
				t.Errorf("GetCorpConsole after consent: %d %s, want the console (manage_org_resource granted)", res.Status, res.Raw)
			}
			g.CreateFlow(tok, nil) // an authorized corp creates flows

			// Without a redirectUrl the page itself says the corp is authorized.
			urls = g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{})
			isPage(t, "consent without redirectUrl", g.Consent(pagePath(t, urls.JSON["pcUrl"]), agree), 200, "企业已完成授权")

			// A task of another kind, or none, is not a consent page.
			start := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, ""))
			for name, p := range map[string]string{
				"a start task":  "/pages/auth/" + start.JSON["taskId"].(string),
				"unknown task":  "/pages/auth/au0000000000000000",
				"malformed id":  "/pages/auth/au!'%22%3C",
				"another corp?": "/pages/auth/" + strings.ToUpper(urls.JSON["taskId"].(string)),
			} {
				isPage(t, name+" (GET)", g.Do("GET", p, "", nil), 400, "无法打开此页面", "流程信息不存在")
				isPage(t, name+" (POST)", g.PostPage(p), 400, "无法打开此页面")
			}
		})
	}
}

// startBody is a ProcessStart request for one file and signer u2.
func startBody(g *apitest.Gateway, tok, redirect string) map[string]any {
	file := g.Upload(tok, "借款合同.pdf", apitest.PDF)
	return map[string]any{"taskName": "借款合同", "initiatorUserId": "u1", "redirectUrl": redirect,
		"files":        []map[string]any{{"fileId": file, "fileName": "借款合同.pdf"}},
		"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "2"}}}
}

// TestStartPage: ProcessStart without autoStart prepares a draft flow in
// e签宝 and hands out the start page, which shows the task, its files and
// signers. POSTing the page starts the flow upstream (once: a second POST
// is refused, the link used up), records the start in the task's log and
// returns to the redirectUrl; the page then shows the flow as started. A
// failed upstream start leaves the flow a draft and the page can be used
// again.
func TestStartPage(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			tok := g.Token(apitest.CorpA)
			const back = "https://isv.example.com/started"
			urls := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, back))
			if urls.Status != 200 {
				t.Fatalf("ProcessStart: %d %s", urls.Status, urls.Raw)
			}
			task := urls.JSON["taskId"].(string)
			page := pagePath(t, urls.JSON["pcUrl"])
			flow := g.FlowID(task)
			if st, ok := g.Emulator.FlowStatus(flow); !ok || st != 0 {
				t.Fatalf("e签宝 flow %s before the page: status %d (exists %v), want a draft (0)", flow, st, ok)
			}
			isPage(t, "start page", g.Do("GET", page, "", nil), 200, "借款合同", "借款合同.pdf", "李四", "<form method=\"post\"", task)
			isPage(t, "start page, mobile", g.Do("GET", pagePath(t, urls.JSON["mobileUrl"]), "", nil), 200, "借款合同")
			if st, _ := g.Emulator.FlowStatus(flow); st != 0 {
				t.Fatalf("opening the page started the flow (status %d)", st)
			}
			state, err := g.Service.Process.StartState(t.Context(), task)
			if err != nil || state.Started || state.Title != "借款合同" || len(state.Files) != 1 || len(state.Signers) != 1 {
				t.Fatalf("StartState before the start: %+v %v", state, err)
			}

			// e签宝 refuses the start: an error page, the flow stays a draft.
			startPath := "/v1/signflows/" + flow + "/start"
			g.Emulator.SetFault(esigntest.Fault{PathPrefix: startPath, Status: 500, Count: 1})
			res := g.PostPage(page)
			if res.Status < 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("start refused upstream: got %d %s, want a 5xx HTML error page", res.Status, res.Raw)
			}
			if st, _ := g.Emulator.FlowStatus(flow); st != 0 {
				t.Errorf("after a refused start the flow has status %d, want a draft (0)", st)
			}
			if state, err := g.Service.Process.StartState(t.Context(), task); err != nil || state.Started {
				t.Errorf("StartState after a refused start: %+v %v, want not started", state, err)
			}

			starts := g.Emulator.CallCount(startPath)
			res = g.PostPage(page)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != back {
				t.Fatalf("start: got %d to %q %s, want 303 to %s", res.Status, res.Header.Get("Location"), res.Raw, back)
			}
			if st, _ := g.Emulator.FlowStatus(flow); st != 1 {
				t.Errorf("e签宝 flow after the start: status %d, want signing (1)", st)
			}
			detail := g.Call("GetFlowDetail", "esign_2.0", tok, nil, "taskId", task)
			if logs, _ := detail.JSON["logs"].([]any); detail.Status != 200 || len(logs) != 2 || !strings.Contains(string(detail.Raw), `"logType":"4"`) {
				t.Errorf("GetFlowDetail after the start: %d %s, want created then started (开启流程, logType 4)", detail.Status, detail.Raw)
			}
			isPage(t, "start page once started", g.Do("GET", page, "", nil), 200, "签署流程已发起", back)
			isPage(t, "second start (the link is used up)", g.PostPage(page), http.StatusConflict, "链接已使用")
			if n := g.Emulator.CallCount(startPath) - starts; n != 1 {
				t.Errorf("e签宝 got %d start calls for two POSTs, want 1", n)
			}

			// autoStart "true": started at once, the page only shows it.
			body := startBody(g, tok, "")
			body["autoStart"] = "true"
			auto := g.Call("ProcessStart", "esign_2.0", tok, body)
			if st, _ := g.Emulator.FlowStatus(g.FlowID(auto.JSON["taskId"].(string))); auto.Status != 200 || st != 1 {
				t.Fatalf("ProcessStart autoStart: %d %s, flow status %d", auto.Status, auto.Raw, st)
			}
			isPage(t, "auto-started page", g.Do("GET", pagePath(t, auto.JSON["pcUrl"]), "", nil), 200, "签署流程已发起")
			// Without a redirectUrl, the start renders the page itself.
			plain := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, ""))
			isPage(t, "start without redirectUrl", g.PostPage(pagePath(t, plain.JSON["pcUrl"])), 200, "签署流程已发起")

			// A task of another kind, or none, is not a start page, and
			// nothing is started upstream for it.
			created := g.CreateFlow(tok, nil)
			startPath = "/v1/signflows/"
			for name, p := range map[string]string{
				"a CreateProcess task": "/pages/start/" + created,
				"unknown task":         "/pages/start/tk0000000000000000",
			} {
				isPage(t, name+" (GET)", g.Do("GET", p, "", nil), 400, "流程信息不存在")
				before := g.Emulator.CallCount(startPath)
				isPage(t, name+" (POST)", g.PostPage(p), 400, "流程信息不存在")
				if n := g.Emulator.CallCount(startPath) - before; n != 0 { // no e签宝 flow call at all
					t.Errorf("%s: POST reached e签宝 %d times", name, n)
				}
			}
		})
	}
}

// TestDonePage: identity flows return to /pages/done by default.
func TestDonePage(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	isPage(t, "done page", g.Do("GET", "/pages/done", "", nil), 200, "操作已完成，可以关闭此页面")
	isPage(t, "done page, mobile", g.Do("GET", "/pages/done?client=mobile", "", nil), 200, "操作已完成，可以关闭此页面")
}

// TestQuotaBackAfterFailedCreate: when e签宝 fails createFlowOneStep, the
// contract taken from the corp's quota for it is given back, and the next
// successful create uses exactly one.
func TestQuotaBackAfterFailedCreate(t *testing.T) {
	for _, kind := range apitest.Stores {
		for _, fault := range []struct {
			name string
			f    esigntest.Fault
		}{
			{"HTTP 500", esigntest.Fault{Status: 500}},
			{"connection reset", esigntest.Fault{Reset: true}},
			{"malformed answer", esigntest.Fault{Malformed: true}},
		} {
			t.Run(kind+"/"+fault.name, func(t *testing.T) {
				g := apitest.New(t, apitest.Options{Store: kind})
				tok := g.Token(apitest.CorpA)
				margin := func() float64 {
					res := g.Call("GetContractMargin", "esign_2.0", tok, nil)
					m, ok := res.JSON["margin"].(float64)
					if res.Status != 200 || !ok {
						t.Fatalf("margin: %d %s", res.Status, res.Raw)
					}
					return m
				}
				g.CreateFlow(tok, nil) // accounts exist; the failing call is the flow itself
				before := margin()
				file := g.Upload(tok, "a.pdf", apitest.PDF)
				body := map[string]any{"taskName": "t", "initiatorUserId": "u1",
					"files":        []map[string]any{{"fileId": file, "fileName": "a.pdf", "fileType": 1}},
					"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}}
				const create = "/api/v2/signflows/createFlowOneStep"
				calls := g.Emulator.CallCount(create)
				f := fault.f
				f.PathPrefix = create
				g.Emulator.SetFault(f)
				res := g.Call("CreateProcess", "esign_2.0", tok, body)
				g.Emulator.ClearFaults()
				if res.Status == 200 {
					t.Fatalf("CreateProcess with createFlowOneStep failing: %d %s, want an error", res.Status, res.Raw)
				}
				if n := g.Emulator.CallCount(create) - calls; n < 1 {
					t.Fatalf("createFlowOneStep was called %d times: the failure under test did not happen", n)
				}
				if m := margin(); m != before {
					t.Errorf("margin %v after the failed create, want %v (the contract given back)", m, before)
				}
				if res := g.Call("CreateProcess", "esign_2.0", tok, body); res.Status != 200 {
					t.Fatalf("CreateProcess after the fault: %d %s", res.Status, res.Raw)
				}
				if m := margin(); m != before-1 {
					t.Errorf("margin %v after a good create, want %v", m, before-1)
				}
			})
		}
	}
}
