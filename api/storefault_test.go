package api_test

import (
	"context"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
	"esign-gateway/service"
	"esign-gateway/test/testkit"
)

// outageBound is how fast an action that needs the store must answer 503
// once Redis is gone (the bound). The slow paths it guards (a wait
// on a store timeout: 100-200ms, dial retries 100ms apart, retry backoff)
// would hold up every answer during the outage, so 90% of the answers must
// be within it; the rest may have met a scheduler stall on a loaded
// machine (-race, 2 shared cores beside other builds: 5 of 400 over 200ms,
// slowest 281ms, was seen once) but no answer may take outageCeiling, 5
// times the bound.
const (
	outageBound   = 200 * time.Millisecond
	outageCeiling = 5 * outageBound
)

// answer is one response seen by the load.
type answer struct {
	status int
	code   any
	took   time.Duration
}

// load sends GETs to paths from workers goroutines until n answers are in,
// and returns them with the most goroutines the process had meanwhile.
func load(g *apitest.Gateway, tok string, paths []string, workers, n int) ([]answer, int) {
	var (
		mu   sync.Mutex
		out  []answer
		peak int
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				start := time.Now()
				r := g.Do("GET", paths[(w+i)%len(paths)], tok, nil)
				a := answer{status: r.Status, code: r.JSON["code"], took: time.Since(start)}
				mu.Lock()
				if len(out) >= n {
					mu.Unlock()
					return
				}
				out = append(out, a)
				peak = max(peak, runtime.NumGoroutine())
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	return out, peak
}

// TestRedisOutageUnderLoad: Redis is killed under load. Every action sent
// afterwards answers 503 ServiceUnavailable JSON within outageBound (rate
// limiting stays on and fails open), goroutines do not pile up, and once
// Redis is back the gateway works again without a restart.
func TestRedisOutageUnderLoad(t *testing.T) {
	const workers = 8
	logs := &testkit.Buffer{}
	g := apitest.New(t, apitest.Options{Store: "redis", Log: logs, Router: func(d *api.Config) {
		d.RateLimit = api.RateLimit{Default: 1 << 20, Upstream: 1 << 20} // on, but never the reason for a refusal here
	}})
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	paths := []string{"/v2.0/esign/margins", "/v2.0/esign/flowTasks/" + task, "/v2.0/esign/corps/appStatus", "/v1.0/esign/flows/detail?taskId=" + task}
	// The same load with Redis up: it also fills the connection pools, whose
	// idle connections (three goroutines each) are not a pile-up.
	before, _ := load(g, tok, paths, workers, 200)
	for _, a := range before {
		if a.status != 200 {
			t.Fatalf("before the outage: got %d %v", a.status, a.code)
		}
	}
	baseline := runtime.NumGoroutine()

	g.Redis.Kill()
	during, peak := load(g, tok, paths, workers, 400)
	var worst time.Duration
	slow := 0
	for _, a := range during {
		worst = max(worst, a.took)
		if a.status != 503 || a.code != "serviceBusy" {
			t.Errorf("during the outage: got %d %v, want 503 serviceBusy", a.status, a.code)
		}
		if a.took > outageBound {
			slow++
		}
		if a.took > outageCeiling {
			t.Errorf("during the outage an answer took %v, want far less than %v", a.took, outageCeiling)
		}
	}
	t.Logf("%d answers during the outage, %d slower than %v, slowest %v; goroutines: %d after the load with Redis up, at most %d during the outage",
		len(during), slow, outageBound, worst, baseline, peak)
	if slow > len(during)/10 {
		t.Errorf("%d of %d answers during the outage took over %v, want at most 10%%", slow, len(during), outageBound)
	}
	// Each worker's request may hold a goroutine or two; nothing may grow with the number of requests.
	if peak > baseline+3*workers {
		t.Errorf("goroutines peaked at %d during the outage, %d before it", peak, baseline)
	}
	if !within(5*time.Second, func() bool { return runtime.NumGoroutine() <= baseline+5 }) {
		var dump strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Fatalf("goroutines: %d before the outage, %d after its load stopped\n%s", baseline, runtime.NumGoroutine(), dump.String())
	}

	// Redis back (empty: it keeps no data): the same gateway serves again.
	g.Redis.Restart()
	eventually(t, 10*time.Second, "recovery without a restart", func() bool {
		fresh, err := g.Service.Tokens.Mint(context.Background(), apitest.SuiteKey, apitest.CorpA)
		return err == nil && g.Do("GET", "/v2.0/esign/margins", fresh.AccessToken, nil).Status == 200
	})
	checkNoSecrets(t, logs.String(), tok)
}

// TestRevocationFailsClosed: while the store is down a replica keeps
// accepting a corp's tokens on its cached revocation view only until the
// view is RevocationStale old; after that every token is refused with 503.
func TestRevocationFailsClosed(t *testing.T) {
	clk := testkit.NewClock(time.Now())
	const ttl, stale = time.Second, 5 * time.Second
	g := apitest.New(t, apitest.Options{Store: "redis", Service: func(c *service.Config) {
		c.Now, c.Tokens.RevocationTTL, c.Tokens.RevocationStale = clk.Now, ttl, stale
	}})
	tok := g.Token(apitest.CorpA)
	authenticate := func() error {
		req := httptest.NewRequest("GET", "/v2.0/esign/margins", nil)
		req.Header.Set(service.TokenHeader, tok)
		_, err := g.Service.Tokens.Authenticate(req)
		return err
	}
	if err := authenticate(); err != nil {
		t.Fatalf("before the outage: %v", err)
	}
	g.Redis.Kill()
	steps := []struct {
		advance time.Duration
		wantOK  bool
	}{
		{ttl / 2, true},               // cached view, fresh
		{ttl, true},                   // past the TTL: the store is asked, fails, the view is 1.5s old
		{stale - ttl*3/2 - 1, true},   // just inside the stale bound
		{2 * time.Millisecond, false}, // past it: fail closed
		{time.Hour, false},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		err := authenticate()
		if (err == nil) != s.wantOK {
			t.Fatalf("step %d (+%v): got %v, want accepted=%v", i, s.advance, err, s.wantOK)
		}
	}
	res := g.Do("GET", "/v2.0/esign/margins", tok, nil)
	if res.Status != 503 {
		t.Fatalf("through the router past the bound: got %d %s, want 503", res.Status, res.Raw)
	}
	checkError(t, res, "serviceBusy")
}
