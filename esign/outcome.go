package esign

import (
	"context"
	"errors"
)

// Outcomes of a call, as reported to Config.Observe.
const (
	outcomeOK        = "ok"
	outcomeBusiness  = "business_error"
	outcomeAuth      = "auth_error"
	outcomeHTTP      = "http_error"
	outcomeTimeout   = "timeout"
	outcomeTransport = "transport_error"
	outcomeDecode    = "decode_error"
	outcomeBreaker   = "breaker_open"
)

// outcome names what a call's error says happened.
func outcome(err error) string {
	var ae *APIError
	switch {
	case err == nil:
		return outcomeOK
	case errors.Is(err, ErrBreakerOpen):
		return outcomeBreaker
	case errors.As(err, &ae):
		switch {
		case ae.Auth():
			return outcomeAuth
		case ae.HTTPStatus < 200 || ae.HTTPStatus > 299:
			return outcomeHTTP
		case ae.Undecodable():
			return outcomeDecode
		}
		return outcomeBusiness
	case IsTimeout(err):
		return outcomeTimeout
	}
	return outcomeTransport
}

// upstreamFailure reports whether err says e签宝 itself is unwell: 5xx,
// timeouts, transport and decode errors, which the circuit breaker counts.
func upstreamFailure(err error) bool {
	switch outcome(err) {
	case outcomeTimeout, outcomeTransport, outcomeDecode:
		// A cancelled call lands here too; the breaker excludes it.
		return true
	case outcomeHTTP:
		var ae *APIError
		errors.As(err, &ae)
		return ae.HTTPStatus >= 500
	}
	return false
}

// retryable reports whether a GET that failed with err may be sent again:
// transport errors, attempt timeouts, 429 and 5xx. Business errors and other
// 4xx would only fail again.
func retryable(err error) bool {
	switch outcome(err) {
	case outcomeTimeout, outcomeTransport:
		return !errors.Is(err, context.Canceled)
	case outcomeHTTP:
		var ae *APIError
		errors.As(err, &ae)
		return ae.HTTPStatus == 429 || ae.HTTPStatus >= 500
	}
	return false
}
