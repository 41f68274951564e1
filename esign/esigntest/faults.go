package esigntest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault makes requests whose path starts with PathPrefix (all when empty)
// misbehave. Latency applies first and ends early if the client gives up;
// then Reset, Status or Malformed decide the answer, in that order. A
// latency-only fault lets the request through afterwards.
type Fault struct {
	PathPrefix string
	Latency    time.Duration
	// Status answers with this HTTP status and {"code":Status,"message":"injected"}.
	Status int
	// Reset closes the connection (TCP RST where possible) without a response.
	Reset bool
	// Malformed answers 200 with a truncated JSON envelope.
	Malformed bool
	// Count is how many requests the fault affects; 0 means until ClearFaults.
	Count int
}

// SetFault adds a fault; the earliest added matching fault wins.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns a copy of the fault for r, using up one of its Count.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			continue
		}
		out := *f
		if f.Count > 0 {
			if f.Count--; f.Count == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return out, true
	}
	return Fault{}, false
}

// applyFault reports whether a fault has answered (or abandoned) r.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f, ok := s.takeFault(r)
	if !ok {
		return false
	}
	if !s.delay(r.Context(), f.Latency) {
		return true
	}
	switch {
	case f.Reset:
		resetConn(w)
		return true
	case f.Status != 0:
		writeJSON(w, f.Status, map[string]any{"code": f.Status, "message": "injected"})
		return true
	case f.Malformed:
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"code":0,"data":{`))
		return true
	}
	return false
}

// resetConn drops the connection without writing a response.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: abort the stream instead.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// delay waits d, reporting false if the request or the server ended first
// (so Close never waits out an injected latency).
func (s *Server) delay(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}
