package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"time"

	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
)

// Credentials of the emulated e签宝 app, shared by the gateway, the proxy
// and the direct load.
const (
	esignAppID  = "7438000000bench"
	esignSecret = "bench-esign-secret-0123456789abcdef"
)

// Child processes announce where they listen with one line on stdout and
// stop when their stdin closes (the harness exits or kills them).
const listenPrefix = "LISTEN "

// runUpstream is the "upstream" role: the e签宝 emulator with a fixed
// latency (ESIGNGW_BENCH_LATENCY) on every API call.
func runUpstream() error {
	lat, err := time.ParseDuration(os.Getenv("ESIGNGW_BENCH_LATENCY"))
	if err != nil {
		return fmt.Errorf("upstream: ESIGNGW_BENCH_LATENCY: %w", err)
	}
	emu := esigntest.New(esigntest.Config{AppID: esignAppID, AppSecret: esignSecret, Latency: lat,
		Control: true, CallbackRetries: []time.Duration{}})
	u, err := emu.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer emu.Close()
	// The emulator records every call for tests; under load that list
	// would grow by millions, so it is emptied every second.
	go func() {
		for range time.Tick(time.Second) {
			emu.ResetCalls()
		}
	}()
	announce(u)
	return nil
}

// runProxy is the "proxy" role: a bare httputil.ReverseProxy tuned the way
// anchors.md §3 asks (idle connections per host ≥ the load's connections,
// a BufferPool), that forwards GET /v1/signflows/{flowId} to the upstream
// (ESIGNGW_BENCH_UPSTREAM) signed with e签宝's signature, as the gateway
// would send it. It does nothing else: no auth, no store, no reshaping.
func runProxy() error {
	target, err := url.Parse(os.Getenv("ESIGNGW_BENCH_UPSTREAM"))
	if err != nil || target.Host == "" {
		return fmt.Errorf("proxy: ESIGNGW_BENCH_UPSTREAM %q is not a URL", os.Getenv("ESIGNGW_BENCH_UPSTREAM"))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 4096, 4096
	tr.IdleConnTimeout = 90 * time.Second
	tr.ForceAttemptHTTP2 = false
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			h := pr.Out.Header
			h.Set("Accept", "*/*")
			h.Set("Content-Type", "application/json; charset=UTF-8")
			esign.SignRequest(pr.Out, esignAppID, esignSecret, time.Now())
		},
		Transport:  tr,
		BufferPool: newBufferPool(),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rp, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	announce("http://" + ln.Addr().String())
	return nil
}

// announce prints where the child listens, then blocks until stdin closes.
func announce(u string) {
	fmt.Println(listenPrefix + u)
	_, _ = bufio.NewReader(os.Stdin).ReadString(0)
}

// bufferPool lends ReverseProxy its 32 KiB copy buffers instead of one new
// buffer per response.
type bufferPool struct{ p sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
}

func (b *bufferPool) Get() []byte { return *b.p.Get().(*[]byte) }

func (b *bufferPool) Put(buf []byte) { b.p.Put(&buf) }
