package esigntest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAppID and DefaultAppSecret are the credentials used when Config
// leaves them empty.
const (
	DefaultAppID     = "7438000000"
	DefaultAppSecret = "esigntest-secret"
)

// Config configures a Server. The zero value is usable.
type Config struct {
	// AppID is the only X-Tsign-Open-App-Id accepted; empty means DefaultAppID.
	AppID string
	// AppSecret signs requests and callbacks; empty means DefaultAppSecret.
	AppSecret string
	// Now is the clock for timestamps, token and URL expiry; nil means time.Now.
	Now func() time.Time
	// Logger receives debug records; nil discards them. Secrets are never logged.
	Logger *slog.Logger
	// Control exposes the control interface over HTTP under /_control/.
	Control bool
	// CallbackRetries is the wait before each retry of a failed callback;
	// nil means 1s, 3s, 10s. An empty non-nil slice disables retries.
	CallbackRetries []time.Duration
	// CallbackTimeout bounds one callback attempt; zero means 5s as e签宝 does.
	CallbackTimeout time.Duration
	// DuplicateCallbacks delivers every callback twice, as e签宝 does when
	// both an app webhook and a notify URL are configured.
	DuplicateCallbacks bool
	// HoldConversion keeps an upload with convert2Pdf at status 4 (文件等待转pdf)
	// until ConvertFile; otherwise it is 5 (已转换pdf) once uploaded.
	HoldConversion bool
	// Latency delays every API call (not pages or OSS), honouring the
	// request context; useful for benchmarks.
	Latency time.Duration
}

// Server is the emulator. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	api     *http.ServeMux
	open    *http.ServeMux
	control *http.ServeMux
	cb      *callbacks

	closeOnce sync.Once
	ctx       context.Context
	cancel    context.CancelFunc
	httpSrv   *http.Server
	testSrv   *httptest.Server

	base atomic.Value // string; set once listening

	mu     sync.Mutex
	calls  []Call
	faults []*Fault
	st     state
}

// New returns a Server that is not listening; use Handler, Start or Listen.
func New(cfg Config) *Server {
	if cfg.AppID == "" {
		cfg.AppID = DefaultAppID
	}
	if cfg.AppSecret == "" {
		cfg.AppSecret = DefaultAppSecret
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CallbackRetries == nil {
		cfg.CallbackRetries = []time.Duration{time.Second, 3 * time.Second, 10 * time.Second}
	}
	if cfg.CallbackTimeout == 0 {
		cfg.CallbackTimeout = 5 * time.Second
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, st: newState()}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.cb = newCallbacks(s)
	s.routes()
	return s
}

// TB is the part of testing.TB that Start needs. It is declared here so
// that the emulator, which the demo binary links, never imports testing;
// *testing.T and *testing.B satisfy it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start runs s on an httptest server for the life of the test.
func Start(t TB, cfg Config) *Server {
	t.Helper()
	s := New(cfg)
	s.testSrv = httptest.NewServer(s)
	s.setBase(s.testSrv.URL)
	t.Cleanup(s.Close)
	return s
}

// Listen serves s on a real listener (the demo command) and returns its
// base URL. An unspecified host is reported as 127.0.0.1.
func (s *Server) Listen(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	hostPort := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		hostPort = net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	url := "http://" + hostPort
	s.setBase(url)
	s.mu.Lock()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv := s.httpSrv
	s.mu.Unlock()
	go srv.Serve(ln)
	return url, nil
}

// Close stops listeners and abandons undelivered callbacks. It is idempotent.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		s.mu.Lock()
		srv, ts := s.httpSrv, s.testSrv
		s.mu.Unlock()
		if ts != nil {
			ts.Close()
		}
		if srv != nil {
			srv.Close()
		}
		s.cb.wait()
	})
}

// Handler returns the emulator as an http.Handler (the Server itself).
func (s *Server) Handler() http.Handler { return s }

// URL returns the base URL without a trailing slash, or "" before
// Start/Listen; with a bare Handler, links are built from the request Host.
// It never takes the state lock, so handlers may call it while holding it.
func (s *Server) URL() string {
	b, _ := s.base.Load().(string)
	return b
}

// AppID returns the app id the emulator accepts.
func (s *Server) AppID() string { return s.cfg.AppID }

func (s *Server) setBase(u string) { s.base.Store(strings.TrimSuffix(u, "/")) }

// baseURL is where links handed out in responses point.
func (s *Server) baseURL(r *http.Request) string {
	if b := s.URL(); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) now() time.Time { return s.cfg.Now() }

func (s *Server) nowMs() int64 { return s.cfg.Now().UnixMilli() }

// newID returns 32 random hex characters, the shape of e签宝 ids.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
