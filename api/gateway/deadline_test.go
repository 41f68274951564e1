package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
)

// TestSlowBodyCutOff: serve with server.read_timeout 300ms. A client that
// sends the headers and part of a body, then nothing, gets a 400 JSON
// answer once the deadline passes and the connection closes: on the
// e签宝 callback (no token) and on CreateProcess (token). Without a
// whole-request deadline the connection would wait for ever; the test's
// own guard (20 s) only stops a hang.
func TestSlowBodyCutOff(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{AppID: "7438000000slow", AppSecret: "slow-test-esign-secret"})
	var cfg Config
	cfg.Server.Addr = "127.0.0.1:0"
	cfg.Server.ReadTimeout = 300 * time.Millisecond
	cfg.Store.Path = filepath.Join(t.TempDir(), "gw.db")
	cfg.Esign.BaseURL, cfg.Esign.AppID, cfg.Esign.AppSecret = emu.URL(), "7438000000slow", "slow-test-esign-secret"
	cfg.Dingtalk.Apps = []service.App{{Key: "suite", Secret: "suite-secret", Type: service.AppISVEnterprise, Corps: []string{"corp1"}}}
	ctx, cancel := context.WithCancel(context.Background())
	g, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := g.Listen()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln, nil); g.Close() }()
	t.Cleanup(func() { cancel(); <-done })
	tok, err := g.Services.Tokens.Mint(ctx, "suite", "corp1")
	if err != nil {
		t.Fatal(err)
	}
	_, create := api.Route("CreateProcess", "esign_2.0")
	for _, tt := range []struct{ name, path, token string }{
		{"callback", g.Services.Callbacks.Path(), ""},
		{"CreateProcess", create, tok.AccessToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(20 * time.Second)) // hang guard only
			head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n%s: %s\r\nContent-Length: 1000\r\n\r\n{\"taskName\":",
				tt.path, service.TokenHeader, tt.token)
			if _, err := io.WriteString(c, head); err != nil {
				t.Fatal(err)
			}
			answered := make(chan *http.Response, 1)
			go func() {
				res, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err != nil {
					t.Errorf("no answer: %v", err)
				}
				answered <- res
			}()
			res := <-answered
			if res == nil {
				return
			}
			var body map[string]any
			_ = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if res.StatusCode != 400 || body["code"] == nil || body["requestid"] == nil {
				t.Errorf("got %d %v, want 400 JSON", res.StatusCode, body)
			}
			if m, _ := body["message"].(string); !strings.Contains(m, "读取时限") {
				t.Errorf("message %q does not name the read deadline", m)
			}
			if _, err := c.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("after the answer: %v, want the connection closed (EOF)", err)
			}
		})
	}
}
