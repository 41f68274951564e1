package esigntest

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAppID  = "7438111111"
	testSecret = "0123456789abcdef0123456789abcdef"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testSigner signs requests exactly as esign-openapi.md §1 describes; it is
// written independently of the emulator's verifier on purpose.
type testSigner struct {
	base, appID, secret string
	now                 func() time.Time
}

// signSpec describes one request; mutate runs after signing to break it.
type signSpec struct {
	method, path string
	query        url.Values
	body         []byte
	date         string
	extra        map[string]string // extra headers listed in Signature-Headers
	mutate       func(h http.Header)
}

func (c testSigner) request(t testing.TB, sp signSpec) *http.Request {
	t.Helper()
	u := c.base + sp.path
	if len(sp.query) > 0 {
		u += "?" + sp.query.Encode()
	}
	var body io.Reader
	if sp.body != nil {
		body = bytes.NewReader(sp.body)
	}
	req, err := http.NewRequest(sp.method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	md5s, ctype := "", "application/json; charset=UTF-8"
	if len(sp.body) > 0 {
		sum := md5.Sum(sp.body)
		md5s = base64.StdEncoding.EncodeToString(sum[:])
		req.Header.Set("Content-MD5", md5s)
	}
	// Path and parameters: keys ASCII-sorted, raw values, empty -> bare key.
	pap := sp.path
	if len(sp.query) > 0 {
		keys := make([]string, 0, len(sp.query))
		for k := range sp.query {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			if v := sp.query[k][0]; v != "" {
				parts = append(parts, k+"="+v)
			} else {
				parts = append(parts, k)
			}
		}
		pap += "?" + strings.Join(parts, "&")
	}
	headers := ""
	if len(sp.extra) > 0 {
		var keys []string
		for k, v := range sp.extra {
			req.Header.Set(k, v)
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var lines []string
		for _, k := range keys {
			lines = append(lines, k+":"+sp.extra[k])
		}
		headers = strings.Join(lines, "\n") + "\n"
		req.Header.Set("X-Tsign-Open-Ca-Signature-Headers", strings.Join(keys, ","))
	}
	if sp.date != "" {
		req.Header.Set("Date", sp.date)
	}
	sts := sp.method + "\n*/*\n" + md5s + "\n" + ctype + "\n" + sp.date + "\n" + headers + pap
	m := hmac.New(sha256.New, []byte(c.secret))
	m.Write([]byte(sts))
	req.Header.Set("X-Tsign-Open-App-Id", c.appID)
	req.Header.Set("X-Tsign-Open-Auth-Mode", "Signature")
	req.Header.Set("X-Tsign-Open-Ca-Timestamp", strconv.FormatInt(c.now().UnixMilli(), 10))
	req.Header.Set("X-Tsign-Open-Ca-Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Content-Type", ctype)
	if sp.mutate != nil {
		sp.mutate(req.Header)
	}
	return req
}

// env is one emulator plus a signing client for a test.
type env struct {
	t     *testing.T
	s     *Server
	clk   *clock
	sig   testSigner
	noRed *http.Client
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	clk := newClock()
	cfg := Config{AppID: testAppID, AppSecret: testSecret, Now: clk.Now, CallbackRetries: []time.Duration{}}
	if mod != nil {
		mod(&cfg)
	}
	s := Start(t, cfg)
	return &env{t: t, s: s, clk: clk, sig: testSigner{base: s.URL(), appID: testAppID, secret: testSecret, now: clk.Now},
		noRed: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type reply struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// send performs a raw request and returns status, headers and body.
func send(t testing.TB, c *http.Client, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// api performs a signed call and decodes the business envelope; data, if
// non-nil, receives the data object.
func (e *env) api(method, path string, q url.Values, body any, data any) reply {
	e.t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			e.t.Fatal(err)
		}
	}
	status, _, b := send(e.t, nil, e.sig.request(e.t, signSpec{method: method, path: path, query: q, body: raw}))
	if status != http.StatusOK {
		e.t.Fatalf("%s %s: status %d body %s", method, path, status, b)
	}
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		e.t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
	if data != nil && r.Code == 0 {
		if err := json.Unmarshal(r.Data, data); err != nil {
			e.t.Fatalf("%s %s data: %v in %s", method, path, err, r.Data)
		}
	}
	return r
}

// ok is api that requires code 0.
func (e *env) ok(method, path string, q url.Values, body any, data any) {
	e.t.Helper()
	if r := e.api(method, path, q, body, data); r.Code != 0 {
		e.t.Fatalf("%s %s: code %d %s", method, path, r.Code, r.Message)
	}
}

// wantCode is api that requires a business failure code.
func (e *env) wantCode(code int, method, path string, q url.Values, body any) reply {
	e.t.Helper()
	r := e.api(method, path, q, body, nil)
	if r.Code != code {
		e.t.Fatalf("%s %s: got code %d (%s), want %d", method, path, r.Code, r.Message, code)
	}
	return r
}

func (e *env) person(third, name string) string {
	e.t.Helper()
	var d struct{ AccountID string }
	e.ok("POST", "/v1/accounts/createByThirdPartyUserId", nil, map[string]string{"thirdPartyUserId": third, "name": name}, &d)
	return d.AccountID
}

func (e *env) org(third, name, creator string) string {
	e.t.Helper()
	var d struct{ OrgID string }
	e.ok("POST", "/v1/organizations/createByThirdPartyUserId", nil,
		map[string]string{"thirdPartyUserId": third, "name": name, "creator": creator}, &d)
	return d.OrgID
}

// samplePDF has two page objects and a Letter-sized MediaBox.
var samplePDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n" +
	"3 0 obj << /Type /Page /MediaBox [0 0 612 792] >> endobj\n" +
	"4 0 obj << /Type /Page /MediaBox [0 0 612 792] >> endobj\n%%EOF\n")

func b64md5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// upload gets an upload URL and PUTs data; it returns the fileId.
func (e *env) upload(name string, data []byte) string {
	e.t.Helper()
	var u struct{ FileID, UploadURL string }
	e.ok("POST", "/v1/files/getUploadUrl", nil, map[string]any{"contentMd5": b64md5(data),
		"contentType": "application/pdf", "convert2Pdf": false, "fileName": name, "fileSize": len(data)}, &u)
	req, _ := http.NewRequest("PUT", u.UploadURL, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Content-MD5", b64md5(data))
	if status, _, b := send(e.t, nil, req); status != 200 {
		e.t.Fatalf("upload: %d %s", status, b)
	}
	return u.FileID
}
