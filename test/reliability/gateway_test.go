// Package reliability tests the built gateway binary as operators run it
// (serve mode, configured through ESIGNGW_* variables) against the e签宝
// emulator: a kill -9 mid-load and a restart, and the limits of the real
// HTTP server.
package reliability

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"esign-gateway/esign/check"
	"esign-gateway/esign/esigntest"
)

// Identities of the gateway under test.
const (
	suiteKey    = "rel-suite"
	suiteSecret = "rel-suite-secret-0123456789"
	corpID      = "rel-corp"
	esignAppID  = "7438000000rel"
	esignSecret = "rel-esign-secret-0123456789abcdef"
	signingKey  = "k1:rel-signing-key-0123456789abcdef0123"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	binDir    string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds the gateway once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "esigngw-reliability-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "esign-gateway")
		cmd := exec.Command("go", "build", "-o", binPath, "esign-gateway")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// gateway is a running gateway process.
type gateway struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string // host:port it listens on
	base string
	logs *os.File
	done chan struct{}
}

// freeAddr returns a loopback address nobody listened on a moment ago. It
// is only a candidate: start retries with another when the gateway cannot
// bind it because some other process took it in between.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// env is the configuration of a gateway on addr using emu, plus extra.
func env(addr, emuURL string, extra ...string) []string {
	apps := fmt.Sprintf(`[{"key":%q,"secret":%q,"type":"isv_enterprise","corps":[%q]}]`, suiteKey, suiteSecret, corpID)
	out := []string{
		"ESIGNGW_SERVER_ADDR=" + addr, "ESIGNGW_SERVER_PUBLIC_URL=http://" + addr,
		"ESIGNGW_ESIGN_BASE_URL=" + emuURL, "ESIGNGW_ESIGN_APP_ID=" + esignAppID, "ESIGNGW_ESIGN_APP_SECRET=" + esignSecret,
		"ESIGNGW_DINGTALK_APPS=" + apps, "ESIGNGW_DINGTALK_SIGNING_KEYS=" + signingKey,
		"ESIGNGW_DINGTALK_INITIAL_QUOTA=10000", "ESIGNGW_DINGTALK_ALLOW_PRIVATE_URLS=true",
		// No limits: the tests drive one corp far harder than 20 calls and
		// 300 e签宝 calls a second, and with more calls at once than its
		// share of the in-flight caps (the limits have their own tests in api).
		"ESIGNGW_RATELIMIT_DEFAULT=-1", "ESIGNGW_RATELIMIT_UPSTREAM=-1", "ESIGNGW_SERVER_TENANT_SHARE=1", "ESIGNGW_LOG_LEVEL=info",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ESIGNGW_") {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}

// errAddrInUse is the gateway's exit because its port was taken.
var errAddrInUse = errors.New("address already in use")

// readyClient polls /readyz; its timeout keeps a poll from hanging on a
// port some other process holds and never answers.
var readyClient = &http.Client{Timeout: 2 * time.Second}

// start runs the gateway on a free loopback port, configured by env(addr),
// and waits until /readyz answers 200. Its logs are appended to logPath.
// The gateway must know its own address before it starts (it is part of
// its public URL), so the port is picked here; if another process binds it
// first the gateway exits with "address already in use" and start tries
// again on a new port.
func start(t *testing.T, env func(addr string) []string, logPath string) *gateway {
	t.Helper()
	for attempt := 1; ; attempt++ {
		addr := freeAddr(t)
		g, err := startOn(t, addr, env(addr), logPath)
		if err == nil {
			return g
		}
		if !errors.Is(err, errAddrInUse) || attempt == 5 {
			t.Fatal(err)
		}
		t.Logf("port %s was taken before the gateway bound it; trying another", addr)
	}
}

// startOn runs the gateway on addr.
func startOn(t *testing.T, addr string, env []string, logPath string) (*gateway, error) {
	t.Helper()
	logs, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := logs.Seek(0, io.SeekEnd)
	cmd := exec.Command(binary(t), "serve")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, cmd: cmd, addr: addr, base: "http://" + addr, logs: logs, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(g.done) }()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond) // a process cannot tell us it is ready: poll
	defer tick.Stop()
	for {
		res, err := readyClient.Get(g.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				t.Cleanup(g.kill)
				return g, nil
			}
		}
		select {
		case <-g.done:
			logs.Close()
			raw, _ := os.ReadFile(logPath)
			if int(from) <= len(raw) {
				raw = raw[from:]
			}
			if bytes.Contains(raw, []byte(errAddrInUse.Error())) {
				return nil, fmt.Errorf("gateway on %s: %w", addr, errAddrInUse)
			}
			return nil, fmt.Errorf("gateway exited before it was ready: %s", raw)
		default:
		}
		if time.Now().After(deadline) {
			g.kill()
			return nil, fmt.Errorf("gateway not ready within 20s: %v", err)
		}
		<-tick.C
	}
}

// kill sends SIGKILL, as a crash or the OOM killer would.
func (g *gateway) kill() {
	_ = g.cmd.Process.Signal(syscall.SIGKILL)
	<-g.done
	g.logs.Close()
}

// stop sends SIGTERM and waits for a clean exit.
func (g *gateway) stop() {
	g.t.Helper()
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.done:
	case <-time.After(20 * time.Second):
		g.t.Errorf("gateway did not stop within 20s of SIGTERM")
		g.kill()
	}
	g.logs.Close()
}

// call sends a request and decodes a JSON answer.
func call(ctx context.Context, c *http.Client, method, url, token string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m, nil
}

// token gets a corp token the way an ISV does.
func (g *gateway) token() string {
	g.t.Helper()
	st, m, err := call(context.Background(), http.DefaultClient, "POST", g.base+"/v1.0/oauth2/corpAccessToken", "",
		map[string]string{"suiteKey": suiteKey, "suiteSecret": suiteSecret, "authCorpId": corpID, "suiteTicket": "t"})
	if err != nil || st != 200 {
		g.t.Fatalf("corpAccessToken: %d %v %v", st, m, err)
	}
	return m["accessToken"].(string)
}

// upload creates a file through the gateway and PUTs a PDF to e签宝.
func (g *gateway) upload(token string) string {
	g.t.Helper()
	pdf := check.OnePagePDF
	sum := md5.Sum(pdf)
	md := base64.StdEncoding.EncodeToString(sum[:])
	st, m, err := call(context.Background(), http.DefaultClient, "POST", g.base+"/v2.0/esign/files/uploadUrls", token,
		map[string]any{"contentMd5": md, "contentType": "application/pdf", "convert2Pdf": false, "fileName": "a.pdf", "fileSize": len(pdf)})
	if err != nil || st != 200 {
		g.t.Fatalf("uploadUrls: %d %v %v", st, m, err)
	}
	req, _ := http.NewRequest("PUT", m["uploadUrl"].(string), bytes.NewReader(pdf))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Content-MD5", md)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		g.t.Fatalf("upload PUT: %d", res.StatusCode)
	}
	return m["fileId"].(string)
}

// emulator starts the e签宝 emulator on a real loopback listener.
func emulator(t *testing.T) (*esigntest.Server, string) {
	t.Helper()
	emu := esigntest.New(esigntest.Config{AppID: esignAppID, AppSecret: esignSecret})
	u, err := emu.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	return emu, u
}
