package esign

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/test/testkit"
)

// tokenServer is a fake token endpoint handing out tok-1, tok-2, ...,
// each expiring two hours after clk's time.
func tokenServer(t *testing.T, mux *http.ServeMux, clk *testkit.Clock) *atomic.Int32 {
	var fetches atomic.Int32
	mux.HandleFunc("GET /v1/oauth2/access_token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("appId") != testAppID || q.Get("secret") != testSecret || q.Get("grantType") != "client_credentials" {
			t.Errorf("token query: got %q", r.URL.RawQuery)
		}
		if r.Header.Get(headerSignature) != "" || r.Header.Get(headerToken) != "" {
			t.Error("token request carries credentials headers")
		}
		n := fetches.Add(1)
		exp := clk.Now().Add(2 * time.Hour).UnixMilli()
		fmt.Fprintf(w, `{"code":0,"message":"成功","data":{"token":"tok-%d","expiresIn":"%d","refreshToken":"r"}}`, n, exp)
	})
	return &fetches
}

func TestTokenMode(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(t0)
	c, mux := setup(t, func(cfg *Config) { cfg.AuthMode, cfg.Now = AuthToken, clk.Now })
	fetches := tokenServer(t, mux, clk)
	var lastToken atomic.Value
	mux.HandleFunc("GET /v1/signflows/{id}", func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get(headerAppID); got != testAppID {
			t.Errorf("app id: got %q, want %q", got, testAppID)
		}
		for _, h := range []string{headerAuthMode, headerSignature, headerTimestamp} {
			if v := r.Header.Get(h); v != "" {
				t.Errorf("token mode sent %s: %q", h, v)
			}
		}
		lastToken.Store(r.Header.Get(headerToken))
		w.Write([]byte(`{"code":0,"data":{"flowId":"f1"}}`))
	})

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.Flow(t.Context(), "f1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := fetches.Load(); got != 1 {
		t.Errorf("fetches for 20 concurrent calls: got %d, want 1", got)
	}
	if got := lastToken.Load(); got != "tok-1" {
		t.Errorf("token sent: got %v, want tok-1", got)
	}
	if want := t0.Add(2 * time.Hour); !c.TokenExpiry().Equal(want) {
		t.Errorf("TokenExpiry: got %v, want %v", c.TokenExpiry(), want)
	}

	steps := []struct {
		at          time.Duration // after t0
		wantFetches int32
	}{
		{2*time.Hour - 6*time.Minute, 1}, // still fresh
		{2*time.Hour - 4*time.Minute, 2}, // within 5 minutes of expiry
		{2*time.Hour - 3*time.Minute, 2}, // the new one is fresh
	}
	for _, s := range steps {
		clk.Set(t0.Add(s.at))
		if _, err := c.Flow(t.Context(), "f1"); err != nil {
			t.Fatal(err)
		}
		if got := fetches.Load(); got != s.wantFetches {
			t.Errorf("at t0+%v: got %d fetches, want %d", s.at, got, s.wantFetches)
		}
	}
	if got := lastToken.Load(); got != "tok-2" {
		t.Errorf("token sent after refresh: got %v, want tok-2", got)
	}
}

func TestTokenRejectedIsFetchedAgain(t *testing.T) {
	clk := testkit.NewClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	c, mux := setup(t, func(cfg *Config) { cfg.AuthMode, cfg.Now = AuthToken, clk.Now })
	fetches := tokenServer(t, mux, clk)
	mux.HandleFunc("GET /v1/files/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(headerToken) == "tok-1" {
			w.WriteHeader(401)
			w.Write([]byte(`{"success":false,"code":401,"message":"TOKEN错误"}`))
			return
		}
		w.Write([]byte(`{"code":0,"data":{"fileId":"x"}}`))
	})
	if _, err := c.File(t.Context(), "x"); err == nil {
		t.Fatal("first call with the rejected token: got no error")
	}
	if _, err := c.File(t.Context(), "x"); err != nil {
		t.Fatalf("second call: %v", err)
	}
	if got := fetches.Load(); got != 2 {
		t.Errorf("fetches: got %d, want 2", got)
	}
}

// TestNoSecretsInLogsOrErrors drives every path that logs or fails and
// checks that neither the log nor the errors carry the secret, a
// signature or a token.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	var logs testkit.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var secrets []string
	var secretsMu sync.Mutex
	keep := func(s string) {
		secretsMu.Lock()
		defer secretsMu.Unlock()
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	sig, mux := setup(t, func(cfg *Config) { cfg.Logger = logger })
	mux.HandleFunc("/v1/down", func(w http.ResponseWriter, r *http.Request) {
		keep(r.Header.Get(headerSignature))
		w.WriteHeader(503)
	})
	mux.HandleFunc("/v1/denied", func(w http.ResponseWriter, r *http.Request) {
		keep(r.Header.Get(headerSignature))
		w.WriteHeader(401)
		w.Write([]byte(`{"success":false,"code":401,"message":"INVALID_SIGNATURE"}`))
	})
	var errs []error
	errs = append(errs, sig.Do(t.Context(), "GET", "/v1/down", nil, nil, nil))
	errs = append(errs, sig.Do(t.Context(), "GET", "/v1/denied", nil, nil, nil))

	tok, mux := setup(t, func(cfg *Config) { cfg.Logger, cfg.AuthMode = logger, AuthToken })
	mux.HandleFunc("/v1/oauth2/access_token", hangUp)
	errs = append(errs, tok.Do(t.Context(), "GET", "/v1/x", nil, nil, nil))

	out := logs.String()
	if !strings.Contains(out, "e签宝 rejected the request signature: check esign.app_id/app_secret and clock") ||
		!strings.Contains(out, "INVALID_SIGNATURE") {
		t.Errorf("log lacks the 401 explanation:\n%s", out)
	}
	for _, s := range append(secrets, testSecret) {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
		for _, err := range errs {
			if err == nil || strings.Contains(err.Error(), s) {
				t.Errorf("error %v contains %q or is nil", err, s)
			}
		}
	}
}
