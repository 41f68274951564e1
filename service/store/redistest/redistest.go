// Package redistest runs real redis-server processes on loopback ports for
// tests: a single node (Start) or a Cluster (StartCluster). Without a
// redis-server binary the test is skipped, unless ESIGNGW_REQUIRE_REDIS is
// set, in which case it fails.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"esign-gateway/test/testkit"
)

// startTimeout bounds how long a redis-server may take to answer PING.
const startTimeout = 10 * time.Second

// Server is one redis-server process. It is stopped when the test ends.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	addr string
	args []string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// startAttempts bounds how often a start is retried because another
// process took a probed port before redis-server bound it.
const startAttempts = 5

// errPortTaken is a start that failed because the port was taken.
var errPortTaken = errors.New("port taken before redis-server bound it")

// Start runs a redis-server without persistence on a free loopback port,
// in a temporary directory, and returns once it answers PING. redis-server
// cannot pick its own port (--port 0 turns TCP off), so the port is probed
// first, and the start is retried on another if someone takes it.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, freePorts)
}

// start is Start with the port picker as a parameter.
func start(t testing.TB, pick func(testing.TB, int) []int) *Server {
	t.Helper()
	bin := binary(t)
	for attempt := 1; ; attempt++ {
		s := newServer(t, bin, pick(t, 1)[0], nil)
		err := s.start()
		if err == nil {
			t.Cleanup(s.stop)
			return s
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatalf("redistest: start redis-server: %v", err)
		}
	}
}

func newServer(t testing.TB, bin string, port int, extra []string) *Server {
	dir := t.TempDir()
	p := strconv.Itoa(port)
	args := append([]string{
		"--port", p, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"),
	}, extra...)
	return &Server{t: t, bin: bin, dir: dir, addr: net.JoinHostPort("127.0.0.1", p), args: args}
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Kill stops the server with SIGKILL, as a crash would, and waits for it
// to exit.
func (s *Server) Kill() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart starts the server again on the same port and directory and
// waits until it answers.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart %s: %v", s.addr, err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := waitReady(s.addr, exited, isPong); err != nil {
		_ = cmd.Process.Kill()
		<-exited
		s.cmd = nil
		log := s.log()
		if strings.Contains(log, "Address already in use") {
			return fmt.Errorf("%s: %w", s.addr, errPortTaken)
		}
		return fmt.Errorf("%w; log: %s", err, log)
	}
	return nil
}

func (s *Server) stop() {
	s.Kill()
}

func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// isPong reports whether the node answers PING.
func isPong(ctx context.Context, c *redis.Client) bool {
	return c.Ping(ctx).Err() == nil
}

// waitReady polls addr until ready says yes, the process exits, or
// startTimeout passes.
func waitReady(addr string, exited <-chan struct{}, ready func(context.Context, *redis.Client) bool) error {
	c := redis.NewClient(&redis.Options{
		Addr: addr, DialTimeout: 100 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1,
	})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready(ctx, c) {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on %s exited", addr)
		case <-ctx.Done():
			return fmt.Errorf("redis-server on %s not ready after %v", addr, startTimeout)
		case <-tick.C:
		}
	}
}

// binary finds redis-server or skips (or fails) the test.
func binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin
	}
	if os.Getenv("ESIGNGW_REQUIRE_REDIS") != "" {
		t.Fatalf("redistest: redis-server not found and ESIGNGW_REQUIRE_REDIS is set: %v", err)
	}
	testkit.Skip(t, fmt.Sprintf("redistest: redis-server not found (%v)", err))
	return ""
}

// freePorts reserves n distinct loopback ports and releases them for the
// caller to bind.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("redistest: free port: %v", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}
