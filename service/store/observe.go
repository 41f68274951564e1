package store

import (
	"context"
	"errors"
	"time"
)

// Observer is told about every store call: the method's name, how long it
// took, and the error when the backend failed. err is nil for answers that
// are part of the contract (ErrNotFound, ErrExists, ErrNoQuota, an error
// returned by an UpdateCorp/UpdateTask fn) and for calls whose caller gave
// up (context.Canceled): none says the store is unwell.
type Observer func(op string, d time.Duration, err error)

// done reports a call that began at start and ended with *err. Every
// exported method of Bolt and Redis defers it first thing, so a method
// cannot go unreported (TestObserverCoversEveryMethod checks it), and no
// wrapper type has to restate the method set.
func (o Observer) done(op string, start time.Time, err *error) {
	if o != nil {
		o(op, time.Since(start), backendError(*err))
	}
}

// doneUpdate is done for UpdateCorp and UpdateTask: an error that is the
// one their fn returned is the caller's own logic saying no, not a store
// failure.
func (o Observer) doneUpdate(op string, start time.Time, err, fnErr *error) {
	if o == nil {
		return
	}
	e := *err
	if *fnErr != nil && errors.Is(e, *fnErr) {
		e = nil
	}
	o(op, time.Since(start), backendError(e))
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
