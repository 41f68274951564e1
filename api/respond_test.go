package api

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// TestRenderErrors: whatever goes wrong, the client gets a DingTalk-shaped
// JSON body with the request id; causes never leak.
func TestRenderErrors(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(middleware.RequestID("x-acs-request-id"), renderErrors(), middleware.Recovery())
	r.GET("/panic", func(c *gin.Context) { panic("secret internal detail") })
	type num struct {
		N int64 `json:"n"`
	}
	serve := func(ep endpoint) gin.HandlerFunc { return answer(&route{Version: esign2, ep: ep}) }
	r.GET("/plain", serve(op(func(context.Context, *dingtalk.None) (any, error) { return nil, errPlain })))
	r.GET("/dt", serve(op(func(context.Context, *dingtalk.None) (any, error) {
		return nil, dingtalk.Field("taskId").Wrap(errPlain)
	})))
	r.POST("/bind", serve(op(func(_ context.Context, v *num) (*num, error) { return v, nil })))
	tests := []struct {
		name, method, path, body, ctype string
		wantStatus                      int
		wantCode, wantMsg               string
	}{
		{"panic", "GET", "/panic", "", "", 500, "unknownError", "未知错误"},
		{"plain error", "GET", "/plain", "", "", 500, "unknownError", "未知错误"},
		{"dingtalk error", "GET", "/dt", "", "", 400, "invalidRequest.invalidAguemnts", "参数错误:taskId"},
		{"wrong type", "POST", "/bind", `{"n":"x"}`, "application/json", 400, "invalidRequest.invalidAguemnts", "参数错误:n类型错误，应为number"},
		{"not json", "POST", "/bind", `{"n":`, "application/json", 400, "invalidRequest.invalidAguemnts", "参数错误:请求体不是合法的JSON对象"},
		{"text body", "POST", "/bind", `{"n":1}`, "text/plain", 400, "invalidRequest.invalidAguemnts", "参数错误:Content-Type必须为application/json"},
		{"invalid utf-8", "POST", "/bind", "{\"n\":\"\xff\"}", "application/json", 400, "invalidRequest.invalidAguemnts", "参数错误:请求体不是合法的UTF-8"},
		{"empty body is {}", "POST", "/bind", "", "", 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.wantStatus, w.Body)
			}
			if tt.wantCode == "" {
				return
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("not JSON: %q", w.Body)
			}
			if body["code"] != tt.wantCode || body["message"] != tt.wantMsg || body["requestid"] != w.Header().Get("x-acs-request-id") {
				t.Errorf("body %v", body)
			}
			if strings.Contains(w.Body.String(), "secret internal detail") || strings.Contains(w.Body.String(), errPlain.Error()) {
				t.Errorf("cause leaked: %s", w.Body)
			}
		})
	}
}

var errPlain = &plainErr{}

type plainErr struct{}

func (*plainErr) Error() string { return "store exploded at 10.0.0.7" }
