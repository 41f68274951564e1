package esign

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAppID  = "7438000001"
	testSecret = "test-secret-never-logged"
)

// setup starts a fake e签宝 and a Client pointed at it, go-github style.
// Keep-alives are off so that net/http never replays a request on a stale
// connection by itself, which keeps hit counts exact.
func setup(t *testing.T, opts ...func(*Config)) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cfg := Config{
		BaseURL:     srv.URL,
		AppID:       testAppID,
		AppSecret:   testSecret,
		Timeout:     2 * time.Second,
		CallTimeout: 5 * time.Second,
		Transport:   &http.Transport{DisableKeepAlives: true},
		Backoff:     func(int) time.Duration { return 0 },
	}
	for _, o := range opts {
		o(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

// observed records Config.Observe calls.
type observed struct {
	mu       sync.Mutex
	outcomes []string
}

func (o *observed) observe(_, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.outcomes = append(o.outcomes, outcome)
}

func (o *observed) last() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.outcomes) == 0 {
		return ""
	}
	return o.outcomes[len(o.outcomes)-1]
}

func reply(body string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // as e签宝's gateway does on 401s
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestDoRetries(t *testing.T) {
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name        string
		method      string
		handler     func(hit int32) http.HandlerFunc
		wantHits    int32
		wantOutcome string
		wantErr     *APIError // nil: no *APIError expected
	}{
		{"GET retried on 503", "GET", always(reply(`{"code":503,"message":"busy"}`, 503)), 3, "http_error",
			&APIError{503, 503, "busy"}},
		{"POST sent once on 503", "POST", always(reply("", 503)), 1, "http_error",
			&APIError{503, CodeUndecodable, "Service Unavailable"}},
		{"PUT sent once on 503", "PUT", always(reply("", 503)), 1, "http_error",
			&APIError{503, CodeUndecodable, "Service Unavailable"}},
		{"GET retried on 429", "GET", always(reply("", 429)), 3, "http_error",
			&APIError{429, CodeUndecodable, "Too Many Requests"}},
		{"GET recovers on the third attempt", "GET", func(hit int32) http.HandlerFunc {
			if hit < 3 {
				return reply("", 502)
			}
			return reply(`{"code":0,"message":"成功","data":{}}`, 200)
		}, 3, "ok", nil},
		{"401 gateway shape not retried", "GET",
			always(reply(`{"success":false,"code":401,"message":"INVALID_SIGNATURE"}`, 401)), 1, "auth_error",
			&APIError{401, 401, "INVALID_SIGNATURE"}},
		{"other 4xx not retried", "GET", always(reply("<html>no</html>", 404)), 1, "http_error",
			&APIError{404, CodeUndecodable, "<html>no</html>"}},
		{"business error not retried", "GET",
			always(reply(`{"code":1435011,"message":"流程不存在:f1","data":null}`, 200)), 1, "business_error",
			&APIError{200, 1435011, "流程不存在:f1"}},
		{"malformed JSON", "GET", always(reply("<html>oops</html>", 200)), 1, "decode_error",
			&APIError{200, CodeUndecodable, "<html>oops</html>"}},
		{"truncated JSON", "GET", always(reply(`{"code":0,"data":{"flowId":"f`, 200)), 1, "decode_error",
			&APIError{200, CodeUndecodable, `{"code":0,"data":{"flowId":"f`}},
		{"long garbage quoted to 200 bytes", "GET", always(reply(long, 200)), 1, "decode_error",
			&APIError{200, CodeUndecodable, long[:200]}},
		{"data of the wrong shape", "GET", always(reply(`{"code":0,"data":"x"}`, 200)), 1, "decode_error",
			&APIError{200, CodeUndecodable, `"x"`}},
		{"body cut short of its length is retried", "GET", always(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.Write([]byte(`{"code":0,`))
		}), 3, "transport_error", nil},
		{"connection reset retried", "GET", always(hangUp), 3, "transport_error", nil},
		{"connection reset on POST sent once", "POST", always(hangUp), 1, "transport_error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var obs observed
			c, mux := setup(t, func(cfg *Config) { cfg.Observe = obs.observe })
			var hits atomic.Int32
			mux.HandleFunc("/v1/thing", func(w http.ResponseWriter, r *http.Request) {
				tt.handler(hits.Add(1))(w, r)
			})
			var v struct{ FlowID string }
			err := c.Do(t.Context(), tt.method, "/v1/thing", nil, nil, &v)
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("hits: got %d, want %d", got, tt.wantHits)
			}
			if got := obs.last(); got != tt.wantOutcome {
				t.Errorf("outcome: got %q, want %q (err %v)", got, tt.wantOutcome, err)
			}
			if (err == nil) != (tt.wantOutcome == "ok") {
				t.Fatalf("err: got %v, want error %v", err, tt.wantOutcome != "ok")
			}
			var ae *APIError
			if errors.As(err, &ae) != (tt.wantErr != nil) {
				t.Fatalf("err: got %#v, want *APIError %v", err, tt.wantErr)
			}
			if tt.wantErr != nil && *ae != *tt.wantErr {
				t.Errorf("err: got %+v, want %+v", *ae, *tt.wantErr)
			}
			if tt.wantErr != nil && ae.Auth() != (tt.wantErr.HTTPStatus == 401) {
				t.Errorf("Auth(): got %v for HTTP %d", ae.Auth(), ae.HTTPStatus)
			}
		})
	}
}

func always(h http.HandlerFunc) func(int32) http.HandlerFunc {
	return func(int32) http.HandlerFunc { return h }
}

func TestNewValidates(t *testing.T) {
	ok := Config{BaseURL: "https://smlopenapi.esign.cn/", AppID: "a", AppSecret: "s"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr bool
	}{
		{"ok", func(*Config) {}, false},
		{"token mode", func(c *Config) { c.AuthMode = AuthToken }, false},
		{"no base_url: the sandbox", func(c *Config) { c.BaseURL = "" }, false},
		{"base_url without scheme", func(c *Config) { c.BaseURL = "smlopenapi.esign.cn" }, true},
		{"no app_id", func(c *Config) { c.AppID = "" }, true},
		{"no app_secret", func(c *Config) { c.AppSecret = "" }, true},
		{"unknown auth_mode", func(c *Config) { c.AuthMode = "oauth" }, true},
	}
	for _, tt := range tests {
		cfg := ok
		tt.edit(&cfg)
		c, err := New(cfg)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: got err %v, want error %v", tt.name, err, tt.wantErr)
		}
		if err == nil && c.cfg.BaseURL != "https://smlopenapi.esign.cn" {
			t.Errorf("%s: BaseURL %q kept its trailing slash", tt.name, c.cfg.BaseURL)
		}
	}
}
