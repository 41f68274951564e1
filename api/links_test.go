package api_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
)

// Issue 13 item 3: consent and start links are single-use, expire, accept
// a POST only from the gateway's own pages, and die with the corp's
// authorization. Each case goes through the real router on both stores.

// postFrom POSTs a page with the given Origin and Referer headers.
func postFrom(g *apitest.Gateway, path, origin, referer string) *apitest.Response {
	req := httptest.NewRequest(http.MethodPost, path, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	return g.Serve(req)
}

// TestPageLinkOrigin: a consent or start POST is accepted only from
// server.public_url's origin (Origin, or Referer when a browser sends no
// Origin); another site, "null", or neither header is refused with 403
// before anything happens upstream.
func TestPageLinkOrigin(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	auth := g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{})
	start := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, ""))
	for _, page := range []string{pagePath(t, auth.JSON["pcUrl"]), pagePath(t, start.JSON["pcUrl"])} {
		for _, c := range []struct{ name, origin, referer string }{
			{"another site", "https://evil.example.com", ""},
			{"another port", g.URL + "1", ""},
			{"Origin null", "null", g.URL + page},
			{"no Origin, no Referer", "", ""},
			{"no Origin, Referer of another site", "", "https://evil.example.com" + page},
		} {
			before := len(g.Emulator.Calls())
			isPage(t, page+" "+c.name, postFrom(g, page, c.origin, c.referer), http.StatusForbidden, "请求来源不合法")
			if n := len(g.Emulator.Calls()) - before; n != 0 {
				t.Errorf("%s %s: %d e签宝 calls, want none", page, c.name, n)
			}
		}
	}
	// A browser that sends only a Referer of the page itself is accepted.
	page := pagePath(t, start.JSON["pcUrl"])
	if res := postFrom(g, page, "", g.URL+page); res.Status != http.StatusOK {
		t.Errorf("same-origin Referer: %d %.300s, want the started page", res.Status, res.Raw)
	}
}

// TestPageLinkSingleUse: a used consent or start link is refused (409)
// and causes no second upstream call; two concurrent POSTs of one start
// link start the flow once.
func TestPageLinkSingleUse(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			tok := g.Token(apitest.CorpA)
			auth := pagePath(t, g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{}).JSON["pcUrl"])
			if res := g.PostPage(auth); res.Status != http.StatusSeeOther {
				t.Fatalf("first consent POST: %d %s", res.Status, res.Raw)
			}
			isPage(t, "second consent POST", g.PostPage(auth), http.StatusConflict, "链接已使用")
			if n := g.Emulator.CallCount("/v3/org-auth-url"); n != 1 {
				t.Errorf("org-auth-url calls: %d, want 1", n)
			}

			start := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, ""))
			page, flow := pagePath(t, start.JSON["pcUrl"]), g.FlowID(start.JSON["taskId"].(string))
			var ok, used atomic.Int32
			done := make(chan struct{})
			for range 4 {
				go func() {
					defer func() { done <- struct{}{} }()
					switch res := g.PostPage(page); res.Status {
					case http.StatusOK:
						ok.Add(1)
					case http.StatusConflict:
						used.Add(1)
					default:
						t.Errorf("concurrent start: %d %.200s", res.Status, res.Raw)
					}
				}()
			}
			for range 4 {
				<-done
			}
			if ok.Load() != 1 || used.Load() != 3 {
				t.Errorf("4 concurrent POSTs: %d started, %d refused; want 1 and 3", ok.Load(), used.Load())
			}
			if n := g.Emulator.CallCount("/v1/signflows/" + flow + "/start"); n != 1 {
				t.Errorf("e签宝 start calls: %d, want 1", n)
			}
		})
	}
}

// TestPageLinkExpires: past Pages.LinkTTL an unused consent or start link
// answers 410 to GET and POST and reaches nothing upstream.
func TestPageLinkExpires(t *testing.T) {
	var skew atomic.Int64
	g := apitest.New(t, apitest.Options{Service: func(c *service.Config) {
		c.Pages.LinkTTL = time.Minute
		c.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	}})
	tok := g.Token(apitest.CorpA)
	auth := pagePath(t, g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{}).JSON["pcUrl"])
	start := pagePath(t, g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, "")).JSON["pcUrl"])
	isPage(t, "consent page in time", g.Do("GET", auth, "", nil), 200, "<form")
	skew.Store(int64(2 * time.Minute))
	before := len(g.Emulator.Calls())
	for _, page := range []string{auth, start} {
		isPage(t, page+" GET", g.Do("GET", page, "", nil), http.StatusGone, "链接已过期")
		isPage(t, page+" POST", g.PostPage(page), http.StatusGone, "链接已过期")
	}
	if n := len(g.Emulator.Calls()) - before; n != 0 {
		t.Errorf("expired links made %d e签宝 calls, want none", n)
	}
}

// TestPageLinksDieWithCancel: after CancelCorpAuth a consent link made
// before it authorizes nothing (its POST is refused, and an authorization
// already under way at e签宝 ends in CORP_AUTH FALL, the corp staying
// UNAUTH), and a start link made before it starts nothing upstream, even
// once the corp authorized again.
func TestPageLinksDieWithCancel(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{Store: kind})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpB)
			tok := g.Token(apitest.CorpB)
			unused := pagePath(t, g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{}).JSON["pcUrl"])
			under := g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{})
			res := g.PostPage(pagePath(t, under.JSON["pcUrl"]))
			flowID := g.Emulator.AuthFlowOf(res.Header.Get("Location"))
			start := g.Call("ProcessStart", "esign_2.0", tok, startBody(g, tok, ""))
			startPage, flow := pagePath(t, start.JSON["pcUrl"]), g.FlowID(start.JSON["taskId"].(string))

			if res := g.Call("CancelCorpAuth", "esign_2.0", tok, map[string]any{}); res.Status != 200 {
				t.Fatalf("CancelCorpAuth: %d %s", res.Status, res.Raw)
			}
			fresh := g.Token(apitest.CorpB)
			calls := g.Emulator.CallCount("/v3/org-auth-url")
			isPage(t, "old consent link", g.PostPage(unused), http.StatusForbidden, "此链接已失效")
			if n := g.Emulator.CallCount("/v3/org-auth-url") - calls; n != 0 {
				t.Errorf("old consent link reached e签宝 %d times", n)
			}
			// The admin finishes at e签宝 what they began before the cancel.
			if err := g.Emulator.CompleteAuthFlow(flowID, agree); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, g)
			if st := authStatus(t, g, fresh); st != "UNAUTH" {
				t.Errorf("authStatus after an authorization begun before the cancel: %v, want UNAUTH", st)
			}
			isPage(t, "start link made before the cancel", g.PostPage(startPage), http.StatusForbidden, "此链接已失效")

			// Authorized again through a new link: the old start link stays dead.
			if res := g.Consent(pagePath(t, g.Call("GetAuthUrl", "esign_2.0", fresh, map[string]any{}).JSON["pcUrl"]), agree); res.Status != 200 {
				t.Fatalf("new consent: %d %s", res.Status, res.Raw)
			}
			if st := authStatus(t, g, fresh); st != "AUTH" {
				t.Fatalf("authStatus after the new consent: %v", st)
			}
			isPage(t, "old start link after re-authorization", g.PostPage(startPage), http.StatusForbidden, "此链接已失效")
			if n := g.Emulator.CallCount("/v1/signflows/" + flow + "/start"); n != 0 {
				t.Errorf("the old start link started the flow upstream (%d calls)", n)
			}
			if st, _ := g.Emulator.FlowStatus(flow); st != 0 {
				t.Errorf("flow status %d, want a draft", st)
			}
			rcv.waitEvents(2)
			rcv.waitFor("an empty outbox", func() bool { return outboxDepth(t, g) == 0 })
			if got := statuses(rcv.Events()); !slices.Equal(got, []string{"CORP_AUTH/FALL", "CORP_AUTH/SUCCESS"}) {
				t.Errorf("events: %v, want FALL (the stale authorization) then SUCCESS", got)
			}
		})
	}
}

// TestConsentOutcomes: CORP_AUTH follows what e签宝 reports. An admin who
// refuses on e签宝's page (no callback; the gateway learns it from GET
// /v3/auth-flow when the browser returns) or grants less than the console
// and approvals need gets FALL and stays UNAUTH; the page links back with
// status=FAIL.
func TestConsentOutcomes(t *testing.T) {
	for _, c := range []struct {
		name  string
		visit esigntest.AuthVisit
	}{
		{"refused", esigntest.AuthVisit{Agree: false}},
		{"short of manage_org_resource", esigntest.AuthVisit{Agree: true, OrgName: "乙方科技有限公司",
			Scopes: []string{"get_org_identity_info", "org_approval_info"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := apitest.New(t, apitest.Options{})
			rcv := newISV(t)
			rcv.subscribe(g, apitest.CorpB)
			if res := g.Call("CancelCorpAuth", "esign_2.0", g.Token(apitest.CorpB), map[string]any{}); res.Status != 200 {
				t.Fatal(res.Status)
			}
			tok := g.Token(apitest.CorpB)
			urls := g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{"redirectUrl": "https://isv.example.com/back"})
			res := g.Consent(pagePath(t, urls.JSON["pcUrl"]), c.visit)
			isPage(t, "consent page after e签宝", res, 200, "授权未完成", "status=FAIL", "taskid="+urls.JSON["taskId"].(string))
			if st := authStatus(t, g, tok); st != "UNAUTH" {
				t.Errorf("authStatus: %v, want UNAUTH", st)
			}
			rcv.waitEvents(1)
			evs := rcv.Events()
			if got := statuses(evs); !slices.Equal(got, []string{"CORP_AUTH/FALL"}) || evs[0].TaskID != urls.JSON["taskId"] {
				t.Errorf("events: %v %+v, want one CORP_AUTH FALL of the task", got, evs)
			}
		})
	}
}

// TestConsentPageBoundsUpstream: reloading a pending consent page (no
// token needed) asks e签宝 about the authorization at most once per 2 s.
func TestConsentPageBoundsUpstream(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	page := pagePath(t, g.Call("GetAuthUrl", "esign_2.0", tok, map[string]any{}).JSON["pcUrl"])
	if res := g.PostPage(page); res.Status != http.StatusSeeOther {
		t.Fatalf("consent POST: %d", res.Status)
	}
	for range 20 {
		isPage(t, "pending consent page", g.Do("GET", page, "", nil), 200, "授权进行中")
	}
	if n := g.Emulator.CallCount("/v3/auth-flow/"); n != 1 {
		t.Errorf("20 reloads made %d GET /v3/auth-flow calls, want 1", n)
	}
}
