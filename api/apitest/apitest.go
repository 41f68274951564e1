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
	"esign-gateway/api/gateway"
	"esign-gateway/esign"
	"esign-gateway/esign/check"
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
	// Config adjusts the gateway's configuration (as config.yaml would)
	// before it is built.
	Config func(*gateway.Config)
	// Service adjusts the services' configuration.
	Service func(*service.Config)
	// Esign adjusts the e签宝 client config.
	Esign func(*esign.Config)
	// Emulator reuses an emulator (several gateways, one e签宝).
	Emulator *esigntest.Server
	// Log receives the gateway's logs; nil discards them.
	Log io.Writer
	// Router adjusts the router's configuration (metrics, readiness)
	// before the router is built.
	Router func(*api.Config)
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
	Store    service.Store
	Emulator *esigntest.Server
	Redis    *redistest.Server
	// RedisAddr is the address of the Redis in use, if any.
	RedisAddr string
	// BoltPath is the bbolt file in use, if any.
	BoltPath string
	// Gateway is the wired gateway (the production wiring).
	Gateway *gateway.Gateway

	closeOnce sync.Once
	closeFn   func()
}

// Stores lists the store kinds every API test runs on.
var Stores = []string{"bolt", "redis"}

// New starts a gateway for t, wired by gateway.New as serve wires it: the
// real router, services, store (with its metrics observer), e签宝 client
// and metrics.
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
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	cfg := gateway.Config{Hooks: gateway.Hooks{Out: logw}}
	cfg.Log.Level = "debug"
	cfg.Server.PublicURL = srv.URL
	switch o.Store {
	case "", "bolt":
		g.BoltPath = o.BoltPath
		if g.BoltPath == "" {
			g.BoltPath = filepath.Join(t.TempDir(), "gw.db")
		}
		cfg.Store.Path = g.BoltPath
	case "redis":
		g.RedisAddr = o.RedisAddr
		if g.RedisAddr == "" {
			g.Redis = redistest.Start(t)
			g.RedisAddr = g.Redis.Addr()
		}
		cfg.Store.Driver = "redis"
		cfg.Store.Redis = store.RedisConfig{Addrs: []string{g.RedisAddr}, Prefix: "gw:"}
	default:
		t.Fatalf("apitest: unknown store %q", o.Store)
	}
	cfg.Esign.Config = esign.Config{BaseURL: g.Emulator.URL(), AppID: EsignAppID, AppSecret: EsignSecret,
		Timeout: 2 * time.Second, CallTimeout: 5 * time.Second, Backoff: func(int) time.Duration { return 0 }}
	if o.Esign != nil {
		o.Esign(&cfg.Esign.Config)
	}
	cfg.Dingtalk = gateway.DingtalkConfig{AllowPrivateURLs: true, InitialQuota: 100, SigningKeys: []string{"k1:" + SigningKey},
		Apps: []service.App{
			{Key: SuiteKey, Secret: SuiteSecret, Type: service.AppISVEnterprise, Corps: []string{CorpA, CorpB},
				EventToken: "test-event-token", EventAESKey: "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"},
			{Key: InternalKey, Secret: AppSecret, Type: service.AppInternal, CorpID: CorpA},
			{Key: PersonalKey, Secret: AppSecret, Type: service.AppISVPersonal},
		}}
	cfg.Admin.Token = AdminToken
	// No rate limit unless a test sets one: tests and benchmarks call one
	// action far more often than 20 times a second.
	cfg.RateLimit.Default, cfg.RateLimit.Token, cfg.RateLimit.Upstream = -1, -1, -1
	// No read caches unless a test turns them on: most tests change a
	// flow and read it back at once.
	cfg.Cache.TTL = -1
	cfg.Hooks.Service = func(c *service.Config) {
		c.Outbox.Disabled = o.NoOutbox
		c.Outbox.Poll = 50 * time.Millisecond
		if o.Service != nil {
			o.Service(c)
		}
	}
	cfg.Hooks.Router = o.Router
	if o.Config != nil {
		o.Config(&cfg)
	}
	gw, err := gateway.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	gw.SetReady(true)
	g.Gateway, g.Service, g.Store, g.Router = gw, gw.Services, gw.Store, gw.Handler
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); gw.Run(ctx) }()
	g.closeFn = func() {
		cancel()
		<-stopped
		srv.Close()
		gw.Close()
	}
	t.Cleanup(g.Close)
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
	tok, err := g.Service.Tokens.Mint(context.Background(), SuiteKey, corp)
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

// Path is a DingTalk action's path (api.Route) with its parameters filled
// in from name, value pairs.
func Path(action, version string, params ...string) string {
	_, p := api.Route(action, version)
	if p == "" {
		panic("apitest: no action " + action + " in " + version)
	}
	for i := 0; i+1 < len(params); i += 2 {
		p = strings.Replace(p, ":"+params[i], params[i+1], 1)
	}
	return p
}

// Call sends one request to a DingTalk action, found in the action table;
// params fill in its path parameters (name, value pairs).
func (g *Gateway) Call(action, version, token string, body any, params ...string) *Response {
	g.T.Helper()
	method, _ := api.Route(action, version)
	return g.Do(method, Path(action, version, params...), token, body)
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
var PDF = check.OnePagePDF

// Upload creates a file for the token's corp through GetFileUploadUrl and
// PUTs the bytes to e签宝's upload address, and returns the file id.
func (g *Gateway) Upload(token, name string, content []byte) string {
	g.T.Helper()
	sum := md5.Sum(content)
	md := base64.StdEncoding.EncodeToString(sum[:])
	res := g.Call("GetFileUploadUrl", "esign_2.0", token, map[string]any{
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
	res := g.Call("CreateProcess", "esign_2.0", token, body)
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

// VerifyCorp takes userID, then corp, through e签宝's real-name the way a
// customer does (UsersRealname, then CorpRealname with userID as agent, each
// identity flow completed and its callback delivered), so the gateway learns
// their v3 ids and userID becomes the corp's console transactor; then the
// organization grants the ISV's app scopes (e签宝's authorization).
func (g *Gateway) VerifyCorp(token, corpID, userID string, scopes ...string) {
	g.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, action := range []string{"UsersRealname", "CorpRealname"} {
		res := g.Call(action, "esign_2.0", token, map[string]any{"userId": userID})
		if res.Status != 200 {
			g.T.Fatalf("%s: %d %s", action, res.Status, res.Raw)
		}
		if err := g.Emulator.CompleteIdentity(g.FlowID(res.JSON["taskId"].(string)), true); err != nil {
			g.T.Fatal(err)
		}
		if err := g.Emulator.WaitCallbacks(ctx); err != nil {
			g.T.Fatalf("emulator callbacks: %v", err)
		}
	}
	corp, err := g.Store.Corp(ctx, corpID)
	if err != nil {
		g.T.Fatal(err)
	}
	if corp.SaaSOrgID == "" || corp.TransactorPsnID == "" {
		g.T.Fatalf("corp %s after real-name: v3 orgId %q, transactor %q", corpID, corp.SaaSOrgID, corp.TransactorPsnID)
	}
	if len(scopes) > 0 {
		if err := g.Emulator.Grant(corp.SaaSOrgID, scopes...); err != nil {
			g.T.Fatal(err)
		}
	}
}
