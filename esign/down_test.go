package esign

import (
	"context"
	"fmt"
	"testing"
)

// TestDown: what lets a read answer from held state (e签宝 gave no usable
// answer) and what does not (e签宝 answered, or the caller left).
func TestDown(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"breaker open", fmt.Errorf("esign: GET /v1/x: %w", ErrBreakerOpen), true},
		{"timeout", fmt.Errorf("attempt: %w", context.DeadlineExceeded), true},
		{"5xx", &APIError{HTTPStatus: 503, Code: 503}, true},
		{"transport", fmt.Errorf("dial tcp: connection refused"), true},
		{"business refusal", &APIError{HTTPStatus: 200, Code: 1435002, Message: "参数错误"}, false},
		{"4xx", &APIError{HTTPStatus: 403, Code: 403}, false},
		{"cancelled by the caller", fmt.Errorf("attempt: %w", context.Canceled), false},
		{"no error", nil, false},
	} {
		if got := Down(tt.err); got != tt.want {
			t.Errorf("%s: Down = %v, want %v", tt.name, got, tt.want)
		}
	}
}
