package api_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
)

// TestRouteErrors: unknown routes and methods answer DingTalk JSON, and
// every response carries x-acs-request-id equal to the body's requestid.
func TestRouteErrors(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantCode           string
	}{
		{"unknown path", "GET", "/v1.0/esign/nope", 404, "InvalidAction.NotFound"},
		{"unknown root", "GET", "/", 404, "InvalidAction.NotFound"},
		{"wrong method", "DELETE", "/v2.0/esign/margins", 404, "InvalidAction.NotFound"},
		{"path traversal", "GET", "/v2.0/esign/flowTasks/..%2F..%2Fetc", 404, "InvalidAction.NotFound"},
		{"nul in id", "GET", "/v2.0/esign/flowTasks/a%00b", 400, ""},
		{"dot id", "GET", "/v1.0/esign/flows/detail?taskId=..", 400, "invalidRequest.invalidAguemnts"},
		{"long id", "GET", "/v1.0/esign/flows/detail?taskId=" + strings.Repeat("a", 65), 400, "invalidRequest.invalidAguemnts"},
		{"unknown task", "GET", "/v2.0/esign/flowTasks/tk0000", 400, "flowNotExists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := g.Do(tt.method, tt.path, tok, nil)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Raw)
			}
			if tt.wantCode != "" {
				checkError(t, res, tt.wantCode)
			} else if res.JSON["code"] == nil || res.JSON["requestid"] == nil {
				t.Errorf("not a DingTalk error body: %s", res.Raw)
			}
		})
	}
	t.Run("caller request id is kept", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/v2.0/esign/margins", nil)
		req.Header.Set("x-acs-request-id", "req-1")
		res := g.Serve(req)
		if res.Header.Get("x-acs-request-id") != "req-1" || res.JSON["requestid"] != "req-1" {
			t.Errorf("request id not kept: %v %s", res.Header, res.Raw)
		}
	})
	t.Run("success carries a request id", func(t *testing.T) {
		if res := g.Do("GET", "/v2.0/esign/margins", tok, nil); res.Header.Get("x-acs-request-id") == "" {
			t.Error("no x-acs-request-id on success")
		}
	})
}

// TestUpstreamFailures: e签宝 faults become DingTalk-shaped 5xx answers.
func TestUpstreamFailures(t *testing.T) {
	tests := []struct {
		name       string
		fault      esigntest.Fault
		wantStatus int
		wantCode   string
	}{
		{"5xx", esigntest.Fault{PathPrefix: "/v1/signflows/", Status: 503}, 502, "unknownError"},
		{"reset", esigntest.Fault{PathPrefix: "/v1/signflows/", Reset: true}, 502, "unknownError"},
		{"malformed", esigntest.Fault{PathPrefix: "/v1/signflows/", Malformed: true}, 502, "unknownError"},
		{"timeout", esigntest.Fault{PathPrefix: "/v1/signflows/", Latency: time.Second}, 504, "service.timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A fresh gateway per case: each fault trips the breaker.
			emu := esigntest.Start(t, esigntest.Config{AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret})
			g := apitest.New(t, apitest.Options{Emulator: emu, Esign: func(c *esign.Config) {
				c.Timeout, c.CallTimeout = 100*time.Millisecond, 300*time.Millisecond
			}})
			tok := g.Token(apitest.CorpA)
			path := "/v2.0/esign/flowTasks/" + g.CreateFlow(tok, nil)
			emu.SetFault(tt.fault)
			start := time.Now()
			res := g.Do("GET", path, tok, nil)
			if res.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", res.Status, tt.wantStatus, res.Raw)
			}
			checkError(t, res, tt.wantCode)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v, beyond the call deadline", d)
			}
			// Later calls fail fast while the breaker is open.
			if res := g.Do("GET", path, tok, nil); res.Status != 503 && res.Status != tt.wantStatus {
				t.Errorf("second call: %d %s", res.Status, res.Raw)
			}
		})
	}
}

// TestUpstreamSigningProblem: e签宝's 401 (bad credentials) is a 502 for
// the client, not retried.
func TestUpstreamSigningProblem(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	bad := apitest.New(t, apitest.Options{Emulator: g.Emulator, Esign: func(c *esign.Config) { c.AppSecret = "wrong-secret-0123456789" }})
	// The bad gateway has its own store: bind the flow there first.
	res := bad.Do("POST", "/admin/v1/tasks", "", nil)
	if res.Status != 401 {
		t.Fatalf("admin without token: %d %s", res.Status, res.Raw)
	}
	req := httptest.NewRequest("POST", "/admin/v1/tasks", strings.NewReader(`{"corpId":"corp-a","flowId":"`+g.FlowID(task)+`"}`))
	req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	before := g.Emulator.CallCount("/v1/signflows/")
	res = bad.Serve(req)
	if res.Status != 502 || res.JSON["code"] != "UpstreamError" {
		t.Fatalf("bind with a bad e签宝 secret: %d %s", res.Status, res.Raw)
	}
	if n := g.Emulator.CallCount("/v1/signflows/") - before; n != 1 {
		t.Errorf("a 401 was sent %d times, want once (never retried)", n)
	}
}

// TestAdminBindFlow binds an existing e签宝 flow to a new task.
func TestAdminBindFlow(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	flow := g.FlowID(g.CreateFlow(tok, nil))
	bind := func(body string) *apitest.Response {
		req := httptest.NewRequest("POST", "/admin/v1/tasks", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
		req.Header.Set("Content-Type", "application/json")
		return g.Serve(req)
	}
	res := bind(`{"corpId":"corp-a","flowId":"` + flow + `"}`)
	if res.Status != 200 {
		t.Fatalf("bind: %d %s", res.Status, res.Raw)
	}
	// Binding the same flow again returns the same task; another corp may not take it.
	if again := bind(`{"corpId":"corp-a","flowId":"` + flow + `"}`); again.JSON["taskId"] != res.JSON["taskId"] {
		t.Errorf("rebinding gave %v, want %v", again.JSON["taskId"], res.JSON["taskId"])
	}
	if other := bind(`{"corpId":"corp-b","flowId":"` + flow + `"}`); other.Status != 400 {
		t.Errorf("binding to another corp: %d %s", other.Status, other.Raw)
	}
	if unknown := bind(`{"corpId":"corp-a","flowId":"nosuchflow"}`); unknown.Status != 400 || unknown.JSON["code"] != "flowNotExists" {
		t.Errorf("unknown flow: %d %s", unknown.Status, unknown.Raw)
	}
	if bad := bind(`{"corpId":"corp-a"}`); bad.Status != 400 {
		t.Errorf("missing flowId: %d %s", bad.Status, bad.Raw)
	}
	if wrong := g.Do("POST", "/admin/v1/tasks", "", `{"corpId":"corp-a","flowId":"x"}`); wrong.Status != 401 {
		t.Errorf("no admin token: %d", wrong.Status)
	}
	task := res.JSON["taskId"].(string)
	if res := g.Do("GET", "/v2.0/esign/flowTasks/"+task, tok, nil); res.Status != 200 || res.JSON["businessScene"] != "劳动合同" {
		t.Errorf("bound task detail: %d %s", res.Status, res.Raw)
	}
}

// TestRestartKeepsTasks: a gateway restarted on the same store resolves
// every task it handed out (both stores).
func TestRestartKeepsTasks(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gw.db")
			first := apitest.New(t, apitest.Options{Store: kind, BoltPath: path})
			tok := first.Token(apitest.CorpA)
			var tasks []string
			for i := 0; i < 5; i++ {
				tasks = append(tasks, first.CreateFlow(tok, nil))
			}
			first.Store.Close()
			second := apitest.New(t, apitest.Options{Store: kind, BoltPath: path, RedisAddr: first.RedisAddr, Emulator: first.Emulator})
			tok2 := second.Token(apitest.CorpA)
			for _, task := range tasks {
				if res := second.Do("GET", "/v2.0/esign/flowTasks/"+task, tok2, nil); res.Status != 200 {
					t.Errorf("task %s after restart: %d %s", task, res.Status, res.Raw)
				}
			}
			q, err := second.Store.Quota(context.Background(), apitest.CorpA)
			if err != nil || q.Used != 5 || q.Bought != 100 {
				t.Errorf("quota after restart: %+v %v", q, err)
			}
		})
	}
}
