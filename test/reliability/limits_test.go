package reliability

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// maxHeaderBytes is the gateway's http.Server MaxHeaderBytes (main.go);
// net/http reads up to 4096 bytes beyond it before refusing.
const maxHeaderBytes = 64 << 10

// rawRequest writes req as is on a new connection and returns the status
// line's code, the Content-Type and the body.
func rawRequest(t *testing.T, addr, req string) (int, string, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body)
}

// TestServerLimits runs the built gateway with a 1 KiB body limit and
// sends requests at the edges of the HTTP server's limits. Headers just
// under MaxHeaderBytes reach the router and get a DingTalk answer; beyond
// it Go's net/http answers 431 in plain text before any handler runs (the
// one non-JSON error the gateway can give). An over-long body gets 413 JSON.
func TestServerLimits(t *testing.T) {
	_, emuURL := emulator(t)
	logPath := filepath.Join(t.TempDir(), "gateway.log")
	db := filepath.Join(t.TempDir(), "gw.db")
	g := start(t, func(addr string) []string {
		return env(addr, emuURL, "ESIGNGW_STORE_DRIVER=embedded", "ESIGNGW_STORE_PATH="+db, "ESIGNGW_SERVER_BODY_LIMIT=1024")
	}, logPath)
	addr := g.addr
	tok := g.token()
	get := func(extra string) string {
		return "GET /v2.0/esign/margins HTTP/1.1\r\nHost: " + addr + "\r\nx-acs-dingtalk-access-token: " + tok + "\r\n" + extra + "Connection: close\r\n\r\n"
	}
	filler := func(n int) string { return "X-Filler: " + strings.Repeat("f", n) + "\r\n" }

	if st, ct, body := rawRequest(t, addr, get(filler(maxHeaderBytes-2048))); st != 200 || !strings.HasPrefix(ct, "application/json") {
		t.Errorf("headers just under the limit: got %d %s %.200s, want 200 JSON", st, ct, body)
	}
	if st, _, body := rawRequest(t, addr, get(filler(maxHeaderBytes+8192))); st != 431 {
		t.Errorf("headers over the limit: got %d %.200s, want 431 from net/http", st, body)
	}
	longQuery := "GET /v1.0/esign/flows/detail?taskId=" + strings.Repeat("a", 9000) + " HTTP/1.1\r\nHost: " + addr +
		"\r\nx-acs-dingtalk-access-token: " + tok + "\r\nConnection: close\r\n\r\n"
	st, ct, body := rawRequest(t, addr, longQuery)
	var m map[string]any
	if st != 400 || !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &m) != nil || m["code"] != "invalidRequest.invalidAguemnts" {
		t.Errorf("9 KB query string: got %d %s %.200s, want 400 invalidRequest.invalidAguemnts JSON", st, ct, body)
	}
	big := `{"redirectUrl":"` + strings.Repeat("a", 2048) + `"}`
	post := fmt.Sprintf("POST /v2.0/esign/auths/urls HTTP/1.1\r\nHost: %s\r\nx-acs-dingtalk-access-token: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", addr, tok, len(big), big)
	st, ct, body = rawRequest(t, addr, post)
	if st != 413 || !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &m) != nil || m["code"] != "invalidRequest.bodyTooLarge" {
		t.Errorf("body over server.body_limit: got %d %s %.200s, want 413 invalidRequest.bodyTooLarge JSON", st, ct, body)
	}
	g.stop()
	checkLogs(t, logPath, tok)
}

// TestStartRetriesATakenPort: another process binds the gateway's port
// between start picking it and the gateway binding it; start notices the
// gateway's "address already in use" exit and runs it on another port.
func TestStartRetriesATakenPort(t *testing.T) {
	_, emuURL := emulator(t)
	logPath := filepath.Join(t.TempDir(), "gateway.log")
	db := filepath.Join(t.TempDir(), "gw.db")
	var taken []string
	g := start(t, func(addr string) []string {
		if len(taken) == 0 { // the first candidate is stolen
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
			taken = append(taken, addr)
		}
		return env(addr, emuURL, "ESIGNGW_STORE_DRIVER=embedded", "ESIGNGW_STORE_PATH="+db)
	}, logPath)
	if len(taken) != 1 || g.addr == taken[0] {
		t.Fatalf("gateway on %s, stolen ports %v: want it on another port than the stolen one", g.addr, taken)
	}
	if res, err := http.Get(g.base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz on %s: %v %v", g.addr, res, err)
	}
	g.stop()
}
