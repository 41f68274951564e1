package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// TestOpenAPIMatchesAnswers runs every action of TestActions' table and
// checks the real requests and answers against the document: the request
// body fits the documented schema, the 200 body fits the documented answer
// with no undocumented field, and each error's status and code are among
// those documented for the route, with the documented message.
func TestOpenAPIMatchesAnswers(t *testing.T) {
	s := newScenario(t, "bolt")
	d, _ := fetchDoc(t, s.g)
	for _, a := range actionTable(s) {
		t.Run(a.name, func(t *testing.T) {
			version, name, _ := strings.Cut(a.name, " ")
			method, _ := api.Route(name, version)
			path := apitest.Path(name, version, a.params...)
			op, ok := d.operation(method, path)
			if !ok {
				t.Fatalf("%s %s is not documented", method, path)
			}
			self := call{params: a.params, query: a.query, body: a.body}
			checkRequest(t, d, op, a.body)
			res := a.do(s.g, s.tokA, self)
			checkAnswer(t, d, op, res, 200)
			if a.name == "esign_1.0 CorpConsole" {
				checkConsoleHeader(t, op, res)
			}
			if a.missing != nil {
				c := *a.missing
				if c.params == nil {
					c.params = a.params
				}
				checkAnswer(t, d, op, a.do(s.g, s.tokA, c), 400)
			}
			if a.foreign != nil {
				checkAnswer(t, d, op, a.do(s.g, s.tokB, *a.foreign), 400)
			}
			checkAnswer(t, d, op, a.do(s.g, "bad-token", self), 400)
			checkAnswer(t, d, op, a.do(s.g, "", self), 400)
		})
	}
	// Not in the table: cancelling revokes the token, so corp B does it last.
	for _, version := range []string{"esign_2.0", "esign_1.0"} {
		method, path := api.Route("CancelCorpAuth", version)
		op, ok := d.operation(method, path)
		if !ok {
			t.Fatalf("%s %s is not documented", method, path)
		}
		checkAnswer(t, d, op, s.g.Do(method, path, s.g.Token(apitest.CorpB), nil), 200)
	}
	for _, c := range []struct {
		action string
		body   map[string]any
		status int
	}{
		{"GetCorpAccessToken", map[string]any{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "authCorpId": apitest.CorpA, "suiteTicket": "t"}, 200},
		{"GetCorpAccessToken", map[string]any{"suiteKey": apitest.SuiteKey, "suiteSecret": "wrong", "authCorpId": apitest.CorpA, "suiteTicket": "t"}, 400},
		{"GetAccessToken", map[string]any{"appKey": apitest.InternalKey, "appSecret": apitest.AppSecret}, 200},
		{"GetSuiteAccessToken", map[string]any{"suiteKey": apitest.SuiteKey, "suiteSecret": apitest.SuiteSecret, "suiteTicket": "t"}, 200},
	} {
		method, path := api.Route(c.action, "oauth2_1.0")
		op, _ := d.operation(method, path)
		checkRequest(t, d, op, c.body)
		checkAnswer(t, d, op, s.g.Do(method, path, "", c.body), c.status)
	}
	for _, path := range []string{"/livez", "/readyz", "/healthz", "/explorer/config.json"} {
		op, _ := d.operation("GET", path)
		checkAnswer(t, d, op, s.g.Do("GET", path, "", nil), 200)
	}
}

func checkRequest(t *testing.T, d oaDoc, op map[string]any, body any) {
	t.Helper()
	if body == nil {
		return
	}
	rb, ok := op["requestBody"].(map[string]any)
	if !ok {
		t.Errorf("%s sends a body the document does not describe", op["operationId"])
		return
	}
	raw, _ := json.Marshal(body)
	var v any
	_ = json.Unmarshal(raw, &v)
	schema := rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	for _, e := range d.check(schema, v, "request", true) {
		t.Errorf("%s: %s", op["operationId"], e)
	}
}

// checkAnswer checks a response with the wanted status against op.
func checkAnswer(t *testing.T, d oaDoc, op map[string]any, res *apitest.Response, status int) {
	t.Helper()
	id := op["operationId"]
	if res.Status != status {
		t.Errorf("%s: status %d %s, want %d", id, res.Status, res.Raw, status)
		return
	}
	var body any
	if err := json.Unmarshal(res.Raw, &body); err != nil {
		t.Errorf("%s: body is not JSON: %s", id, res.Raw)
		return
	}
	key := itoa(status)
	schema, ok := responseSchema(op, key)
	if !ok {
		t.Errorf("%s: no JSON response documented for %d", id, status)
		return
	}
	for _, e := range d.check(schema, body, "response", true) {
		t.Errorf("%s: %d: %s", id, status, e)
	}
	if status < 400 {
		return
	}
	code, _ := body.(map[string]any)["code"].(string)
	documented := op["responses"].(map[string]any)[key].(map[string]any)
	if !containsValue(toAny(asStrings(documented["x-dingtalk-error-codes"])), code) {
		t.Errorf("%s: answered %d %s, not documented for the route (%v)", id, status, code, documented["x-dingtalk-error-codes"])
		return
	}
	exampleRef := documented["content"].(map[string]any)["application/json"].(map[string]any)["examples"].(map[string]any)[code].(map[string]any)
	example := d.resolve(exampleRef)["value"].(map[string]any)
	msg, _ := body.(map[string]any)["message"].(string)
	if tmpl, _ := example["message"].(string); code != "InvalidAuthentication" && !fitsTemplate(msg, tmpl) {
		t.Errorf("%s: %s message %q, documented %q", id, code, msg, tmpl)
	}
}

func checkConsoleHeader(t *testing.T, op map[string]any, res *apitest.Response) {
	t.Helper()
	if res.Header.Get("x-esign-org-console-url") == "" {
		t.Error("v1 CorpConsole: no x-esign-org-console-url header")
	}
	headers := op["responses"].(map[string]any)["200"].(map[string]any)["headers"].(map[string]any)
	if _, ok := headers["x-esign-org-console-url"]; !ok {
		t.Error("v1 CorpConsole: x-esign-org-console-url header not documented")
	}
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// fitsTemplate reports whether msg is tmpl with its "%s" filled in.
func fitsTemplate(msg, tmpl string) bool {
	before, after, ok := strings.Cut(tmpl, "%s")
	if !ok {
		return msg == tmpl
	}
	return len(msg) >= len(before)+len(after) && strings.HasPrefix(msg, before) && strings.HasSuffix(msg, after)
}
