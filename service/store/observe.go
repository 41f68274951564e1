package store

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Observer is told about every store call: the caller's context (for
// tracing), the method's name, how long it took, and the error when the
// backend failed. err is nil for answers that
// are part of the contract (ErrNotFound, ErrExists, ErrNoQuota, an error
// returned by an UpdateCorp/UpdateTask fn) and for calls whose caller gave
// up (context.Canceled): none says the store is unwell.
type Observer func(ctx context.Context, op string, d time.Duration, err error)

// done reports a call that began at start and ended with *err. Every
// exported method of Bolt and Redis defers it first thing, so a method
// cannot go unreported (TestObserverCoversEveryMethod checks it), and no
// wrapper type has to restate the method set.
func (o Observer) done(ctx context.Context, op string, start time.Time, err *error) {
	if o != nil {
		o(ctx, op, time.Since(start), backendError(*err))
	}
}

// doneUpdate is done for UpdateCorp and UpdateTask: an error that is the
// one their fn returned is the caller's own logic saying no, not a store
// failure.
func (o Observer) doneUpdate(ctx context.Context, op string, start time.Time, err, fnErr *error) {
	if o == nil {
		return
	}
	e := *err
	if *fnErr != nil && errors.Is(e, *fnErr) {
		e = nil
	}
	o(ctx, op, time.Since(start), backendError(e))
}

// backendError is err unless it is an expected answer.
func backendError(err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNotFound), errors.Is(err, ErrExists), errors.Is(err, ErrNoQuota),
		errors.Is(err, ErrQuotaOverflow),
		errors.Is(err, context.Canceled):
		return nil
	}
	return err
}

// Traced returns an Observer that reports each call to next (if not nil)
// and, within a recorded trace, also as a span "store <op>" under the
// span in the caller's context, with store.operation and, when the backend
// failed, an error status. The span is made after the call from its
// duration: a store call has no children, and an untraced call costs one
// context lookup.
func Traced(tracer trace.Tracer, kind string, next Observer) Observer {
	return func(ctx context.Context, op string, d time.Duration, err error) {
		if next != nil {
			next(ctx, op, d, err)
		}
		if !trace.SpanFromContext(ctx).IsRecording() {
			return
		}
		end := time.Now()
		_, span := tracer.Start(ctx, "store "+op, trace.WithTimestamp(end.Add(-d)),
			trace.WithAttributes(attribute.String("store.operation", op), attribute.String("store.kind", kind)))
		if err != nil {
			span.SetStatus(codes.Error, "backend error")
		}
		span.End(trace.WithTimestamp(end))
	}
}
