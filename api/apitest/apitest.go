// Package apitest runs a whole gateway in-process for tests and benchmarks:
// the real router and service, the real e签宝 client talking to the
// esigntest emulator over loopback, and a real store (a bbolt file in a temp
// dir, or a redis-server started for the test).
package apitest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/api"
	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/service/store"
	"esign-gateway/service/store/redistest"
)

// Fixed test identities.
const (
	SuiteKey    = "test-suite"
	SuiteSecret = "test-suite-secret"
	CorpA       = "corp-a"
	CorpB       = "corp-b"
	InternalKey = "internal-app"
	PersonalKey = "personal-app"
	AppSecret   = "app-secret"
	AdminToken  = "admin-token-for-tests"
	EsignAppID  = "7438000000test"
	EsignSecret = "esign-test-secret-0123456789abcdef"
	SigningKey  = "0123456789abcdef0123456789abcdef"
)

// Options configures New. The zero value runs on a bbolt store.
type Options struct {
	// Store is "bolt" (default) or "redis".
	Store string
	// BoltPath reuses a bbolt file (a restart on the same store); empty
	// means a new file in a temp dir.
	BoltPath string
	// RedisAddr reuses a running Redis (several gateways on one store);
	// empty starts one for the test.
	RedisAddr string
	// Service adjusts the service config before the gateway is built.
	Service func(*service.Config)
	// Esign adjusts the e签宝 client config.
	Esign func(*esign.Config)
	// Emulator reuses an emulator (several gateways, one e签宝).
	Emulator *esigntest.Server
	// Log receives the gateway's logs; nil discards them.
	Log io.Writer
	// Deps adjusts the router's dependencies (metrics, readiness) before
	// the router is built.
	Deps func(*api.Deps)
	// NoOutbox runs the gateway without its event pusher: callbacks are
	// acknowledged and their events stay queued in the store (a gateway
	// killed before pushing).
	NoOutbox bool
}

// Gateway is a running in-process gateway.
type Gateway struct {
	T        testing.TB
	URL      string // where the gateway listens (e签宝 callbacks arrive here)
	Router   http.Handler
	Service  *service.Service
	Store    store.Store
	Emulator *esigntest.Server
	Redis    *redistest.Server
	// RedisAddr is the address of the Redis in use, if any.
	RedisAddr string
	// BoltPath is the bbolt file in use, if any.
	BoltPath string

	closeOnce sync.Once
	closeFn   func()
}

// Stores lists the store kinds every API test runs on.
var Stores = []string{"bolt", "redis"}

// New starts a gateway for t.
func New(t testing.TB, o Options) *Gateway {
	t.Helper()
	gin.SetMode(gin.TestMode)
	g := &Gateway{T: t}
	var h atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g.URL = srv.URL

	g.Emulator = o.Emulator
	if g.Emulator == nil {
		g.Emulator = esigntest.Start(t, esigntest.Config{AppID: EsignAppID, AppSecret: EsignSecret})
	}
	var err error
	switch o.Store {
	case "", "bolt":
		path := o.BoltPath
		if path == "" {
			path = filepath.Join(t.TempDir(), "gw.db")
		}
		g.BoltPath = path
		g.Store, err = store.OpenBolt(path, store.BoltOptions{})
	case "redis":
		g.RedisAddr = o.RedisAddr
		if g.RedisAddr == "" {
			g.Redis = redistest.Start(t)
			g.RedisAddr = g.Redis.Addr()
		}
		g.Store, err = store.OpenRedis(store.RedisConfig{Addrs: []string{g.RedisAddr}, Prefix: "gw:"})
	default:
		t.Fatalf("apitest: unknown store %q", o.Store)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Store.Close() })

	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	log := slog.New(slog.NewJSONHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ecfg := esign.Config{BaseURL: g.Emulator.URL(), AppID: EsignAppID, AppSecret: EsignSecret, Logger: log,
		Timeout: 2 * time.Second, CallTimeout: 5 * time.Second, Backoff: func(int) time.Duration { return 0 }}
	if o.Esign != nil {
		o.Esign(&ecfg)
	}
	ec, err := esign.New(ecfg)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := dingtalk.NewTokens(dingtalk.TokenConfig{Keys: []dingtalk.Key{{ID: "k1", Secret: []byte(SigningKey)}}})
	if err != nil {
		t.Fatal(err)
	}
	scfg := service.Config{PublicURL: srv.URL, Log: log, AllowPrivateURLs: true, DemoQuota: 100,
		CallbackAppID: EsignAppID, CallbackSecret: EsignSecret, NoOutbox: o.NoOutbox, OutboxPoll: 50 * time.Millisecond,
		Apps: []service.App{
			{Key: SuiteKey, Secret: SuiteSecret, Type: service.AppISVEnterprise, Corps: []string{CorpA, CorpB},
				EventToken: "test-event-token", EventAESKey: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"},
			{Key: InternalKey, Secret: AppSecret, Type: service.AppInternal, CorpID: CorpA},
			{Key: PersonalKey, Secret: AppSecret, Type: service.AppISVPersonal},
		}}
	if o.Service != nil {
		o.Service(&scfg)
	}
	g.Service, err = service.New(scfg, g.Store, ec, tokens)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); g.Service.Run(ctx) }()
	g.closeFn = func() {
		cancel()
		<-stopped
		srv.Close()
		g.Store.Close()
	}
	t.Cleanup(g.Close)
	// No rate limit unless a test sets one through Deps: tests and
	// benchmarks call one action far more often than 20 times a second.
	deps := api.Deps{Service: g.Service, Log: log, AdminToken: AdminToken,
		CallbackPath: scfg.CallbackPath, Ready: func(context.Context) error { return nil },
		RateLimit: api.RateLimit{Default: -1}}
	if o.Deps != nil {
		o.Deps(&deps)
	}
	g.Router = api.NewRouter(deps)
	h.Store(g.Router)
	return g
}

// Close stops the gateway: its background work (waited for), its listener
// and its store. Tests call it to restart on the same store; cleanup calls
// it too.
func (g *Gateway) Close() { g.closeOnce.Do(g.closeFn) }

// Token returns a corp token of the test suite app for corp.
func (g *Gateway) Token(corp string) string {
	g.T.Helper()
	tok, err := g.Service.MintToken(context.Background(), SuiteKey, corp)
	if err != nil {
		g.T.Fatal(err)
	}
	return tok.AccessToken
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any
}

// Do sends one request through the router. body may be nil, a string (sent
// as is) or a value (sent as JSON).
func (g *Gateway) Do(method, path, token string, body any) *Response {
	g.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			g.T.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if token != "" {
		req.Header.Set(service.TokenHeader, token)
	}
	return g.Serve(req)
}

// Serve sends req through the router.
func (g *Gateway) Serve(req *http.Request) *Response {
	w := httptest.NewRecorder()
	g.Router.ServeHTTP(w, req)
	res := &Response{Status: w.Code, Header: w.Header(), Raw: w.Body.Bytes()}
	_ = json.Unmarshal(res.Raw, &res.JSON)
	return res
}

// PDF is a small document for uploads.
var PDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// Upload creates a file for the token's corp through GetFileUploadUrl and
// PUTs the bytes to e签宝's upload address, and returns the file id.
func (g *Gateway) Upload(token, name string, content []byte) string {
	g.T.Helper()
	sum := md5.Sum(content)
	md := base64.StdEncoding.EncodeToString(sum[:])
	res := g.Do("POST", "/v2.0/esign/files/uploadUrls", token, map[string]any{
		"contentMd5": md, "contentType": "application/pdf", "convert2Pdf": false, "fileName": name, "fileSize": len(content)})
	if res.Status != 200 {
		g.T.Fatalf("uploadUrls: %d %s", res.Status, res.Raw)
	}
	req, _ := http.NewRequest("PUT", res.JSON["uploadUrl"].(string), bytes.NewReader(content))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Content-MD5", md)
	put, err := http.DefaultClient.Do(req)
	if err != nil {
		g.T.Fatal(err)
	}
	put.Body.Close()
	if put.StatusCode != 200 {
		g.T.Fatalf("upload PUT: %d", put.StatusCode)
	}
	return res.JSON["fileId"].(string)
}

// CreateFlow uploads a file and creates a flow with CreateProcess for the
// token's corp with signers u1 (initiator) and u2, and returns the task id.
func (g *Gateway) CreateFlow(token string, extra map[string]any) string {
	g.T.Helper()
	fileID := g.Upload(token, "合同.pdf", PDF)
	body := map[string]any{
		"taskName": "劳动合同", "initiatorUserId": "u1",
		"files": []map[string]any{{"fileId": fileID, "fileName": "合同.pdf", "fileType": 1}},
		"participants": []map[string]any{
			{"accountType": "DING_USER", "userId": "u1", "accountName": "张三", "signRequirements": "1", "signOrder": 1},
			{"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "2", "signOrder": 2},
		},
	}
	for k, v := range extra {
		body[k] = v
	}
	res := g.Do("POST", "/v2.0/esign/process/startAtOnce", token, body)
	if res.Status != 200 {
		g.T.Fatalf("CreateProcess: %d %s", res.Status, res.Raw)
	}
	return res.JSON["taskId"].(string)
}

// FlowID returns the e签宝 flow behind a task.
func (g *Gateway) FlowID(taskID string) string {
	g.T.Helper()
	t, err := g.Store.Task(context.Background(), taskID)
	if err != nil {
		g.T.Fatal(err)
	}
	return t.FlowID
}

// Participant returns the e签宝 account of a task's participant by userId.
func (g *Gateway) Participant(taskID, userID string) string {
	g.T.Helper()
	t, err := g.Store.Task(context.Background(), taskID)
	if err != nil {
		g.T.Fatal(err)
	}
	for _, p := range t.Participants {
		if p.UserID == userID {
			return p.AccountID
		}
	}
	g.T.Fatalf("no participant %s", userID)
	return ""
}
