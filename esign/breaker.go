package esign

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"
)

// newBreaker opens after 5 consecutive failed calls (see upstreamFailure;
// a call is all its attempts), stays open for timeout, then lets two probe
// calls through (GetFlowDetail makes two at once): their success closes the
// breaker, a failure reopens it. Business
// errors and 4xx answers prove e签宝 is up and count as successes; calls
// the caller cancelled do not count at all.
func newBreaker(timeout time.Duration, log *slog.Logger) *gobreaker.CircuitBreaker[struct{}] {
	return gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        "esign",
		MaxRequests: 2,
		Timeout:     timeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 5 },
		IsExcluded:  func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn("esign: circuit breaker changed state", "from", from.String(), "to", to.String())
		},
	})
}

// BreakerState is the circuit breaker's state: "closed", "open" or
// "half-open".
func (c *Client) BreakerState() string { return c.breaker.State().String() }

// Down reports whether err says e签宝 could not answer at all: the breaker
// is open, the call timed out, or e签宝 answered 5xx or nothing usable.
// A refusal (a business code, a 4xx) is an answer and is not Down; nor is
// a call its caller cancelled.
func Down(err error) bool {
	if errors.Is(err, ErrBreakerOpen) {
		return true
	}
	return upstreamFailure(err) && !errors.Is(err, context.Canceled)
}
