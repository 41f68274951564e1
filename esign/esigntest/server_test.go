package esigntest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestListen(t *testing.T) {
	s := New(Config{})
	defer s.Close()
	base, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if base != s.URL() || !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, "/") {
		t.Errorf("got %q, URL() %q", base, s.URL())
	}
	if status, _, _ := send(t, nil, mustGet(t, base+"/v1/accounts/x")); status != http.StatusUnauthorized {
		t.Errorf("got %d, want 401", status)
	}
	s.Close()
	s.Close() // idempotent
}

// TestBareHandler mounts the handler elsewhere; links then follow the Host.
func TestBareHandler(t *testing.T) {
	clk := newClock()
	s := New(Config{AppID: testAppID, AppSecret: testSecret, Now: clk.Now})
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	e := &env{t: t, s: s, clk: clk, sig: testSigner{base: ts.URL, appID: testAppID, secret: testSecret, now: clk.Now}}
	var u struct{ UploadURL string }
	e.ok("POST", "/v1/files/getUploadUrl", nil, map[string]any{"contentMd5": b64md5(samplePDF), "contentType": "application/pdf",
		"convert2Pdf": true, "fileName": "a.docx", "fileSize": len(samplePDF)}, &u)
	if !strings.HasPrefix(u.UploadURL, ts.URL+"/oss/upload/") {
		t.Errorf("got %q, want it on %s", u.UploadURL, ts.URL)
	}
}
