package esign

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// startCall starts the span of one call (all its attempts, its backoff and
// the breaker) as a child of the span in ctx. There is no span, and no
// cost, without Config.Tracer or outside a recorded trace: background work
// such as token refreshes for no request would only add root spans.
func (c *Client) startCall(ctx context.Context, r *request) (context.Context, trace.Span) {
	if c.cfg.Tracer == nil || !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, nil
	}
	return c.cfg.Tracer.Start(ctx, "esign "+r.op, trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithAttributes(
			attribute.String("esign.operation", r.op),
			attribute.String("http.request.method", r.method),
			// The path only: the token endpoint's query holds the secret.
			attribute.String("url.path", r.path),
		))
}

// endCall ends a call's span with the outcome Config.Observe reports.
func endCall(span trace.Span, err error) {
	if span == nil {
		return
	}
	o := outcome(err)
	span.SetAttributes(attribute.String("esign.outcome", o))
	if err != nil {
		span.SetStatus(codes.Error, o)
	}
	span.End()
}

// startAttempt starts the span of attempt n (1-based) of a call, a child of
// the call's span.
func (c *Client) startAttempt(ctx context.Context, r *request, n int) (context.Context, trace.Span) {
	if c.cfg.Tracer == nil || !trace.SpanFromContext(ctx).IsRecording() {
		return ctx, nil
	}
	return c.cfg.Tracer.Start(ctx, "esign "+r.op+" attempt", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.Int("esign.attempt", n)))
}

// endAttempt records what one attempt got back: the HTTP status (none for
// a transport error or timeout) and e签宝's code (0 on success).
func endAttempt(span trace.Span, status int, err error) {
	if span == nil {
		return
	}
	if status > 0 {
		span.SetAttributes(attribute.Int("http.response.status_code", status))
	}
	var ae *APIError
	switch {
	case err == nil:
		span.SetAttributes(attribute.Int("esign.code", 0))
	case errors.As(err, &ae):
		span.SetAttributes(attribute.Int("esign.code", ae.Code))
	}
	if err != nil {
		// The outcome, not the message: messages may quote a body.
		span.SetStatus(codes.Error, outcome(err))
	}
	span.End()
}
