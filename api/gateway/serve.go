package gateway

import (
	"context"
	"expvar"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// Serve runs g on ln until ctx is done, then drains: readiness goes false
// first; after server.shutdown_delay (time for probes and load balancers to
// notice, as the Kubernetes API server's --shutdown-delay-duration does)
// the listener closes and in-flight requests get server.shutdown_timeout to
// finish. It runs the background work meanwhile, and stops it before
// returning; the caller closes g afterwards, so nothing in flight loses the
// store. after waits out the delay; nil means time.After (tests hold it
// open to probe the draining gateway).
func (g *Gateway) Serve(ctx context.Context, ln net.Listener, after func(time.Duration) <-chan time.Time) error {
	bg, cancelBG := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); g.Run(bg) }()
	defer func() { cancelBG(); <-stopped }()
	if addr := g.cfg.Debug.Addr; addr != "" {
		if err := serveDebug(bg, addr, g.Log); err != nil {
			return err
		}
	}
	srv := g.server()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	g.SetReady(true)
	g.Log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("store", g.Store.Kind()), slog.String("version", Version()))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	return g.drain(srv, after)
}

// server is the HTTP server of g. ReadTimeout is the deadline of the whole
// request, body included, set on the connection by net/http itself: it
// holds for every route and for requests no handler reads, costs no
// goroutine or timer per request, and a body still arriving at it fails
// its read (answered 400 JSON where a handler reads it). Per-route
// deadlines through http.ResponseController would need a middleware on
// every route and still leave unrouted requests without one.
func (g *Gateway) server() *http.Server {
	read, write := g.cfg.Server.ReadTimeout, g.cfg.Server.WriteTimeout
	if read <= 0 {
		read = DefaultReadTimeout
	}
	if write <= 0 {
		write = DefaultWriteTimeout
	}
	return &http.Server{Handler: g.Handler, ReadHeaderTimeout: min(10*time.Second, read), ReadTimeout: read,
		WriteTimeout: write, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
}

func (g *Gateway) drain(srv *http.Server, after func(time.Duration) <-chan time.Time) error {
	g.SetReady(false)
	delay, timeout := g.cfg.Server.ShutdownDelay, g.cfg.Server.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	g.Log.Info("shutting down", slog.Duration("delay", delay), slog.Duration("timeout", timeout))
	if delay > 0 {
		if after == nil {
			after = time.After
		}
		<-after(delay)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		// Requests still running past the timeout are cut off.
		srv.Close()
		return fmt.Errorf("shutdown: requests still in flight after %v: %w", timeout, err)
	}
	g.Log.Info("stopped")
	return nil
}

// Listen opens the configured listen address (DefaultAddr if unset).
func (g *Gateway) Listen() (net.Listener, error) {
	addr := g.cfg.Server.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	return net.Listen("tcp", addr)
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
