package esigntest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Call is one request the emulator answered, for tests that count or
// inspect upstream traffic.
type Call struct {
	Method string
	Path   string
	// Auth is "signature" or "token" for accepted API calls, "none" for
	// pages, OSS and the token endpoint, "fault" for injected failures, and
	// the 401 message (e.g. "INVALID_SIGNATURE") for rejected ones.
	Auth   string
	Status int
	Time   time.Time
	// Query and Body are what the client sent to an API endpoint (not
	// pages or OSS), so tests can assert the request e签宝 received.
	Query string
	Body  []byte
}

// Error is an e签宝 business failure: HTTP 200 with a non-zero code. The
// control API returns it too, with the code e签宝 would use.
type Error struct {
	Code    int
	Message string
}

// Error reports the code and message.
func (e *Error) Error() string { return "esigntest: " + strconv.Itoa(e.Code) + " " + e.Message }

func bizErr(code int, msg string) *Error { return &Error{Code: code, Message: msg} }

func paramErr(detail string) *Error { return bizErr(1435002, "参数错误: "+detail) }

// maxBody bounds API request bodies; e签宝's JSON bodies are small.
const maxBody = 10 << 20

func (s *Server) routes() {
	s.api = http.NewServeMux()
	s.open = http.NewServeMux()
	s.control = http.NewServeMux()
	s.accountRoutes()
	s.fileRoutes()
	s.flowRoutes()
	s.identityRoutes()
	s.authFlowRoutes()
	s.approvalRoutes()
	s.pageRoutes()
	s.controlRoutes()
	s.api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "not found"})
	})
}

// ServeHTTP dispatches: control, then faults, then unauthenticated routes
// (pages, OSS, token), then the signature gateway in front of the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_control/") {
		if !s.cfg.Control {
			http.NotFound(w, r)
			return
		}
		s.control.ServeHTTP(w, r)
		return
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	call := Call{Method: r.Method, Path: r.URL.Path, Auth: "none", Time: s.now()}
	defer func() {
		call.Status = rec.status
		s.mu.Lock()
		s.calls = append(s.calls, call)
		s.mu.Unlock()
	}()
	if s.applyFault(rec, r) {
		call.Auth = "fault"
		return
	}
	if _, pattern := s.open.Handler(r); pattern != "" {
		s.open.ServeHTTP(rec, r)
		return
	}
	if !s.delay(r.Context(), s.cfg.Latency) {
		return
	}
	if r.URL.Path == "/v1/oauth2/access_token" || r.URL.Path == "/v1/oauth2/refresh_token" {
		s.handleToken(rec, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call.Query, call.Body = r.URL.RawQuery, body
	mode, failure := s.authenticate(r, body)
	if failure != "" {
		s.log.Debug("esigntest: request rejected", "method", r.Method, "path", r.URL.Path, "reason", failure)
		call.Auth = failure
		write401(rec, failure)
		return
	}
	call.Auth = mode
	s.api.ServeHTTP(rec, r)
}

// apiFunc is an API handler: it returns data for the success envelope or
// an error for the failure one.
type apiFunc func(r *http.Request) (any, error)

func (s *Server) handle(pattern string, fn apiFunc) {
	s.api.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		data, err := fn(r)
		if err != nil {
			writeBizErr(w, err)
			return
		}
		writeJSON(w, http.StatusOK, envelope{Code: 0, Message: "成功", Data: data})
	})
}

type envelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

func writeBizErr(w http.ResponseWriter, err error) {
	var de *dataError
	if errors.As(err, &de) {
		writeJSON(w, http.StatusOK, envelope{Code: de.err.Code, Message: de.err.Message, Data: de.data})
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		e = bizErr(1435002, "参数错误: "+err.Error())
	}
	writeJSON(w, http.StatusOK, envelope{Code: e.Code, Message: e.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	w.Write(b)
}

// write401 answers like the e签宝 gateway: a JSON body without a
// Content-Type header (nil suppresses net/http's sniffing).
func write401(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(struct {
		Success bool   `json:"success"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{false, 401, msg})
	w.Header()["Content-Type"] = nil
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(b)
}

// decodeBody parses a JSON request body into v, whose fields are the ones
// the endpoint's page documents: any other field is refused (not
// documented: our decision, so that a field e签宝 would drop or refuse
// cannot pass unnoticed).
func decodeBody(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return paramErr("请求体不能为空")
	}
	return strictJSON(body, v)
}

// decodeOptional is decodeBody for endpoints whose body may be omitted.
func decodeOptional(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return strictJSON(body, v)
}

func strictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return paramErr("不支持的参数" + f)
		}
		return paramErr("请求体格式错误")
	}
	return nil
}

// recorder remembers the status for Calls and unwraps for Hijack.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
