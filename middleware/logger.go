package middleware

import (
	"context"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// LoggerConfig configures Logger.
type LoggerConfig struct {
	Log *slog.Logger
	// Identity names the caller for the log line (app key, corp id); nil
	// means none. It must never return a token or secret.
	Identity func(ctx context.Context) (app, corp string)
	// TraceID, if set, gives the request's trace id for the line (see
	// Tracing); nil leaves it out, as when tracing is off.
	TraceID func(ctx context.Context) string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Logger writes one line per request: request id, trace id, route template,
// method, status, duration, app and corp. Errors recorded by handlers are logged
// with their cause; client errors at Info, server errors at Error. Headers,
// bodies and query strings are never logged: they carry tokens.
func Logger(cfg LoggerConfig) gin.HandlerFunc {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return func(c *gin.Context) {
		start := now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		// Checked before building the line: with the level above info
		// (as under load) a request costs no attributes at all.
		if !cfg.Log.Enabled(c.Request.Context(), level) {
			return
		}
		attrs := make([]slog.Attr, 0, 10)
		attrs = append(attrs, slog.String("requestid", RequestIDFrom(c.Request.Context())))
		if cfg.TraceID != nil {
			if id := cfg.TraceID(c.Request.Context()); id != "" {
				attrs = append(attrs, slog.String("traceid", id))
			}
		}
		attrs = append(attrs,
			slog.String("method", c.Request.Method),
			slog.String("route", routeOf(c)),
			slog.Int("status", status),
			slog.Duration("duration", now().Sub(start)),
		)
		if cfg.Identity != nil {
			if app, corp := cfg.Identity(c.Request.Context()); app != "" {
				attrs = append(attrs, slog.String("app", app), slog.String("corp", corp))
			}
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, slog.String("error", c.Errors.Last().Err.Error()))
		}
		cfg.Log.LogAttrs(c.Request.Context(), level, "request", attrs...)
	}
}

// routeOf returns the route template, never the raw path, so ids stay out
// of logs and metrics labels.
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
