// Command esign-gateway serves DingTalk's e签宝 API (esign_1.0 and
// esign_2.0) to DingTalk apps and fulfils it against the e签宝 OpenAPI.
//
//	esign-gateway [serve] --config config.yaml
//	esign-gateway demo [--addr 127.0.0.1:8080]
//	esign-gateway token --config config.yaml --app KEY --corp CORPID
//	esign-gateway version
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"expvar"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"esign-gateway/api"
	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/service/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Config is the whole configuration; every key has a default in defaults()
// and an entry in config.yaml.
type Config struct {
	Server struct {
		Addr            string        `mapstructure:"addr"`
		PublicURL       string        `mapstructure:"public_url"`
		ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
		ShutdownDelay   time.Duration `mapstructure:"shutdown_delay"`
		BodyLimit       int64         `mapstructure:"body_limit"`
	} `mapstructure:"server"`
	Store struct {
		Driver string            `mapstructure:"driver"`
		Path   string            `mapstructure:"path"`
		Redis  store.RedisConfig `mapstructure:"redis"`
	} `mapstructure:"store"`
	Esign struct {
		esign.Config   `mapstructure:",squash"`
		CallbackPath   string        `mapstructure:"callback_path"`
		CallbackWindow time.Duration `mapstructure:"callback_window"`
	} `mapstructure:"esign"`
	Dingtalk struct {
		Apps             []service.App `mapstructure:"apps"`
		TokenTTL         time.Duration `mapstructure:"token_ttl"`
		SigningKeys      []string      `mapstructure:"signing_keys"`
		AllowPrivateURLs bool          `mapstructure:"allow_private_urls"`
		InitialQuota     int64         `mapstructure:"initial_quota"`
		RevocationStale  time.Duration `mapstructure:"revocation_stale"`
	} `mapstructure:"dingtalk"`
	Admin struct {
		Token string `mapstructure:"token"`
	} `mapstructure:"admin"`
	Cache struct {
		TTL time.Duration `mapstructure:"ttl"`
	} `mapstructure:"cache"`
	Debug struct {
		Addr string `mapstructure:"addr"`
	} `mapstructure:"debug"`
	RateLimit struct {
		Default int            `mapstructure:"default"`
		PerAPI  map[string]int `mapstructure:"per_api"`
	} `mapstructure:"ratelimit"`
	Log struct {
		Format string `mapstructure:"format"`
		Level  string `mapstructure:"level"`
	} `mapstructure:"log"`
	// demo is set by the demo command only (never by config): the API
	// Explorer prefills the demo app's credentials.
	demo *api.DemoInfo
}

// defaults lists every key with its default. Viper only lets environment
// variables reach Unmarshal for keys it knows (spf13/viper#761), so every
// key must be here.
func defaults() map[string]any {
	return map[string]any{
		"server.addr":                 ":8080",
		"server.public_url":           "http://127.0.0.1:8080",
		"server.shutdown_timeout":     "15s",
		"server.shutdown_delay":       "0s",
		"server.body_limit":           1 << 20,
		"store.driver":                "embedded",
		"store.path":                  "esign-gateway.db",
		"store.redis.addrs":           []string{"127.0.0.1:6379"},
		"store.redis.master_name":     "",
		"store.redis.password":        "",
		"store.redis.db":              0,
		"store.redis.prefix":          "esigngw:",
		"esign.base_url":              "https://smlopenapi.esign.cn",
		"esign.app_id":                "",
		"esign.app_secret":            "",
		"esign.auth_mode":             "signature",
		"esign.timeout":               "5s",
		"esign.call_timeout":          "15s",
		"esign.retries":               2,
		"esign.breaker_timeout":       "30s",
		"esign.callback_path":         "/esign/callback",
		"esign.callback_window":       "15m",
		"dingtalk.apps":               []map[string]any{},
		"dingtalk.token_ttl":          "7200s",
		"dingtalk.signing_keys":       []string{},
		"dingtalk.allow_private_urls": false,
		"dingtalk.initial_quota":      0,
		"dingtalk.revocation_stale":   "30s",
		"ratelimit.default":           api.DefaultRateLimit,
		"ratelimit.per_api":           map[string]int{},
		"admin.token":                 "",
		"cache.ttl":                   "2s",
		"debug.addr":                  "",
		"log.format":                  "json",
		"log.level":                   "info",
	}
}

// loadConfig reads file (optional), then ESIGNGW_* environment variables
// (ESIGNGW_ESIGN_APP_SECRET for esign.app_secret). Lists come from the
// environment as comma-separated values, dingtalk.apps as JSON.
func loadConfig(file string) (*Config, error) {
	v := viper.New()
	for k, d := range defaults() {
		v.SetDefault(k, d)
	}
	v.SetEnvPrefix("ESIGNGW")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config %s: %w", file, err)
		}
	}
	var cfg Config
	hook := mapstructure.ComposeDecodeHookFunc(jsonStringHook, jsonMapHook, mapstructure.StringToTimeDurationHookFunc(), mapstructure.StringToSliceHookFunc(","))
	if err := v.Unmarshal(&cfg, viper.DecodeHook(hook)); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return &cfg, nil
}

// jsonStringHook decodes a JSON string into a slice of structs, so that
// ESIGNGW_DINGTALK_APPS='[{"key":...}]' works.
func jsonStringHook(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || from.Kind() != reflect.String || to.Kind() != reflect.Slice || to.Elem().Kind() != reflect.Struct {
		return data, nil
	}
	var out []map[string]any
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("want a JSON list: %w", err)
	}
	return out, nil
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "esign-gateway:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	cfgFile := fs.String("config", "", "config file (YAML)")
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (demo)")
	esignAddr := fs.String("esign-addr", "127.0.0.1:0", "listen address of the e签宝 emulator (demo)")
	appKey := fs.String("app", "", "app key (token)")
	corp := fs.String("corp", "", "corp id (token)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		cfg, err := loadConfig(*cfgFile)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, nil, out)
	case "demo":
		return demo(ctx, *addr, *esignAddr, out)
	case "token":
		cfg, err := loadConfig(*cfgFile)
		if err != nil {
			return err
		}
		return mintToken(ctx, cfg, *appKey, *corp, out)
	case "version":
		fmt.Fprintln(out, "esign-gateway", buildVersion())
		return nil
	}
	return fmt.Errorf("unknown command %q (serve, demo, token, version)", cmd)
}

func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "dev" {
		return "dev (" + bi.GoVersion + ")"
	}
	return version
}

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// gateway is a wired gateway: its store, service and router.
type gateway struct {
	store   store.Store
	svc     *service.Service
	handler http.Handler
	ready   atomic.Bool
	metrics *api.Metrics
	// after waits out server.shutdown_delay; nil means time.After (tests
	// hold it open to probe the draining gateway).
	after func(time.Duration) <-chan time.Time
}

func build(ctx context.Context, cfg *Config, log *slog.Logger) (*gateway, error) {
	st, err := openStore(cfg)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			st.Close()
		}
	}()
	metrics := api.NewMetrics(api.MetricsConfig{Version: buildVersion()})
	st = store.Instrumented(st, metrics.ObserveStore)
	ecfg := cfg.Esign.Config
	ecfg.Logger = log
	ecfg.Observe = metrics.ObserveUpstream
	ec, err := esign.New(ecfg)
	if err != nil {
		return nil, err
	}
	keys, err := signingKeys(ctx, cfg.Dingtalk.SigningKeys, st)
	if err != nil {
		return nil, err
	}
	tokens, err := dingtalk.NewTokens(dingtalk.TokenConfig{TTL: cfg.Dingtalk.TokenTTL, Keys: keys})
	if err != nil {
		return nil, err
	}
	svc, err := service.New(service.Config{PublicURL: cfg.Server.PublicURL, CallbackPath: cfg.Esign.CallbackPath,
		CallbackAppID: cfg.Esign.AppID, CallbackSecret: cfg.Esign.AppSecret, CallbackWindow: cfg.Esign.CallbackWindow,
		Apps: cfg.Dingtalk.Apps, DemoQuota: cfg.Dingtalk.InitialQuota, Log: log,
		AllowPrivateURLs: cfg.Dingtalk.AllowPrivateURLs, RevocationStale: cfg.Dingtalk.RevocationStale,
		CacheTTL: cfg.Cache.TTL, OnPush: metrics.OutboxDelivery}, st, ec, tokens)
	if err != nil {
		return nil, err
	}
	metrics.Watch(svc)
	g := &gateway{store: st, svc: svc, metrics: metrics}
	g.handler = api.NewRouter(api.Deps{Service: svc, Log: log, AdminToken: cfg.Admin.Token, CallbackPath: cfg.Esign.CallbackPath,
		BodyLimit: cfg.Server.BodyLimit, Ready: g.readyCheck, Metrics: metrics, Version: buildVersion(),
		RateLimit: api.RateLimit{Default: cfg.RateLimit.Default, PerAPI: cfg.RateLimit.PerAPI}, Demo: cfg.demo})
	ok = true
	return g, nil
}

// readyCheck is the lifecycle part of /readyz (api.Deps.Ready); the
// router checks the store and the e签宝 breaker itself.
func (g *gateway) readyCheck(context.Context) error {
	if !g.ready.Load() {
		return errors.New("starting or shutting down")
	}
	return nil
}

func openStore(cfg *Config) (store.Store, error) {
	switch cfg.Store.Driver {
	case "embedded", "":
		return store.OpenBolt(cfg.Store.Path, store.BoltOptions{})
	case "redis":
		return store.OpenRedis(cfg.Store.Redis)
	}
	return nil, fmt.Errorf("store.driver %q: want embedded or redis", cfg.Store.Driver)
}

// signingKeys returns the token keys: from config ("kid:secret", first
// signs), or else one generated once and kept in the store, so every replica
// signs and verifies with the same key.
func signingKeys(ctx context.Context, conf []string, st store.Store) ([]dingtalk.Key, error) {
	var keys []dingtalk.Key
	for _, kv := range conf {
		id, secret, ok := strings.Cut(kv, ":")
		if !ok || id == "" || len(secret) < 32 {
			return nil, errors.New("dingtalk.signing_keys: want kid:secret with a secret of at least 32 bytes")
		}
		keys = append(keys, dingtalk.Key{ID: id, Secret: []byte(secret)})
	}
	if len(keys) > 0 {
		return keys, nil
	}
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return nil, err
	}
	secret, err := st.EnsureSecret(ctx, "token-signing-key", candidate)
	if err != nil {
		return nil, fmt.Errorf("token signing key: %w", err)
	}
	sum := sha256.Sum256(secret)
	return []dingtalk.Key{{ID: "k" + hex.EncodeToString(sum[:4]), Secret: secret}}, nil
}

// serve runs the gateway until ctx is done or SIGTERM/SIGINT arrives. If
// started is not nil it receives the gateway once it listens.
func serve(ctx context.Context, cfg *Config, started func(g *gateway, addr string), out io.Writer) error {
	gin.SetMode(gin.ReleaseMode)
	log := newLogger(cfg, out)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	g, err := build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer g.store.Close()
	ln, err := net.Listen("tcp", cfg.Server.Addr)
	if err != nil {
		return err
	}
	bg, cancelBG := context.WithCancel(context.Background())
	defer cancelBG()
	go g.svc.Run(bg)
	if cfg.Debug.Addr != "" {
		if err := serveDebug(bg, cfg.Debug.Addr, log); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: g.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	g.ready.Store(true)
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("store", g.store.Kind()), slog.String("version", buildVersion()))
	if started != nil {
		started(g, ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return g.drain(srv, cfg, log)
}

// serveDebug serves Go's profiler (/debug/pprof/) and runtime counters
// (/debug/vars: memstats, including Mallocs for allocations per request)
// on addr until ctx is done. It is off unless debug.addr is set, listens on
// its own address so it is never part of the public router, and should be
// bound to loopback: profiles show memory, not secrets, but cost CPU. The
// benchmark harness (test/bench) uses it for CPU profiles and allocation
// counts of the gateway under load.
func serveDebug(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/debug/vars", expvar.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("debug listener", slog.String("addr", ln.Addr().String()))
	return nil
}

func mintToken(ctx context.Context, cfg *Config, appKey, corpID string, out io.Writer) error {
	if appKey == "" || corpID == "" {
		return errors.New("token: --app and --corp are required")
	}
	g, err := build(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	defer g.store.Close()
	tok, err := g.svc.MintToken(ctx, appKey, corpID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, tok.AccessToken)
	return nil
}

// Demo credentials (documented in README). The demo app is a third-party
// enterprise app with two authorized corps.
const (
	demoSuiteKey    = "demo-suite-key"
	demoSuiteSecret = "demo-suite-secret"
	demoCorp        = "ding-demo-corp"
	demoCorp2       = "ding-demo-corp-2"
	demoAdminToken  = "demo-admin-token"
	demoEsignAppID  = "7438000000demo"
	demoEsignSecret = "demo-esign-app-secret-0123456789"
)

// demo runs the gateway on an embedded store in a temp dir, with the e签宝
// emulator in-process, and prints a token and curl lines.
func demo(ctx context.Context, addr, esignAddr string, out io.Writer) error {
	dir, err := os.MkdirTemp("", "esign-gateway-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	emu := esigntest.New(esigntest.Config{AppID: demoEsignAppID, AppSecret: demoEsignSecret, Control: true})
	emuURL, err := emu.Listen(esignAddr)
	if err != nil {
		return err
	}
	defer emu.Close()
	cfg, err := loadConfig("")
	if err != nil {
		return err
	}
	cfg.Server.Addr = addr
	cfg.Server.PublicURL = "http://" + addr
	cfg.Store.Path = filepath.Join(dir, "demo.db")
	cfg.Esign.BaseURL, cfg.Esign.AppID, cfg.Esign.AppSecret = emuURL, demoEsignAppID, demoEsignSecret
	cfg.Admin.Token = demoAdminToken
	cfg.Log.Format = "text"
	cfg.Dingtalk.AllowPrivateURLs = true
	cfg.Dingtalk.InitialQuota = 100
	cfg.demo = &api.DemoInfo{SuiteKey: demoSuiteKey, SuiteSecret: demoSuiteSecret, CorpID: demoCorp}
	// The demo app's fixed event keys (README): what the ISV would get from
	// DingTalk's console, used to seal the events pushed to its noticeUrl.
	const (
		eventToken  = "demo-event-token"
		eventAESKey = "ZGVtby1ldmVudC1hZXMta2V5LWVzaWduLWdhdGV3YXk" // base64 of "demo-event-aes-key-esign-gateway"
	)
	cfg.Dingtalk.Apps = []service.App{{Key: demoSuiteKey, Secret: demoSuiteSecret, Type: service.AppISVEnterprise,
		Corps: []string{demoCorp, demoCorp2}, EventToken: eventToken, EventAESKey: eventAESKey}}
	// A demo ISV: the noticeUrl of the demo corp, printing every event it
	// decrypts.
	crypto, err := dingtalk.NewEventCrypto(eventToken, eventAESKey, demoSuiteKey)
	if err != nil {
		return err
	}
	isvLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	isv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: &dingtalk.EventReceiver{Crypto: crypto,
		OnEvent: func(plain []byte) { fmt.Fprintf(out, "ISV received event: %s\n", plain) }}}
	go isv.Serve(isvLn)
	defer isv.Close()
	noticeURL := "http://" + isvLn.Addr().String() + "/isv/events"
	return serve(ctx, cfg, func(g *gateway, bound string) {
		tok, err := g.svc.MintToken(ctx, demoSuiteKey, demoCorp)
		if err != nil {
			fmt.Fprintln(out, "demo: token:", err)
			return
		}
		// As if the ISV had called CreateDevelopers, so events flow at once.
		if _, err := g.store.UpdateCorp(ctx, demoCorp, func(c *store.Corp) error { c.NoticeURL = noticeURL; return nil }); err != nil {
			fmt.Fprintln(out, "demo: noticeUrl:", err)
			return
		}
		seed, err := seedDemo(ctx, "http://"+bound, tok.AccessToken, g, emu)
		if err != nil {
			fmt.Fprintln(out, "demo: seeding flows:", err)
			return
		}
		printDemo(out, "http://"+bound, emuURL, tok.AccessToken, noticeURL, eventToken, eventAESKey, seed)
	}, out)
}

// demoSeed is what the demo creates at start: one completed flow and one in
// progress, through the gateway's own API as an ISV would.
type demoSeed struct {
	done, doing string // task ids
}

// seedDemo uploads a contract and starts two flows for the demo corp, then
// has both signers of the first one sign in the emulator, so the flow
// completes (callbacks, logs, pushed events, downloadable documents).
func seedDemo(ctx context.Context, base, token string, g *gateway, emu *esigntest.Server) (*demoSeed, error) {
	call := func(method, path string, body any) (map[string]any, error) {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(service.TokenHeader, token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %v", method, path, res.StatusCode, out)
		}
		return out, nil
	}
	sum := md5.Sum(demoPDF)
	md := base64.StdEncoding.EncodeToString(sum[:])
	up, err := call("POST", "/v2.0/esign/files/uploadUrls", map[string]any{"contentMd5": md, "contentType": "application/pdf",
		"convert2Pdf": false, "fileName": "演示合同.pdf", "fileSize": len(demoPDF)})
	if err != nil {
		return nil, err
	}
	put, _ := http.NewRequestWithContext(ctx, "PUT", up["uploadUrl"].(string), bytes.NewReader(demoPDF))
	put.Header.Set("Content-Type", "application/pdf")
	put.Header.Set("Content-MD5", md)
	res, err := http.DefaultClient.Do(put)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	create := func(name string) (string, error) {
		out, err := call("POST", "/v2.0/esign/process/startAtOnce", map[string]any{"taskName": name, "initiatorUserId": "zhangsan",
			"files": []map[string]any{{"fileId": up["fileId"], "fileName": "演示合同.pdf", "fileType": 1}},
			"participants": []map[string]any{
				{"accountType": "DING_USER", "userId": "zhangsan", "accountName": "张三", "signRequirements": "1", "signOrder": 1},
				{"accountType": "DING_USER", "userId": "lisi", "accountName": "李四", "signRequirements": "2", "signOrder": 2}},
			"sourceInfo": map[string]any{"pcUrl": "https://aflow.dingtalk.com/dingtalk/web/query/pchomepage.htm?procInstId=demo-instance-1", "showText": "演示审批"}})
		if err != nil {
			return "", err
		}
		return out["taskId"].(string), nil
	}
	seed := &demoSeed{}
	if seed.done, err = create("演示合同（已完成）"); err != nil {
		return nil, err
	}
	if seed.doing, err = create("演示合同（签署中）"); err != nil {
		return nil, err
	}
	t, err := g.store.Task(ctx, seed.done)
	if err != nil {
		return nil, err
	}
	for _, p := range t.Participants {
		if err := emu.MarkRead(t.FlowID, p.AccountID); err != nil {
			return nil, err
		}
		if err := emu.Sign(t.FlowID, p.AccountID); err != nil {
			return nil, err
		}
	}
	return seed, nil
}

// demoPDF is the demo's one-page contract.
var demoPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func printDemo(out io.Writer, base, emuURL, token, noticeURL, eventToken, eventAESKey string, seed *demoSeed) {
	fmt.Fprintf(out, `
API Explorer: %[1]s/explorer

esign-gateway demo is ready at %[1]s (e签宝 emulator at %[2]s)
  suiteKey %[4]s  suiteSecret %[5]s  corps %[6]s, %[7]s (any non-empty suiteTicket)
  admin token %[8]s   (/admin/status, /metrics, /openapi.json)

Token for %[6]s (valid 7200s):
  export TOKEN=%[3]s

Seeded for %[6]s: a completed flow (task %[12]s) and one in progress (task %[13]s),
both linked to the approval instance demo-instance-1.

Try:
  curl -s %[1]s/v2.0/esign/flowTasks/%[12]s -H "x-acs-dingtalk-access-token: $TOKEN"
  curl -s '%[1]s/v1.0/esign/flows/detail?taskId=%[13]s' -H "x-acs-dingtalk-access-token: $TOKEN"
  curl -s %[1]s/v2.0/esign/signTasks/%[13]s -H "x-acs-dingtalk-access-token: $TOKEN"
  curl -s %[1]s/v2.0/esign/flowTasks/%[12]s/docs -H "x-acs-dingtalk-access-token: $TOKEN"   # fileUrl downloads from the emulator
  curl -s %[1]s/v2.0/esign/dingInstances/demo-instance-1/attachments -H "x-acs-dingtalk-access-token: $TOKEN"
  curl -s %[1]s/v2.0/esign/margins -H "x-acs-dingtalk-access-token: $TOKEN"
  curl -s -X POST %[1]s/v1.0/oauth2/corpAccessToken -H 'content-type: application/json' \
    -d '{"suiteKey":"%[4]s","suiteSecret":"%[5]s","authCorpId":"%[6]s","suiteTicket":"t"}'
  curl -s -X POST %[1]s/v2.0/esign/files/uploadUrls -H "x-acs-dingtalk-access-token: $TOKEN" -H 'content-type: application/json' \
    -d '{"contentMd5":"<base64 md5>","contentType":"application/pdf","convert2Pdf":false,"fileName":"a.pdf","fileSize":1024}'
  curl -s -X POST %[1]s/v2.0/esign/process/startAtOnce -H "x-acs-dingtalk-access-token: $TOKEN" -H 'content-type: application/json' \
    -d '{"taskName":"合同","initiatorUserId":"u1","files":[{"fileId":"<fileId>","fileName":"a.pdf","fileType":1}],"participants":[{"accountType":"DING_USER","userId":"u2","signRequirements":"2"}]}'
  curl -s %[1]s/readyz

Sign the flow in progress (it moves from 1 签署中 to 2 完成; its logs fill in):
  curl -s -X POST %[1]s/v2.0/esign/process/executeUrls -H "x-acs-dingtalk-access-token: $TOKEN" -H 'content-type: application/json' \
    -d '{"taskId":"%[13]s"}'      # open pcUrl in a browser and press 签署, once per signer
  e签宝 calls back %[1]s/esign/callback; every change is pushed, encrypted, to %[6]s's noticeUrl,
  the demo ISV at %[9]s (event_token %[10]s, event_aes_key %[11]s),
  which prints each decrypted event as "ISV received event: {...}".
`, base, emuURL, token, demoSuiteKey, demoSuiteSecret, demoCorp, demoCorp2, demoAdminToken, noticeURL, eventToken, eventAESKey, seed.done, seed.doing)
}

// jsonMapHook decodes a JSON string into a map, so that a map-valued key
// can come from the environment:
// ESIGNGW_RATELIMIT_PER_API='{"/v2.0/esign/process/startAtOnce":5}'.
func jsonMapHook(from, to reflect.Type, data any) (any, error) {
	s, ok := data.(string)
	if !ok || from.Kind() != reflect.String || to.Kind() != reflect.Map {
		return data, nil
	}
	out := map[string]any{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("want a JSON object: %w", err)
	}
	return out, nil
}

// drain takes the gateway out of service after SIGTERM (or the end of
// serve's context). Readiness goes false first; after server.shutdown_delay
// (time for probes and load balancers to notice, as the Kubernetes API
// server's --shutdown-delay-duration does) the listener closes and
// in-flight requests get server.shutdown_timeout to finish. serve closes
// the store after drain returns, so nothing in flight loses it.
func (g *gateway) drain(srv *http.Server, cfg *Config, log *slog.Logger) error {
	g.ready.Store(false)
	log.Info("shutting down", slog.Duration("delay", cfg.Server.ShutdownDelay), slog.Duration("timeout", cfg.Server.ShutdownTimeout))
	if d := cfg.Server.ShutdownDelay; d > 0 {
		after := g.after
		if after == nil {
			after = time.After
		}
		<-after(d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Server.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		// Requests still running past the timeout are cut off.
		srv.Close()
		return fmt.Errorf("shutdown: requests still in flight after %v: %w", cfg.Server.ShutdownTimeout, err)
	}
	log.Info("stopped")
	return nil
}
