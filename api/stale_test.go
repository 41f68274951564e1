package api_test

import (
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// staleGateway is a gateway whose breaker stays open once tripped (for the
// whole test) and whose e签宝 calls give up quickly, on clk. sent counts
// the calls its e签宝 client sent (not refused by the breaker).
func staleGateway(t testing.TB, storeKind string, clk *testkit.Clock, sent *atomic.Int64) *apitest.Gateway {
	emu := esigntest.Start(t, esigntest.Config{AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret, Now: clk.Now})
	return apitest.New(t, apitest.Options{Store: storeKind, Emulator: emu,
		Service: func(c *service.Config) { c.Now = clk.Now },
		Esign: func(c *esign.Config) {
			c.Timeout, c.CallTimeout, c.BreakerTimeout, c.Now = 100*time.Millisecond, 300*time.Millisecond, time.Hour, clk.Now
			c.Observe = func(_, outcome string, _ time.Duration) {
				if outcome != "breaker_open" {
					sent.Add(1)
				}
			}
		}})
}

// readAction is one of the reads that survive an outage, both versions.
type readAction struct{ action, version string }

var (
	flowReads = []readAction{{"GetFlowDetail", "esign_1.0"}, {"GetFlowDetail", "esign_2.0"},
		{"GetFlowSignDetail", "esign_1.0"}, {"GetSignDetail", "esign_2.0"}}
	docReads = []readAction{{"ListFlowDocs", "esign_1.0"}, {"GetFlowDocs", "esign_2.0"}}
)

func (r readAction) call(g *apitest.Gateway, tok, task string) *apitest.Response {
	if r.version == "esign_1.0" {
		return g.Do("GET", apitest.Path(r.action, r.version)+"?taskId="+task, tok, nil)
	}
	return g.Call(r.action, r.version, tok, nil, "taskId", task)
}

// wantStale checks an answer from held state: 200, the body fresh gave
// (when fresh is not nil), and the age in seconds.
func wantStale(t *testing.T, what string, res *apitest.Response, fresh map[string]any, age int) {
	t.Helper()
	if res.Status != 200 {
		t.Fatalf("%s: got %d %s, want 200 from held state", what, res.Status, res.Raw)
	}
	if res.Header.Get("X-Esigngw-Stale") != "true" || res.Header.Get("Age") != strconv.Itoa(age) {
		t.Errorf("%s: Age %q X-Esigngw-Stale %q, want %d and true", what, res.Header.Get("Age"), res.Header.Get("X-Esigngw-Stale"), age)
	}
	if fresh != nil && !reflect.DeepEqual(res.JSON, fresh) {
		t.Errorf("%s: held answer\n %s\ndiffers from the fresh one\n %v", what, res.Raw, fresh)
	}
}

// wantFailed checks that e签宝's failure stands: an error body, no stale
// headers.
func wantFailed(t *testing.T, what string, res *apitest.Response, status int, code string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: got %d %s, want %d", what, res.Status, res.Raw, status)
	}
	checkError(t, res, code)
	if res.Header.Get("X-Esigngw-Stale") != "" || res.Header.Get("Age") != "" {
		t.Errorf("%s: an error carries stale headers", what)
	}
}

// TestReadsSurviveOutage: while e签宝 answers 5xx, times out, or the
// breaker is open, GetFlowDetail, GetSignDetail and GetFlowDocs (both
// versions) answer what they last read, with its age (injected clock) in
// Age and X-Esigngw-Stale; a task never read answers the error as before;
// a write fails fast without reaching e签宝; a callback during the outage
// changes what is served and resets the age; held document links are
// served only while they work.
func TestReadsSurviveOutage(t *testing.T) {
	faults := []struct {
		name         string
		fault        esigntest.Fault
		status       int
		code         string
		timeoutFirst bool
	}{
		{"e签宝 answers 503", esigntest.Fault{PathPrefix: "/v1/", Status: 503}, 502, "unknownError", false},
		{"e签宝 times out", esigntest.Fault{PathPrefix: "/v1/", Latency: time.Minute}, 504, "service.timeout", true},
	}
	for _, storeKind := range apitest.Stores {
		for _, f := range faults {
			t.Run(storeKind+"/"+f.name, func(t *testing.T) {
				clk := testkit.NewClock(time.Now())
				var sent atomic.Int64
				g := staleGateway(t, storeKind, clk, &sent)
				tok := g.Token(apitest.CorpA)

				// Held: a flow u1 has signed, and a finished flow with its
				// documents, both read fresh. Not held: a flow never read.
				task := g.CreateFlow(tok, nil)
				flow := g.FlowID(task)
				if err := g.Emulator.Sign(flow, g.Participant(task, "u1")); err != nil {
					t.Fatal(err)
				}
				done := g.CreateFlow(tok, nil)
				for _, u := range []string{"u1", "u2"} {
					if err := g.Emulator.Sign(g.FlowID(done), g.Participant(done, u)); err != nil {
						t.Fatal(err)
					}
				}
				refused := g.CreateFlow(tok, nil)
				unread := g.CreateFlow(tok, nil)
				file := g.Upload(tok, "b.pdf", apitest.PDF)
				waitCallbacks(t, g)
				fresh := map[readAction]map[string]any{}
				for _, r := range flowReads {
					res := r.call(g, tok, task)
					if res.Status != 200 || res.Header.Get("X-Esigngw-Stale") != "" || res.Header.Get("Age") != "" {
						t.Fatalf("%v fresh: %d %v %s", r, res.Status, res.Header, res.Raw)
					}
					fresh[r] = res.JSON
				}
				if res := (readAction{"GetSignDetail", "esign_2.0"}).call(g, tok, refused); res.Status != 200 {
					t.Fatalf("GetSignDetail fresh: %d %s", res.Status, res.Raw)
				}
				for _, r := range docReads {
					res := r.call(g, tok, done)
					if res.Status != 200 || res.Header.Get("Age") != "" {
						t.Fatalf("%v fresh: %d %s", r, res.Status, res.Raw)
					}
					fresh[r] = res.JSON
				}

				// e签宝 fails: every read answers from held state, 42 s old.
				clk.Advance(42 * time.Second)
				g.Emulator.SetFault(f.fault)
				wantFailed(t, "GetFlowDetail of a task never read", readAction{"GetFlowDetail", "esign_2.0"}.call(g, tok, unread), f.status, f.code)
				for _, r := range flowReads {
					start := time.Now()
					wantStale(t, r.action+" "+r.version, r.call(g, tok, task), fresh[r], 42)
					t.Logf("%s %s from held state in %v (breaker %s)", r.action, r.version, time.Since(start).Round(time.Millisecond), g.Service.Admin.BreakerState())
				}
				for _, r := range docReads {
					wantStale(t, r.action+" "+r.version, r.call(g, tok, done), fresh[r], 42)
				}
				if s := g.Service.Admin.BreakerState(); s != "open" {
					t.Fatalf("breaker %s after the reads' failures, want open", s)
				}

				// Breaker open: the same, without asking e签宝 anything.
				// Counted as the client sent them: an attempt abandoned by a
				// timeout may reach the emulator later.
				before := sent.Load()
				for _, r := range flowReads {
					wantStale(t, r.action+" "+r.version+" (breaker open)", r.call(g, tok, task), fresh[r], 42)
				}
				for _, r := range docReads {
					wantStale(t, r.action+" "+r.version+" (breaker open)", r.call(g, tok, done), fresh[r], 42)
				}
				// Nothing held: the error as before.
				for _, r := range flowReads {
					wantFailed(t, r.action+" "+r.version+" never read", r.call(g, tok, unread), 503, "serviceBusy")
				}
				for _, r := range docReads {
					wantFailed(t, r.action+" "+r.version+" never read", r.call(g, tok, task), 503, "serviceBusy")
				}
				// Another corp holds nothing of this task.
				wantFailed(t, "another corp", readAction{"GetFlowDetail", "esign_2.0"}.call(g, g.Token(apitest.CorpB), task), 400, "flowNotExists")
				// A write fails fast.
				res := g.Call("CreateProcess", "esign_2.0", tok, map[string]any{
					"taskName": "outage", "initiatorUserId": "u1",
					"files":        []map[string]any{{"fileId": file, "fileName": "b.pdf", "fileType": 1}},
					"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u3", "accountName": "王五", "signRequirements": "1", "signOrder": 1}},
				})
				wantFailed(t, "CreateProcess during the outage", res, 503, "serviceBusy")
				if n := sent.Load() - before; n != 0 {
					t.Errorf("with the breaker open, %d calls reached e签宝", n)
				}

				// u2 signs during the outage: e签宝's callbacks still arrive,
				// and the held answer follows them, with a fresh age.
				clk.Advance(100 * time.Second)
				if err := g.Emulator.Sign(flow, g.Participant(task, "u2")); err != nil {
					t.Fatal(err)
				}
				waitCallbacks(t, g)
				sd := readAction{"GetSignDetail", "esign_2.0"}.call(g, tok, task)
				wantStale(t, "GetSignDetail after a callback", sd, nil, 0)
				if sd.JSON["flowStatus"] != float64(2) {
					t.Errorf("flowStatus %v after SIGN_FLOW_FINISH, want 2", sd.JSON["flowStatus"])
				}
				for _, s := range sd.JSON["signers"].([]any) {
					if st := s.(map[string]any)["signStatus"]; st != float64(2) {
						t.Errorf("signer %v after both signed, want signStatus 2", s)
					}
				}
				fd := readAction{"GetFlowDetail", "esign_2.0"}.call(g, tok, task)
				wantStale(t, "GetFlowDetail after a callback", fd, nil, 0)
				if n, m := len(fd.JSON["logs"].([]any)), len(fresh[readAction{"GetFlowDetail", "esign_2.0"}]["logs"].([]any)); n <= m {
					t.Errorf("%d log entries after u2 signed and the flow finished, %d before", n, m)
				}
				if fd.JSON["flowStatus"] != float64(2) {
					t.Errorf("GetFlowDetail flowStatus %v, want 2", fd.JSON["flowStatus"])
				}

				// u1 refuses another held flow during the outage.
				if err := g.Emulator.Refuse(g.FlowID(refused), g.Participant(refused, "u1"), "不同意"); err != nil {
					t.Fatal(err)
				}
				waitCallbacks(t, g)
				rd := readAction{"GetSignDetail", "esign_2.0"}.call(g, tok, refused)
				wantStale(t, "GetSignDetail after a refusal", rd, nil, 0)
				if rd.JSON["flowStatus"] != float64(7) || rd.JSON["signers"].([]any)[0].(map[string]any)["signStatus"] != float64(4) {
					t.Errorf("after u1 refused: %s, want flowStatus 7 and u1 at signStatus 4", rd.Raw)
				}

				// Held document links expire after 60 minutes: 56 minutes
				// after the read (5 kept for the download) they are not served.
				clk.Advance(56*time.Minute - 142*time.Second)
				for _, r := range docReads {
					wantFailed(t, r.action+" "+r.version+" with expired links", r.call(g, tok, done), 503, "serviceBusy")
				}
			})
		}
	}
}

// BenchmarkStaleFlowDetail: GetFlowDetail answered from held state while
// the breaker is open (bolt store), against the same read with e签宝 up;
// one client, then 8 at once (parallel: answers/s only).
func BenchmarkStaleFlowDetail(b *testing.B) {
	b.Run("breaker open, 8 clients", func(b *testing.B) {
		var sent atomic.Int64
		g := staleGateway(b, "bolt", testkit.NewClock(time.Now()), &sent)
		tok := g.Token(apitest.CorpA)
		path := "/v2.0/esign/flowTasks/" + g.CreateFlow(tok, nil)
		if res := g.Do("GET", path, tok, nil); res.Status != 200 {
			b.Fatalf("fresh: %d %s", res.Status, res.Raw)
		}
		g.Emulator.SetFault(esigntest.Fault{Status: 503})
		for g.Service.Admin.BreakerState() != "open" {
			g.Do("GET", path, tok, nil)
		}
		b.SetParallelism(4) // GOMAXPROCS 2 here: 8 clients
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if res := g.Do("GET", path, tok, nil); res.Status != 200 || res.Header.Get("X-Esigngw-Stale") != "true" {
					b.Errorf("%d %s", res.Status, res.Raw)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
	})
	for _, down := range []bool{false, true} {
		name := "e签宝 up"
		if down {
			name = "breaker open"
		}
		b.Run(name, func(b *testing.B) {
			clk := testkit.NewClock(time.Now())
			var sent atomic.Int64
			g := staleGateway(b, "bolt", clk, &sent)
			tok := g.Token(apitest.CorpA)
			task := g.CreateFlow(tok, nil)
			path := "/v2.0/esign/flowTasks/" + task
			if res := g.Do("GET", path, tok, nil); res.Status != 200 {
				b.Fatalf("fresh: %d %s", res.Status, res.Raw)
			}
			if down {
				g.Emulator.SetFault(esigntest.Fault{Status: 503})
				for g.Service.Admin.BreakerState() != "open" {
					g.Do("GET", path, tok, nil)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				res := g.Do("GET", path, tok, nil)
				lat = append(lat, time.Since(start))
				if res.Status != 200 || (down && res.Header.Get("X-Esigngw-Stale") != "true") {
					b.Fatalf("%d %s", res.Status, res.Raw)
				}
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// TestStaleHeadersDocumented: the OpenAPI document names Age and
// X-Esigngw-Stale on the six reads that may answer from held state, and on
// no other action.
func TestStaleHeadersDocumented(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	doc := g.Do("GET", "/openapi.json", "", nil)
	want := map[string]bool{}
	for _, r := range append(append([]readAction{}, flowReads...), docReads...) {
		m, p := api.Route(r.action, r.version)
		want[strings.ToLower(m)+" "+openAPIPath(p)] = true
	}
	found := 0
	for path, item := range doc.JSON["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			ok200, _ := op.(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)
			headers, _ := ok200["headers"].(map[string]any)
			_, age := headers["Age"]
			_, stale := headers["X-Esigngw-Stale"]
			key := method + " " + path
			if age != want[key] || stale != want[key] {
				t.Errorf("%s: Age documented %v, X-Esigngw-Stale %v, want %v", key, age, stale, want[key])
			}
			if want[key] {
				found++
			}
		}
	}
	if found != len(want) {
		t.Errorf("%d of the %d reads found in the document", found, len(want))
	}
}

// openAPIPath turns gin's ":id" path parameters into OpenAPI's "{id}".
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// TestHeldReadsOutliveTheReplica: what one replica read is kept in the
// store, so a replica that never read the flow (a second one on the same
// Redis; the same file after a restart) answers from it while e签宝 is
// down, with the age of that read, on both stores.
func TestHeldReadsOutliveTheReplica(t *testing.T) {
	for _, storeKind := range apitest.Stores {
		t.Run(storeKind, func(t *testing.T) {
			clk := testkit.NewClock(time.Now())
			emu := esigntest.Start(t, esigntest.Config{AppID: apitest.EsignAppID, AppSecret: apitest.EsignSecret, Now: clk.Now})
			replica := func(o apitest.Options) *apitest.Gateway {
				o.Store, o.Emulator = storeKind, emu
				o.Service = func(c *service.Config) { c.Now = clk.Now }
				o.Esign = func(c *esign.Config) {
					c.Timeout, c.CallTimeout, c.BreakerTimeout, c.Now = 100*time.Millisecond, 300*time.Millisecond, time.Hour, clk.Now
				}
				return apitest.New(t, o)
			}
			path := filepath.Join(t.TempDir(), "gw.db")
			first := replica(apitest.Options{BoltPath: path})
			tok := first.Token(apitest.CorpA)
			task, done := first.CreateFlow(tok, nil), first.CreateFlow(tok, nil)
			for _, u := range []string{"u1", "u2"} {
				if err := emu.Sign(first.FlowID(done), first.Participant(done, u)); err != nil {
					t.Fatal(err)
				}
			}
			if err := emu.Sign(first.FlowID(task), first.Participant(task, "u1")); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, first)
			fresh := map[readAction]map[string]any{}
			for _, r := range flowReads {
				fresh[r] = r.call(first, tok, task).JSON
			}
			for _, r := range docReads {
				fresh[r] = r.call(first, tok, done).JSON
			}
			if storeKind == "bolt" {
				first.Store.Close() // a restart: the file is the next process's
			}

			second := replica(apitest.Options{BoltPath: path, RedisAddr: first.RedisAddr})
			tok2 := second.Token(apitest.CorpA)
			clk.Advance(42 * time.Second)
			emu.SetFault(esigntest.Fault{PathPrefix: "/v1/", Status: 503})
			for _, r := range flowReads {
				wantStale(t, "second replica "+r.action+" "+r.version, r.call(second, tok2, task), fresh[r], 42)
			}
			for _, r := range docReads {
				wantStale(t, "second replica "+r.action+" "+r.version, r.call(second, tok2, done), fresh[r], 42)
			}
			if res := (readAction{"GetFlowDetail", "esign_2.0"}).call(second, second.Token(apitest.CorpB), task); res.Status != 404 && res.Status != 400 {
				t.Errorf("another corp reading the held task: %d %s", res.Status, res.Raw)
			}
		})
	}
}
