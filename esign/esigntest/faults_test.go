package esigntest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := newEnv(t, nil)
	get := func(path string) (int, string, error) {
		resp, err := http.DefaultClient.Do(e.sig.request(t, signSpec{method: "GET", path: path}))
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b := make([]byte, 256)
		n, _ := resp.Body.Read(b)
		return resp.StatusCode, string(b[:n]), nil
	}
	e.s.SetFault(Fault{PathPrefix: "/v1/signflows/", Status: 503, Count: 2})
	for i := range 2 {
		if status, body, _ := get("/v1/signflows/x"); status != 503 || body != `{"code":503,"message":"injected"}` {
			t.Errorf("call %d: got %d %s, want 503 injected", i, status, body)
		}
	}
	if status, _, _ := get("/v1/accounts/x"); status != 200 {
		t.Errorf("other prefix: got %d, want 200", status)
	}
	if status, _, _ := get("/v1/signflows/x"); status != 200 {
		t.Errorf("after Count: got %d, want 200", status)
	}

	e.s.SetFault(Fault{Reset: true})
	if _, _, err := get("/v1/accounts/x"); err == nil {
		t.Errorf("reset: got a response, want a connection error")
	}
	e.s.ClearFaults()

	e.s.SetFault(Fault{Malformed: true, Count: 1})
	if status, body, _ := get("/v1/accounts/x"); status != 200 || body != `{"code":0,"data":{` {
		t.Errorf("malformed: got %d %q", status, body)
	}
	calls := e.s.Calls()
	if last := calls[len(calls)-1]; last.Auth != "fault" {
		t.Errorf("got auth %q, want fault", last.Auth)
	}
}

// TestLatencyHonoursContext calls the handler directly so the test knows
// exactly when the server side returns.
func TestLatencyHonoursContext(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		set  *Fault
	}{
		{"fault latency", Config{}, &Fault{Latency: time.Hour}},
		{"global latency", Config{Latency: time.Hour}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(tt.cfg)
			defer s.Close()
			if tt.set != nil {
				s.SetFault(*tt.set)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			req := httptest.NewRequest("GET", "/v1/accounts/x", nil).WithContext(ctx)
			rec := httptest.NewRecorder()
			start := time.Now()
			s.ServeHTTP(rec, req)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("handler took %v, want it to stop with the context", d)
			}
			if rec.Body.Len() != 0 {
				t.Errorf("got body %q, want none", rec.Body.String())
			}
		})
	}
	s := New(Config{})
	defer s.Close()
	s.SetFault(Fault{Latency: time.Millisecond, Count: 1})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/accounts/x", nil))
	if rec.Code != 401 {
		t.Errorf("latency-only fault: got %d, want the request to continue to auth (401)", rec.Code)
	}
}
