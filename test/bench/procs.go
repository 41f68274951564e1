package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CPUs: the process under test gets CPU 1 to itself; the load generator,
// the emulator and Redis share CPU 0.
const (
	cpuLoad = "0"
	cpuSUT  = "1"
)

// canPin reports whether taskset can pin to both CPUs here.
var canPin = sync.OnceValue(func() bool {
	for _, cpu := range []string{cpuLoad, cpuSUT} {
		if exec.Command("taskset", "-c", cpu, "true").Run() != nil {
			return false
		}
	}
	return true
})

// proc is a child process the harness started. It is stopped by its own
// pid only, never by name.
type proc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	log   *tailBuffer
	URL   string // what it announced, if anything
}

// command builds a child on cpu with GOMAXPROCS=1 (if taskset works) and
// env added to the harness's environment. The child dies with the harness.
func command(cpu string, env []string, name string, args ...string) *exec.Cmd {
	if canPin() {
		args = append([]string{"-c", cpu, name}, args...)
		name = "taskset"
	}
	cmd := exec.Command(name, args...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// startRole runs the harness binary itself as a child role and waits for
// the URL it announces.
func startRole(role, cpu string, env ...string) (*proc, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := command(cpu, append(env, roleEnv+"="+role), self)
	p := &proc{name: role, cmd: cmd, log: &tailBuffer{}}
	cmd.Stderr = p.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	type announced struct {
		line string
		err  error
	}
	ch := make(chan announced, 1)
	go func() {
		line, err := bufio.NewReader(out).ReadString('\n')
		ch <- announced{line, err}
	}()
	var line string
	select {
	case a := <-ch:
		line, err = a.line, a.err
	case <-time.After(30 * time.Second):
		err = errors.New("no announcement within 30s")
	}
	if !strings.HasPrefix(line, listenPrefix) {
		p.stop()
		return nil, fmt.Errorf("%s did not start: %v %s", role, err, p.log)
	}
	p.URL = strings.TrimSpace(strings.TrimPrefix(line, listenPrefix))
	return p, nil
}

// startProc runs an external program (the gateway, redis-server).
func startProc(name, cpu string, env []string, bin string, args ...string) (*proc, error) {
	cmd := command(cpu, env, bin, args...)
	p := &proc{name: name, cmd: cmd, log: &tailBuffer{}}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	return p, cmd.Start()
}

// pid is the child's pid (taskset execs the program, so it is the same).
func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop asks the child to end (stdin closed, SIGTERM) and kills it if it
// has not within 5s.
func (p *proc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	if p.stdin != nil {
		p.stdin.Close()
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the child's peak resident set (VmHWM) in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times; 100 on every
// Linux the harness targets.
const clockTick = 10 * time.Millisecond

// cpuTime is the user+system CPU time the process has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * clockTick
}

// freePort returns a loopback address that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tailBuffer keeps the last 8 KiB a child wrote, for error messages.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if n := len(t.b); n > 8<<10 {
		t.b = append(t.b[:0], t.b[n-8<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
