// Package testkit holds the small helpers every test package shares: a
// settable clock, a buffer safe for concurrent writers (logs) and a skip
// that leaves a trace. It imports nothing of the gateway's, so any
// package's tests may use it.
package testkit

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// SkipLogEnv names a file every Skip appends a line to. test/all.sh sets
// it, so a run that skipped anything says so at its end instead of
// reporting success: `go test` without -v shows no skips.
const SkipLogEnv = "ESIGNGW_SKIP_LOG"

// Skip skips t for reason, recording "dir test: reason" in the file named
// by $ESIGNGW_SKIP_LOG (dir is the package's directory: go test runs
// there).
func Skip(t testing.TB, reason string) {
	t.Helper()
	if path := os.Getenv(SkipLogEnv); path != "" {
		dir, _ := os.Getwd()
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatalf("testkit: skip log: %v", err)
		}
		// One short write per line: O_APPEND keeps lines from parallel
		// test processes whole.
		_, err = fmt.Fprintf(f, "%s %s: %s\n", dir, t.Name(), reason)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("testkit: skip log: %v", err)
		}
	}
	t.Skip(reason)
}

// Clock is a settable clock, safe for concurrent use. Its Now fits every
// Now func() time.Time option of the gateway's packages.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that reads t until moved.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Buffer collects what many goroutines write (a logger's output).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Reset forgets everything written so far.
func (b *Buffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.b.Reset()
}
