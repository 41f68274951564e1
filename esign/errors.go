package esign

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// CodeUndecodable is APIError.Code when e签宝's answer was not the JSON it
// should be (HTML from a proxy, a truncated body, an empty body).
const CodeUndecodable = -1

// snippetLen caps how much of an undecodable body an error carries.
const snippetLen = 200

// ErrBreakerOpen is wrapped by the errors of calls refused without being
// sent because the circuit breaker is open (or half-open and busy).
var ErrBreakerOpen = errors.New("esign: circuit breaker open")

// APIError is any answer from e签宝 that is not a success: a non-zero
// envelope code (business errors come with HTTP 200), a non-2xx status
// (including the gateway's 401 {"success":false,"code":401,"message":...}),
// or a body that could not be decoded (Code is CodeUndecodable and Message
// holds at most 200 bytes of the body). Code is 0 for a JSON error answer
// that carried no code.
type APIError struct {
	HTTPStatus int
	Code       int
	Message    string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("esign: HTTP %d, code %d: %s", e.HTTPStatus, e.Code, e.Message)
}

// Auth reports whether e签宝's gateway rejected the call's credentials
// (HTTP 401: bad signature, app id, timestamp or token).
func (e *APIError) Auth() bool { return e.HTTPStatus == 401 }

// Undecodable reports whether the answer was not the JSON e签宝 promises.
func (e *APIError) Undecodable() bool { return e.Code == CodeUndecodable }

// IsTimeout reports whether err comes from a deadline: the per-attempt
// timeout, the per-call timeout or the caller's own context deadline.
func IsTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// snippet returns at most snippetLen bytes of b as valid UTF-8, so that an
// error can quote a bad body without carrying all of it.
func snippet(b []byte) string {
	if len(b) > snippetLen {
		b = b[:snippetLen]
	}
	// A cut rune or binary garbage would make the error unprintable.
	return strings.ToValidUTF8(string(b), "")
}
