package middleware

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TracingConfig configures Tracing.
type TracingConfig struct {
	Tracer trace.Tracer
	// Propagator reads the caller's trace context; nil means W3C
	// traceparent/tracestate (propagation.TraceContext).
	Propagator propagation.TextMapPropagator
	// Route names a request's span from its method and route template
	// (the action name for DingTalk's actions) and gives attributes to
	// add; nil or a "" name means "METHOD route".
	Route func(method, route string) (name string, attrs []attribute.KeyValue)
	// Code, if set, names the error a handler recorded (the DingTalk
	// code), for the span's dingtalk.code attribute.
	Code func(err error) string
}

// Tracing starts one server span per request, the child of the caller's
// span when the request carries a traceparent, and puts it in the
// request's context for the spans of e签宝 and store calls below it. The
// router installs it only when tracing is configured, so a gateway without
// tracing pays nothing for it.
func Tracing(cfg TracingConfig) gin.HandlerFunc {
	prop := cfg.Propagator
	if prop == nil {
		prop = propagation.TraceContext{}
	}
	return func(c *gin.Context) {
		route := routeOf(c)
		var name string
		var extra []attribute.KeyValue
		if cfg.Route != nil {
			name, extra = cfg.Route(c.Request.Method, route)
		}
		if name == "" {
			name = c.Request.Method + " " + route
		}
		ctx := prop.Extract(c.Request.Context(), propagation.HeaderCarrier(c.Request.Header))
		// Only the route template and the request id: paths and queries
		// hold task ids and tokens.
		ctx, span := cfg.Tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer),
			trace.WithAttributes(
				attribute.String("http.request.method", c.Request.Method),
				attribute.String("http.route", route),
				attribute.String("dingtalk.request_id", RequestIDFrom(ctx)),
			), trace.WithAttributes(extra...))
		defer span.End()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
		status := c.Writer.Status()
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if len(c.Errors) > 0 && cfg.Code != nil {
			span.SetAttributes(attribute.String("dingtalk.code", cfg.Code(c.Errors.Last().Err)))
		}
		// Server spans mark only 5xx as errors (OpenTelemetry's HTTP
		// conventions): a 4xx is the caller's mistake, not the gateway's.
		if status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
	}
}

// TraceID returns the id of the trace that ctx's span belongs to, or ""
// when there is none.
func TraceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}
