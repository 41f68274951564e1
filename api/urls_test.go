package api_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
	"esign-gateway/service"
)

// urlCarrier is one way a client hands the gateway a URL.
type urlCarrier struct {
	name         string
	method, path string
	body         func(u string) map[string]any // nil: the URL goes in the query
	query        string
}

func urlCarriers(file string) []urlCarrier {
	files := []map[string]any{{"fileId": file, "fileName": "a.pdf", "fileType": 1}}
	parts := []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}
	return []urlCarrier{
		{name: "CreateDevelopers noticeUrl", method: "POST", path: "/v2.0/esign/developers", body: func(u string) map[string]any { return map[string]any{"noticeUrl": u} }},
		{name: "CreateDevelopers redirectUrl", method: "POST", path: "/v2.0/esign/developers", body: func(u string) map[string]any { return map[string]any{"redirectUrl": u} }},
		{name: "v1 CreateDeveloper noticeUrl", method: "GET", path: "/v1.0/esign/developers/create", query: "noticeUrl"},
		{name: "v1 CreateDeveloper redirectUrl", method: "GET", path: "/v1.0/esign/developers/create", query: "redirectUrl"},
		{name: "GetAuthUrl", method: "POST", path: "/v2.0/esign/auths/urls", body: func(u string) map[string]any { return map[string]any{"redirectUrl": u} }},
		{name: "v1 AuthUrl", method: "POST", path: "/v1.0/esign/auths/url", body: func(u string) map[string]any { return map[string]any{"redirectUrl": u} }},
		{name: "CorpRealname", method: "POST", path: "/v2.0/esign/corps/realnames", body: func(u string) map[string]any { return map[string]any{"userId": "u1", "redirectUrl": u} }},
		{name: "UsersRealname", method: "POST", path: "/v2.0/esign/users/realnames", body: func(u string) map[string]any { return map[string]any{"userId": "u2", "redirectUrl": u} }},
		{name: "ProcessStart", method: "POST", path: "/v2.0/esign/processes/startUrls", body: func(u string) map[string]any {
			return map[string]any{"initiatorUserId": "u1", "files": files, "participants": parts, "redirectUrl": u}
		}},
		{name: "CreateProcess", method: "POST", path: "/v2.0/esign/process/startAtOnce", body: func(u string) map[string]any {
			return map[string]any{"taskName": "t", "initiatorUserId": "u1", "files": files, "participants": parts, "redirectUrl": u}
		}},
	}
}

// TestClientURLs: noticeUrl and redirectUrl accept public http(s) only:
// other schemes, loopback, link-local, private and over-long URLs are
// refused with 400 on every action that takes one.
func TestClientURLs(t *testing.T) {
	g := apitest.New(t, apitest.Options{Service: func(c *service.Config) { c.AllowPrivateURLs = false }})
	tok := g.Token(apitest.CorpA)
	file := g.Upload(tok, "a.pdf", apitest.PDF)
	bad := []string{
		"javascript:alert(document.cookie)",
		"file:///etc/passwd",
		"ftp://isv.example.com/x",
		"data:text/html,<script>alert(1)</script>",
		"//isv.example.com/no-scheme",
		"http://127.0.0.1/cb",
		"http://127.1.2.3:8080/cb",
		"http://[::1]/cb",
		"http://[::ffff:127.0.0.1]/cb",
		"http://0.0.0.0/cb",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/cb",
		"http://10.0.0.1/cb",
		"http://172.16.0.1/cb",
		"http://192.168.1.1/cb",
		"http://100.64.0.1/cb",
		"http://[64:ff9b::7f00:1]/cb",    // NAT64 of 127.0.0.1
		"http://[64:ff9b::a9fe:a9fe]/cb", // NAT64 of 169.254.169.254
		"http://[64:ff9b:1::a00:1]/cb",   // local-use NAT64
		"http://[::7f00:1]/cb",           // IPv4-compatible 127.0.0.1
		"http://[2002:a00:1::1]/cb",      // 6to4 of 10.0.0.1
		"http://localhost/cb",
		"http://LOCALHOST:8080/cb",
		"http://api.localhost/cb",
		"http://user:pass@isv.example.com/cb",
		"https://isv.example.com/" + strings.Repeat("a", 1100),
	}
	for _, c := range urlCarriers(file) {
		t.Run(c.name, func(t *testing.T) {
			for _, u := range bad {
				res := send(g, c, tok, u)
				if res.Status != 400 {
					t.Errorf("%.60s: got %d %s, want 400", u, res.Status, res.Raw)
					continue
				}
				checkError(t, res, paramCode(c.path))
			}
			if res := send(g, c, tok, "https://isv.example.com/back?x=1"); res.Status != 200 {
				t.Errorf("a public https URL: got %d %s, want 200", res.Status, res.Raw)
			}
		})
	}
}

func send(g *apitest.Gateway, c urlCarrier, tok, u string) *apitest.Response {
	if c.body == nil {
		return g.Do(c.method, c.path+"?"+c.query+"="+url.QueryEscape(u), tok, nil)
	}
	return g.Do(c.method, c.path, tok, c.body(u))
}

// TestPublicOnlyDialer: the outbox's dialer checks the address a hostname
// resolves to, so a noticeUrl host that resolves to loopback (DNS
// rebinding, or plain localhost) is refused when an event is delivered.
func TestPublicOnlyDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, host := range []string{"localhost", "127.0.0.1", "[::ffff:127.0.0.1]"} {
		addr := host + ":" + port
		if c, err := service.PublicOnlyDialer(false).DialContext(ctx, "tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s: connected, want the dialer to refuse a loopback address", addr)
		} else if !strings.Contains(err.Error(), "address not allowed") {
			t.Errorf("%s: got %v, want address not allowed", addr, err)
		}
	}
	c, err := service.PublicOnlyDialer(true).DialContext(ctx, "tcp", "localhost:"+port)
	if err != nil {
		t.Fatalf("with private addresses allowed: %v", err)
	}
	c.Close()
}
