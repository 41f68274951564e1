package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// A caller's trace context (W3C traceparent): trace, parent span, sampled.
const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

// tracedGateway starts a gateway whose spans go to an in-memory exporter,
// as each ends, and whose logs go to logs.
func tracedGateway(t *testing.T, storeKind string, logs *testkit.Buffer) (*apitest.Gateway, *tracetest.InMemoryExporter) {
	exp := tracetest.NewInMemoryExporter()
	g := apitest.New(t, apitest.Options{Store: storeKind, Log: logs, Config: func(c *gateway.Config) { c.Hooks.Traces = exp }})
	return g, exp
}

// sendTraced serves one action call with the caller's traceparent, if any.
func sendTraced(g *apitest.Gateway, method, path, token, traceparent string, body string) *apitest.Response {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(service.TokenHeader, token)
	if traceparent != "" {
		req.Header.Set("traceparent", traceparent)
	}
	return g.Serve(req)
}

// span is one recorded span with its children in start order.
type span struct {
	tracetest.SpanStub
	kids []*span
}

func (s *span) attr(key string) attribute.Value {
	for _, a := range s.Attributes {
		if string(a.Key) == key {
			return a.Value
		}
	}
	return attribute.Value{}
}

func (s *span) kidNames() []string {
	var out []string
	for _, k := range s.kids {
		out = append(out, k.Name)
	}
	return out
}

// tree links spans into their tree, checking there is exactly one root,
// every span is in the root's trace, and every other span's parent was
// recorded.
func tree(t *testing.T, stubs tracetest.SpanStubs) *span {
	t.Helper()
	byID := map[trace.SpanID]*span{}
	for _, s := range stubs {
		byID[s.SpanContext.SpanID()] = &span{SpanStub: s}
	}
	var root *span
	for _, s := range stubs { // exported in end order; children end first
		n := byID[s.SpanContext.SpanID()]
		parent, ok := byID[s.Parent.SpanID()]
		switch {
		case ok:
			parent.kids = append(parent.kids, n)
		case root != nil:
			t.Fatalf("two roots: %q and %q", root.Name, s.Name)
		default:
			root = n
		}
	}
	if root == nil {
		t.Fatal("no spans recorded")
	}
	for _, n := range byID {
		if n.SpanContext.TraceID() != root.SpanContext.TraceID() {
			t.Errorf("span %q is in trace %s, not the root's %s", n.Name, n.SpanContext.TraceID(), root.SpanContext.TraceID())
		}
		slices.SortFunc(n.kids, func(a, b *span) int { return a.StartTime.Compare(b.StartTime) })
	}
	return root
}

// checkChildren checks the server span's children: each a store call
// ("store <op>", no children) or an e签宝 call ("esign <op>") whose children
// are its attempts, numbered from 1; want must appear among them in order.
func checkChildren(t *testing.T, root *span, storeKind string, want ...string) {
	t.Helper()
	names := root.kidNames()
	// Each want is a name, or names joined by "|" for spans started at the
	// same time (in any order among themselves), after the previous ones.
	from, ok := 0, true
	for _, w := range want {
		next := from
		for _, name := range strings.Split(w, "|") {
			at := slices.Index(names[from:], name)
			if at < 0 {
				ok = false
				break
			}
			next = max(next, from+at+1)
		}
		from = next
	}
	if !ok {
		t.Errorf("children of %q: %q, want %q among them in this order", root.Name, names, want)
	}
	for _, k := range root.kids {
		switch op, _ := strings.CutPrefix(k.Name, "store "); {
		case op != k.Name:
			if k.attr("store.operation").AsString() != op || k.attr("store.kind").AsString() != storeKind || len(k.kids) > 0 {
				t.Errorf("store span %q: attributes %v, %d children", k.Name, k.Attributes, len(k.kids))
			}
		case strings.HasPrefix(k.Name, "esign "):
			op := strings.TrimPrefix(k.Name, "esign ")
			if k.attr("esign.operation").AsString() != op || k.attr("esign.outcome").AsString() == "" {
				t.Errorf("e签宝 span %q: attributes %v", k.Name, k.Attributes)
			}
			if len(k.kids) == 0 {
				t.Errorf("e签宝 span %q has no attempt", k.Name)
			}
			for n, a := range k.kids {
				if a.Name != k.Name+" attempt" || a.SpanKind != trace.SpanKindClient || a.attr("esign.attempt").AsInt64() != int64(n+1) {
					t.Errorf("attempt %d of %q: %q kind %v attributes %v", n+1, k.Name, a.Name, a.SpanKind, a.Attributes)
				}
			}
		default:
			t.Errorf("unexpected child %q of %q", k.Name, root.Name)
		}
	}
}

// child returns root's first child named name.
func child(t *testing.T, root *span, name string) *span {
	t.Helper()
	for _, k := range root.kids {
		if k.Name == name {
			return k
		}
	}
	t.Fatalf("no span %q under %q (children %q)", name, root.Name, root.kidNames())
	return nil
}

// checkAttempt checks one attempt's HTTP status, e签宝 code and status.
func checkAttempt(t *testing.T, a *span, status, code int64, failed bool) {
	t.Helper()
	if got := a.attr("http.response.status_code").AsInt64(); got != status {
		t.Errorf("%s %d: HTTP status %d, want %d", a.Name, a.attr("esign.attempt").AsInt64(), got, status)
	}
	if got := a.attr("esign.code").AsInt64(); got != code {
		t.Errorf("%s %d: esign.code %d, want %d", a.Name, a.attr("esign.attempt").AsInt64(), got, code)
	}
	if (a.Status.Code == codes.Error) != failed {
		t.Errorf("%s %d: status %v, want failed=%v", a.Name, a.attr("esign.attempt").AsInt64(), a.Status, failed)
	}
}

// logLine returns the access-log line of the request with id requestID.
func logLine(t *testing.T, logs *testkit.Buffer, requestID string) map[string]any {
	t.Helper()
	for line := range strings.Lines(logs.String()) {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["requestid"] == requestID {
			return m
		}
	}
	t.Fatalf("no access-log line for request %s in:\n%s", requestID, logs.String())
	return nil
}

// TestTraceGetFlowDetail follows one GetFlowDetail sent with a caller's
// traceparent: the server span continues the caller's trace under its
// span, is named for the action, and holds the store call and each e签宝
// call, whose attempts carry HTTP status and e签宝 code; the access log
// line carries the caller's trace id. A retried attempt is its own span.
func TestTraceGetFlowDetail(t *testing.T) {
	for _, st := range apitest.Stores {
		t.Run(st, func(t *testing.T) {
			var logs testkit.Buffer
			g, exp := tracedGateway(t, st, &logs)
			tok := g.Token(apitest.CorpA)
			task := g.CreateFlow(tok, nil)
			path := apitest.Path("GetFlowDetail", "esign_2.0", "taskId", task)
			// The first read of the signers (GET /v1/signflows/{flowId}/signers)
			// gets e签宝's 503 once; the client sends it again. (Only that
			// path: the flow and its signers are read at the same time.)
			g.Emulator.SetFault(esigntest.Fault{PathPrefix: "/v1/signflows/" + g.FlowID(task) + "/signers", Status: http.StatusServiceUnavailable, Count: 1})
			exp.Reset()
			res := sendTraced(g, "GET", path, tok, "00-"+callerTrace+"-"+callerSpan+"-01", "")
			if res.Status != http.StatusOK {
				t.Fatalf("GetFlowDetail: %d %s", res.Status, res.Raw)
			}
			root := tree(t, exp.GetSpans())
			if root.Name != "GetFlowDetail" || root.SpanKind != trace.SpanKindServer {
				t.Errorf("root %q kind %v, want GetFlowDetail server", root.Name, root.SpanKind)
			}
			if root.SpanContext.TraceID().String() != callerTrace || root.Parent.SpanID().String() != callerSpan || !root.Parent.IsRemote() {
				t.Errorf("root in trace %s under %s (remote %v), want the caller's %s under %s",
					root.SpanContext.TraceID(), root.Parent.SpanID(), root.Parent.IsRemote(), callerTrace, callerSpan)
			}
			for k, want := range map[string]string{"dingtalk.action": "GetFlowDetail", "dingtalk.version": "esign_2.0",
				"http.route": "/v2.0/esign/flowTasks/:taskId", "http.request.method": "GET",
				"dingtalk.request_id": res.Header.Get("x-acs-request-id")} {
				if got := root.attr(k).AsString(); got != want {
					t.Errorf("root %s = %q, want %q", k, got, want)
				}
			}
			if got := root.attr("http.response.status_code").AsInt64(); got != 200 {
				t.Errorf("root http.response.status_code %d", got)
			}
			checkChildren(t, root, st, "store TaskWithLogs", "esign Flow|esign Signers")
			flow := child(t, root, "esign Flow")
			if len(flow.kids) != 1 || flow.attr("esign.outcome").AsString() != "ok" || flow.attr("http.request.method").AsString() != "GET" ||
				flow.attr("url.path").AsString() != "/v1/signflows/"+g.FlowID(task) {
				t.Fatalf("esign Flow: %d attempts, attributes %v; want 1 attempt, ok", len(flow.kids), flow.Attributes)
			}
			checkAttempt(t, flow.kids[0], 200, 0, false)
			signers := child(t, root, "esign Signers")
			if len(signers.kids) != 2 || signers.attr("esign.outcome").AsString() != "ok" {
				t.Fatalf("esign Signers: %d attempts, attributes %v; want 2 attempts, ok", len(signers.kids), signers.Attributes)
			}
			checkAttempt(t, signers.kids[0], 503, 503, true)
			checkAttempt(t, signers.kids[1], 200, 0, false)

			line := logLine(t, &logs, res.Header.Get("x-acs-request-id"))
			if line["traceid"] != callerTrace {
				t.Errorf("access log traceid %v, want the caller's %s", line["traceid"], callerTrace)
			}
		})
	}
}

// TestTraceCreateProcess follows CreateProcess without a traceparent: a new
// trace whose server span holds the quota and task writes, which come
// before the one e签宝 POST, sent once; then an e签宝 500 on the same call
// marks the call, its attempt and the server span failed, with the
// DingTalk code answered.
func TestTraceCreateProcess(t *testing.T) {
	var logs testkit.Buffer
	g, exp := tracedGateway(t, "bolt", &logs)
	tok := g.Token(apitest.CorpA)
	contract := g.Upload(tok, "合同.pdf", apitest.PDF)
	body := `{"taskName":"采购合同","initiatorUserId":"u1",
		"files":[{"fileId":"` + contract + `","fileName":"合同.pdf","fileType":1}],
		"participants":[{"accountType":"DING_USER","userId":"u2","accountName":"李四","signRequirements":"1"}]}`
	path := apitest.Path("CreateProcess", "esign_2.0")

	exp.Reset()
	res := sendTraced(g, "POST", path, tok, "", body)
	if res.Status != http.StatusOK {
		t.Fatalf("CreateProcess: %d %s", res.Status, res.Raw)
	}
	root := tree(t, exp.GetSpans())
	if root.Name != "CreateProcess" || root.SpanKind != trace.SpanKindServer || root.Parent.IsValid() || root.Status.Code == codes.Error {
		t.Errorf("root %q kind %v parent %v status %v, want a new CreateProcess server trace", root.Name, root.SpanKind, root.Parent, root.Status)
	}
	checkChildren(t, root, "bolt", "store UseQuota", "store CreateTask", "esign CreateFlowOneStep", "store UpdateTask")
	create := child(t, root, "esign CreateFlowOneStep")
	if len(create.kids) != 1 || create.attr("http.request.method").AsString() != "POST" || create.attr("esign.outcome").AsString() != "ok" {
		t.Fatalf("esign CreateFlowOneStep: %d attempts, attributes %v", len(create.kids), create.Attributes)
	}
	checkAttempt(t, create.kids[0], 200, 0, false)
	if line := logLine(t, &logs, res.Header.Get("x-acs-request-id")); line["traceid"] != root.SpanContext.TraceID().String() {
		t.Errorf("access log traceid %v, want the new trace's %s", line["traceid"], root.SpanContext.TraceID())
	}

	g.Emulator.SetFault(esigntest.Fault{PathPrefix: "/api/v2/signflows/createFlowOneStep", Status: http.StatusInternalServerError, Count: 1})
	exp.Reset()
	res = sendTraced(g, "POST", path, tok, "", body)
	if res.Status < 500 {
		t.Fatalf("CreateProcess with e签宝 failing: %d %s", res.Status, res.Raw)
	}
	root = tree(t, exp.GetSpans())
	create = child(t, root, "esign CreateFlowOneStep")
	if len(create.kids) != 1 || create.Status.Code != codes.Error || create.attr("esign.outcome").AsString() != "http_error" {
		t.Fatalf("failed CreateFlowOneStep: %d attempts, status %v, attributes %v", len(create.kids), create.Status, create.Attributes)
	}
	checkAttempt(t, create.kids[0], 500, 500, true)
	if root.Status.Code != codes.Error || root.attr("dingtalk.code").AsString() != res.JSON["code"] ||
		root.attr("http.response.status_code").AsInt64() != int64(res.Status) {
		t.Errorf("server span status %v attributes %v, want an error with code %v", root.Status, root.Attributes, res.JSON["code"])
	}
}

// TestTraceSampling: a caller that did not sample its trace gets no spans
// recorded (none for the store or e签宝 either), yet its trace id is in the
// access log; with tracing off the log line has no trace id at all.
func TestTraceSampling(t *testing.T) {
	var logs testkit.Buffer
	g, exp := tracedGateway(t, "bolt", &logs)
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	exp.Reset()
	res := sendTraced(g, "GET", apitest.Path("GetFlowDetail", "esign_2.0", "taskId", task), tok, "00-"+callerTrace+"-"+callerSpan+"-00", "")
	if res.Status != http.StatusOK {
		t.Fatalf("GetFlowDetail: %d %s", res.Status, res.Raw)
	}
	if spans := exp.GetSpans(); len(spans) > 0 {
		t.Errorf("unsampled trace recorded %d spans, first %q", len(spans), spans[0].Name)
	}
	if line := logLine(t, &logs, res.Header.Get("x-acs-request-id")); line["traceid"] != callerTrace {
		t.Errorf("access log traceid %v, want %s", line["traceid"], callerTrace)
	}

	var offLogs testkit.Buffer
	off := apitest.New(t, apitest.Options{Log: &offLogs})
	tok = off.Token(apitest.CorpA)
	task = off.CreateFlow(tok, nil)
	res = sendTraced(off, "GET", apitest.Path("GetFlowDetail", "esign_2.0", "taskId", task), tok, "00-"+callerTrace+"-"+callerSpan+"-01", "")
	if line := logLine(t, &offLogs, res.Header.Get("x-acs-request-id")); line["traceid"] != nil {
		t.Errorf("tracing off: access log traceid %v", line["traceid"])
	}
}

// BenchmarkGetFlowDetailTraced is BenchmarkGetFlowDetail{Cached,Uncached}
// on bbolt with tracing on and every trace recorded (spans handed to an
// exporter that drops them): what tracing costs when it is on.
func BenchmarkGetFlowDetailTraced(b *testing.B) {
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", 2 * time.Second}, {"uncached", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			g := apitest.New(b, apitest.Options{Config: func(c *gateway.Config) {
				c.Log.Level = "warn"
				c.Cache.TTL = bc.ttl
				c.Hooks.Traces = tracetest.NewNoopExporter()
			}})
			apitest.BenchFlowDetailOn(b, g)
		})
	}
}
