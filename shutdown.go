package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

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
