package middleware

import (
	"context"
	"errors"
	"testing"
	"time"
)

// scripted is a limiter that answers err (or allows) and counts its calls.
type scripted struct {
	err   error
	calls int
}

func (s *scripted) Allow(context.Context, string, int) (bool, error) {
	s.calls++
	return s.err == nil, s.err
}

// TestFailover: after the shared limiter fails, calls go to the local one
// alone for failoverCooldown, then the shared one is asked again.
func TestFailover(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	primary, fallback := &scripted{}, &scripted{}
	f := newFailover(RateLimitConfig{Limiter: primary, Fallback: fallback, Now: func() time.Time { return now }})
	failoverCooldown := time.Second
	steps := []struct {
		name          string
		primaryErr    error
		advance       time.Duration
		wantPrimary   int // calls so far
		wantFallback  int
		wantAllowedOK bool
	}{
		{"healthy", nil, 0, 1, 0, true},
		{"store fails: fallback answers", errors.New("down"), 0, 2, 1, true},
		{"within the cooldown the store is not asked", errors.New("down"), failoverCooldown / 2, 2, 2, true},
		{"after it, asked again, still down", errors.New("down"), failoverCooldown, 3, 3, true},
		{"store back after the next cooldown", nil, failoverCooldown, 4, 3, true},
		{"healthy again", nil, 0, 5, 3, true},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		primary.err = s.primaryErr
		ok, err := f.Allow(context.Background(), "k", 5)
		if err != nil || ok != s.wantAllowedOK {
			t.Fatalf("%s: got %v %v, want %v nil", s.name, ok, err, s.wantAllowedOK)
		}
		if primary.calls != s.wantPrimary || fallback.calls != s.wantFallback {
			t.Fatalf("%s: primary asked %d times, fallback %d; want %d and %d", s.name, primary.calls, fallback.calls, s.wantPrimary, s.wantFallback)
		}
	}
	// A caller that went away says nothing about the store.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	primary.err = context.Canceled
	if _, err := f.Allow(ctx, "k", 5); err == nil || f.downUntil.Load() != 0 {
		t.Errorf("cancelled call: got %v, down until %d; want the error and no cooldown", err, f.downUntil.Load())
	}
}
