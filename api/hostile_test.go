package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/test/testkit"
)

const hostileBodyLimit = 64 << 10

// hostileCase is one kind of malformed request. want is the status the
// routes that decode a JSON body must answer (0: whatever the values
// mean to the action); every route must answer without a 5xx and with a
// DingTalk-shaped body.
type hostileCase struct {
	name        string
	body        []byte
	contentType string
	query       string
	header      [2]string
	chunked     bool // the length is not declared up front
	want        int  // for routes that decode a body
	wantAll     int  // for every route (0: not checked beyond the shape)
	// wantOpen, if set, replaces want on the token endpoints, which take
	// no token and refuse a body by its declared length (4 KiB, declared).
	wantOpen int
}

func hostileCases() []hostileCase {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	return []hostileCase{
		{name: "oversized body", body: []byte(`{"x":"` + strings.Repeat("a", hostileBodyLimit) + `"}`), contentType: "application/json", want: 413, wantAll: 413},
		{name: "oversized body, no length", body: []byte(`{"x":"` + strings.Repeat("a", hostileBodyLimit) + `"}`), contentType: "application/json", chunked: true, want: 413},
		{name: "text/plain with a body", body: []byte(`{"taskId":"x"}`), contentType: "text/plain", want: 400},
		{name: "form content type", body: []byte(`taskId=x`), contentType: "application/x-www-form-urlencoded", want: 400},
		{name: "no content type with a body", body: []byte(`{"taskId":"x"}`), want: 400},
		{name: "bad content type", body: []byte(`{"taskId":"x"}`), contentType: "application/json; charset", want: 400},
		{name: "invalid JSON", body: []byte(`{"taskId":`), contentType: "application/json", want: 400},
		{name: "trailing garbage", body: []byte(`{"taskId":"x"} {"taskId":"y"}`), contentType: "application/json", want: 400},
		{name: "JSON array, not an object", body: []byte(`[1,2,3]`), contentType: "application/json", want: 400},
		{name: "JSON string, not an object", body: []byte(`"hello"`), contentType: "application/json", want: 400},
		{name: "nesting beyond the decoder's depth", body: []byte(`{"a":` + deep + `}`), contentType: "application/json", want: 400, wantOpen: 413},
		{name: "invalid UTF-8", body: []byte("{\"taskName\":\"\xff\xfe\xc0\xaf\"}"), contentType: "application/json", want: 400},
		{name: "raw control characters", body: []byte("{\"taskId\":\"a\x01\x02b\"}"), contentType: "application/json", want: 400},
		{name: "escaped NUL and control characters", body: []byte(`{"taskId":"a\u0000b","userId":"\u0001\u001f","redirectUrl":"https://x.example.com/\u0000","noticeUrl":"\u0007"}`), contentType: "application/json"},
		{name: "ids with ../", body: []byte(`{"taskId":"../../etc/passwd","userId":"../admin","fileId":"..%2F.."}`), contentType: "application/json", query: "taskId=../../etc/passwd"},
		{name: "ids with %00", query: "taskId=tk%00x&instanceId=%00"},
		{name: "very long query string", query: "taskId=" + strings.Repeat("a", 9000)},
		{name: "many query parameters", query: strings.Repeat("a=1&", 3000) + "taskId=x"},
		{name: "malformed query escapes", query: "taskId=%zz%&=&&=="},
		{name: "long header value", header: [2]string{"X-Filler", strings.Repeat("h", 60<<10)}},
		{name: "long request id", header: [2]string{"x-acs-request-id", strings.Repeat("r", 8<<10)}},
		{name: "long access token", header: [2]string{"x-acs-dingtalk-access-token", strings.Repeat("t", 16<<10)}},
	}
}

// TestHostileRequests sends every malformed request kind to every route:
// the answer is a DingTalk-shaped 4xx (or a 2xx where the route ignores the
// part that is malformed), never a 5xx, never a panic.
func TestHostileRequests(t *testing.T) {
	logs := &testkit.Buffer{}
	g := apitest.New(t, apitest.Options{Log: logs, NoOutbox: true, Router: func(d *api.Config) { d.BodyLimit = hostileBodyLimit }})
	tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
	file := g.Upload(tokA, "a.pdf", apitest.PDF)
	task := g.CreateFlow(tokA, nil)
	tgs := targets(t, g, tokA, tokB, file, task)
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			for _, tg := range tgs {
				where := tg.method + " " + tg.template
				req := tg.request(c.body, c.contentType, c.query)
				if c.chunked {
					req.ContentLength = -1
					req.Body = io.NopCloser(req.Body)
				}
				if c.header[0] != "" {
					req.Header.Set(c.header[0], c.header[1])
				}
				res := g.Serve(req)
				checkShaped(t, where, tg, res)
				want := c.want
				if c.wantOpen != 0 && strings.HasPrefix(tg.template, "/v1.0/oauth2/") {
					want = c.wantOpen
				}
				switch {
				case c.wantAll != 0 && res.Status != c.wantAll:
					t.Errorf("%s: got %d %.300s, want %d", where, res.Status, res.Raw, c.wantAll)
				case tg.binds && want != 0 && res.Status != want:
					t.Errorf("%s: got %d %.300s, want %d", where, res.Status, res.Raw, want)
				}
			}
		})
	}
	t.Run("wrong JSON types and huge numbers", func(t *testing.T) {
		n := 0
		defer func() {
			if n < 150 {
				t.Errorf("only %d mutated bodies sent", n)
			}
		}()
		for _, tg := range tgs {
			if tg.base == nil {
				continue
			}
			for _, m := range mutations(tg.base) {
				n++
				raw, _ := json.Marshal(m.body)
				if m.raw != "" {
					raw = []byte(m.raw)
				}
				where := fmt.Sprintf("%s %s: %s", tg.method, tg.template, m.name)
				res := g.Serve(tg.request(raw, "application/json", ""))
				checkShaped(t, where, tg, res)
				if want := paramCode(tg.template); res.Status != 400 || res.JSON["code"] != want {
					t.Errorf("%s: got %d %.300s, want 400 %s", where, res.Status, res.Raw, want)
					continue
				}
				if msg, _ := res.JSON["message"].(string); !strings.Contains(msg, m.field) {
					t.Errorf("%s: message %q does not name %s", where, msg, m.field)
				}
			}
		}
	})
	checkNoSecrets(t, logs.String(), tokA, tokB)
}

// mutation is a base body with one field of the wrong JSON type.
type mutation struct {
	name, field string
	body        map[string]any
	raw         string // sent instead of body when set (numbers JSON cannot hold in a float64)
}

// mutations returns, for each top-level field of base, the body with that
// field of the wrong type (a number for a string, a string for a number or
// a bool, an object for an array, an array for an object), with the first
// element of an array of objects broken likewise, and with numbers too big
// for the field.
func mutations(base map[string]any) []mutation {
	keys := make([]string, 0, len(base))
	for k := range base {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []mutation
	with := func(k string, v any) map[string]any {
		m := make(map[string]any, len(base))
		for kk, vv := range base {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for _, k := range keys {
		switch v := base[k].(type) {
		case string:
			out = append(out, mutation{name: "number for string " + k, field: k, body: with(k, 12345)})
			out = append(out, mutation{name: "object for string " + k, field: k, body: with(k, map[string]any{"a": 1})})
		case int, float64:
			out = append(out, mutation{name: "string for number " + k, field: k, body: with(k, "12345")})
			for _, huge := range []string{"1e400", "99999999999999999999", "-99999999999999999999", "1.5"} {
				b, _ := json.Marshal(with(k, "HUGE"))
				out = append(out, mutation{name: huge + " for " + k, field: k, raw: strings.Replace(string(b), `"HUGE"`, huge, 1)})
			}
		case bool:
			out = append(out, mutation{name: "string for bool " + k, field: k, body: with(k, "true")})
		case []map[string]any:
			out = append(out, mutation{name: "object for array " + k, field: k, body: with(k, map[string]any{"0": v[0]})})
			out = append(out, mutation{name: "string for array " + k, field: k, body: with(k, "x")})
			elem := map[string]any{}
			field := ""
			for ek, ev := range v[0] {
				elem[ek] = ev
				if _, isStr := ev.(string); isStr && (field == "" || ek < field) {
					field = ek
				}
			}
			if field != "" {
				elem[field] = 7
				out = append(out, mutation{name: "number for string " + k + "[0]." + field, field: k + "." + field, body: with(k, []map[string]any{elem})})
			}
		case map[string]any:
			out = append(out, mutation{name: "array for object " + k, field: k, body: with(k, []any{1})})
		}
	}
	return out
}

// TestHostileQueryEscapes checks ids that arrive percent-encoded in the
// path: dot segments and NUL never reach the store as ids; and paths with a
// trailing slash.
func TestHostileQueryEscapes(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	for _, p := range []string{"/v2.0/esign/flowTasks/", "/v2.0/esign/files/", "/v2.0/esign/users/", "/v2.0/esign/signTasks/", "/v2.0/esign/approvals/"} {
		for _, id := range []string{"..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%00", "..", "a%2Fb", strings.Repeat("x", 65), url.PathEscape("<script>")} {
			res := g.Do("GET", p+id, tok, nil)
			checkShaped(t, p+id, target{}, res)
			if res.Status < 400 {
				t.Errorf("%s%s: got %d %.300s, want a 4xx", p, id, res.Status, res.Raw)
			}
		}
	}
	// A trailing slash is another route: 404 JSON, not a redirect.
	for _, c := range []struct{ method, path string }{{"GET", "/v2.0/esign/margins/"}, {"GET", "/v2.0/esign/flowTasks/x/"}, {"POST", "/v2.0/esign/auths/urls/"}} {
		res := g.Do(c.method, c.path, tok, nil)
		if res.Status != 404 {
			t.Errorf("%s %s: got %d %.300s, want 404", c.method, c.path, res.Status, res.Raw)
			continue
		}
		checkError(t, res, "InvalidAction.NotFound")
	}
}
