package middleware

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

var errRejected = errors.New("rejected")

// run serves req through h and next and returns the last error recorded.
func run(t *testing.T, h gin.HandlerFunc, req *http.Request, next gin.HandlerFunc) (*httptest.ResponseRecorder, error) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	var last error
	r.Use(func(c *gin.Context) {
		c.Next()
		if len(c.Errors) > 0 {
			last = c.Errors.Last().Err
		}
	}, h)
	r.Any("/x", next)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w, last
}

func ok(c *gin.Context) { c.String(http.StatusOK, "ok") }

func TestRequestID(t *testing.T) {
	tests := []struct {
		name, sent string
		keep       bool
	}{
		{"none", "", false},
		{"valid", "req-1_A", true},
		{"too long", strings.Repeat("a", 65), false},
		{"bad chars", "a b", false},
		{"injection", "x\r\nSet-Cookie: y", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/x", nil)
			if tt.sent != "" {
				req.Header["X-Acs-Request-Id"] = []string{tt.sent}
			}
			var seen string
			w, _ := run(t, RequestID("x-acs-request-id"), req, func(c *gin.Context) { seen = RequestIDFrom(c.Request.Context()); ok(c) })
			got := w.Header().Get("x-acs-request-id")
			if got != seen || got == "" {
				t.Fatalf("header %q, context %q", got, seen)
			}
			if tt.keep != (got == tt.sent) {
				t.Errorf("sent %q, got %q", tt.sent, got)
			}
			if !tt.keep && len(got) != 36 {
				t.Errorf("generated id %q is not DingTalk-shaped", got)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		declared int64
		wantErr  bool
	}{
		{"under", "12345", 5, false},
		{"declared over", "123456", 6, true},
		{"chunked over", "123456", -1, false}, // caught when read: MaxBytesError
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			req.ContentLength = tt.declared
			var readErr error
			_, err := run(t, BodyLimit(5, errRejected), req, func(c *gin.Context) { _, readErr = io.ReadAll(c.Request.Body); ok(c) })
			if (err != nil) != tt.wantErr {
				t.Errorf("recorded %v, want error %v", err, tt.wantErr)
			}
			var mb *http.MaxBytesError
			if tt.name == "chunked over" && !errors.As(readErr, &mb) {
				t.Errorf("reading past the cap: %v, want *http.MaxBytesError", readErr)
			}
		})
	}
}

func TestRecovery(t *testing.T) {
	w, err := run(t, Recovery(), httptest.NewRequest("GET", "/x", nil), func(c *gin.Context) { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("recorded %v, want the panic", err)
	}
	if w.Body.Len() != 0 {
		t.Errorf("Recovery wrote a body %q; the renderer writes errors", w.Body)
	}
}

type auth struct{ err error }

func (a auth) Authenticate(r *http.Request) (context.Context, error) { return r.Context(), a.err }

func TestAuth(t *testing.T) {
	if _, err := run(t, Auth(auth{}), httptest.NewRequest("GET", "/x", nil), ok); err != nil {
		t.Errorf("accepted caller: %v", err)
	}
	called := false
	_, err := run(t, Auth(auth{errRejected}), httptest.NewRequest("GET", "/x", nil), func(c *gin.Context) { called = true })
	if err != errRejected || called {
		t.Errorf("refused caller: err %v, handler called %v", err, called)
	}
}

type limiter struct {
	allow bool
	err   error
	calls int
}

func (l *limiter) Allow(context.Context, string, int) (bool, error) { l.calls++; return l.allow, l.err }

func TestRateLimit(t *testing.T) {
	down := errors.New("redis down")
	tests := []struct {
		name            string
		shared, local   *limiter
		wantErr         bool
		wantLocalCalled bool
	}{
		{"allowed", &limiter{allow: true}, &limiter{}, false, false},
		{"refused", &limiter{}, &limiter{allow: true}, true, false},
		{"shared down, local allows", &limiter{err: down}, &limiter{allow: true}, false, true},
		{"shared down, local refuses", &limiter{err: down}, &limiter{}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rejects := 0
			mw := RateLimit(RateLimitConfig{Limiter: tt.shared, Fallback: tt.local, Rejected: errRejected,
				Limit: func(string) int { return 20 }, Key: func(context.Context) string { return "app|corp" },
				OnReject: func(string) { rejects++ }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			_, err := run(t, mw, httptest.NewRequest("GET", "/x", nil), ok)
			if (err != nil) != tt.wantErr || (tt.local.calls > 0) != tt.wantLocalCalled {
				t.Errorf("err %v, local calls %d", err, tt.local.calls)
			}
			if tt.wantErr && rejects != 1 {
				t.Errorf("OnReject called %d times", rejects)
			}
		})
	}
}

// TestLocalLimiter: a token bucket per key with a burst of the limit.
func TestLocalLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLocalLimiter(func() time.Time { return now })
	ctx := context.Background()
	allowed := 0
	for range 10 {
		if ok, _ := l.Allow(ctx, "a", 5); ok {
			allowed++
		}
	}
	if allowed != 5 {
		t.Errorf("10 calls at limit 5: %d allowed, want 5", allowed)
	}
	if ok, _ := l.Allow(ctx, "b", 5); !ok {
		t.Error("another key was refused")
	}
	if ok, _ := l.Allow(ctx, "c", 0); ok {
		t.Error("limit 0 allowed a call")
	}
	now = now.Add(time.Second)
	if ok, _ := l.Allow(ctx, "a", 5); !ok {
		t.Error("a second later the bucket had not refilled")
	}
}
