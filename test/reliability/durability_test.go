package reliability

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"esign-gateway/service"
	"esign-gateway/service/store"
	"esign-gateway/service/store/redistest"
)

const (
	concurrentCreates = 200
	killAfter         = 100
	// minInFlight is how many calls must still be unanswered when the kill
	// is sent, and minCutOff how many of them the kill must cut off: fewer
	// means the crash hit an idle (or nearly idle) gateway and proved
	// nothing about work in progress.
	minInFlight = 20
	minCutOff   = 10
)

// TestKillDuringCreateProcess: 200 concurrent CreateProcess calls; the
// gateway is killed with SIGKILL once 100 have been answered, while the
// rest are still in flight, then restarted on the same store. Every task
// id a client received resolves to its flow, which exists in e签宝, and no
// flow was created twice: each received task has its own flow, and e签宝
// saw at most one createFlowOneStep per request sent. The test fails
// unless the kill really landed mid-load: at least killAfter ids handed
// out before it, at least minInFlight calls unanswered when it was sent
// and at least minCutOff of them cut off by it.
func TestKillDuringCreateProcess(t *testing.T) {
	for _, kind := range []string{"embedded", "redis"} {
		t.Run(kind, func(t *testing.T) {
			emu, emuURL := emulator(t)
			dir := t.TempDir()
			var extra []string
			var open func() service.Store
			switch kind {
			case "embedded":
				path := filepath.Join(dir, "gw.db")
				extra = []string{"ESIGNGW_STORE_DRIVER=embedded", "ESIGNGW_STORE_PATH=" + path}
				open = func() service.Store {
					st, err := store.OpenBolt(path, store.BoltOptions{})
					if err != nil {
						t.Fatal(err)
					}
					return st
				}
			case "redis":
				r := redistest.Start(t)
				cfg := store.RedisConfig{Addrs: []string{r.Addr()}, Prefix: "rel:"}
				extra = []string{"ESIGNGW_STORE_DRIVER=redis", "ESIGNGW_STORE_REDIS_ADDRS=" + r.Addr(), "ESIGNGW_STORE_REDIS_PREFIX=rel:"}
				open = func() service.Store {
					st, err := store.OpenRedis(cfg)
					if err != nil {
						t.Fatal(err)
					}
					return st
				}
			}
			logPath := filepath.Join(dir, "gateway.log")
			cfg := func(addr string) []string { return env(addr, emuURL, extra...) }
			g := start(t, cfg, logPath)
			tok := g.token()
			file := g.upload(tok)
			body := map[string]any{"taskName": "并发合同", "initiatorUserId": "u1",
				"files":        []map[string]any{{"fileId": file, "fileName": "a.pdf", "fileType": 1}},
				"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}}
			// Warm the accounts up so the run measures flows, not first-use account creation.
			if st, m, err := call(context.Background(), http.DefaultClient, "POST", g.base+"/v2.0/esign/process/startAtOnce", tok, body); err != nil || st != 200 {
				t.Fatalf("first CreateProcess: %d %v %v", st, m, err)
			}
			createsBefore := emu.CallCount("/api/v2/signflows/createFlowOneStep")

			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrentCreates, MaxConnsPerHost: concurrentCreates}}
			var (
				mu             sync.Mutex
				received       []string // task ids, in the order the answers came
				refused        []string // answers other than 200 with a task id
				cutOff         int      // calls that got no answer: the kill cut them off
				killed         bool
				beforeKill     int // ids received when the kill was sent
				inFlightAtKill int // calls sent and not answered when the kill was sent
				sent, answered atomic.Int64
				wg             sync.WaitGroup
			)
			// kill sends SIGKILL; the caller holds mu, so no answer is
			// counted while the counts are taken.
			kill := func() {
				if killed {
					return
				}
				killed = true
				beforeKill = len(received)
				inFlightAtKill = int(sent.Load() - answered.Load())
				g.kill()
			}
			begin := make(chan struct{})
			for i := 0; i < concurrentCreates; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-begin
					sent.Add(1)
					st, m, err := call(context.Background(), client, "POST", g.base+"/v2.0/esign/process/startAtOnce", tok, body)
					if err == nil {
						answered.Add(1)
					}
					mu.Lock()
					defer mu.Unlock()
					id, _ := m["taskId"].(string)
					switch {
					case err != nil:
						cutOff++
					case st != 200 || id == "":
						refused = append(refused, fmt.Sprintf("%d %v", st, m))
					default:
						received = append(received, id)
						if len(received) == killAfter {
							kill()
						}
					}
				}()
			}
			close(begin)
			wg.Wait()
			mu.Lock()
			kill() // in case fewer than killAfter succeeded
			mu.Unlock()
			t.Logf("%s: %d task ids handed out before the kill, %d calls in flight when it was sent; "+
				"%d cut off by it, %d answered after it was sent, %d refused", kind, beforeKill, inFlightAtKill,
				cutOff, len(received)-beforeKill, len(refused))
			if len(refused) > 0 {
				t.Errorf("%d calls were refused before the kill, first: %s", len(refused), refused[0])
			}
			if beforeKill < killAfter {
				t.Fatalf("only %d task ids were handed out before the kill, want %d", beforeKill, killAfter)
			}
			if inFlightAtKill < minInFlight || cutOff < minCutOff {
				t.Fatalf("the kill hit a nearly idle gateway: %d calls in flight when it was sent (want at least %d), "+
					"%d cut off by it (want at least %d)", inFlightAtKill, minInFlight, cutOff, minCutOff)
			}

			// Restart on the same store: every task id handed out resolves.
			g = start(t, cfg, logPath)
			first := tok
			tok = g.token()
			for _, id := range received {
				st, m, err := call(context.Background(), http.DefaultClient, "GET", g.base+"/v2.0/esign/flowTasks/"+id, tok, nil)
				if err != nil || st != 200 {
					t.Errorf("task %s after the restart: %d %v %v", id, st, m, err)
				}
			}
			g.stop()

			st := open()
			defer st.Close()
			flows := map[string]string{}
			for _, id := range received {
				task, err := st.Task(context.Background(), id)
				if err != nil {
					t.Errorf("task %s: %v", id, err)
					continue
				}
				if task.FlowID == "" {
					t.Errorf("task %s was handed out without a flow", id)
					continue
				}
				if other, dup := flows[task.FlowID]; dup {
					t.Errorf("flow %s backs both %s and %s", task.FlowID, other, id)
				}
				flows[task.FlowID] = id
				if _, ok := emu.FlowStatus(task.FlowID); !ok {
					t.Errorf("task %s: flow %s does not exist in e签宝", id, task.FlowID)
				}
				if back, err := st.TaskByFlow(context.Background(), task.FlowID); err != nil || back.ID != id {
					t.Errorf("flow %s maps back to %v (%v), want %s", task.FlowID, back, err, id)
				}
			}
			created := emu.CallCount("/api/v2/signflows/createFlowOneStep") - createsBefore
			t.Logf("%s: e签宝 got %d createFlowOneStep calls for %d requests; %d flows back received tasks", kind, created, concurrentCreates, len(flows))
			if created < len(flows) || created > concurrentCreates {
				t.Errorf("e签宝 got %d createFlowOneStep calls, want between %d (flows handed out) and %d (requests sent)", created, len(flows), concurrentCreates)
			}
			checkLogs(t, logPath, first, tok)
		})
	}
}

// checkLogs fails if the gateway's logs carry a secret or a token.
func checkLogs(t *testing.T, path string, tokens ...string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	logs := string(raw)
	if !strings.Contains(logs, `"msg":"listening"`) {
		t.Fatalf("the log file has no startup line; nothing was captured: %.200s", logs)
	}
	secret := strings.SplitN(signingKey, ":", 2)[1]
	for name, s := range map[string]string{"suite secret": suiteSecret, "e签宝 secret": esignSecret, "signing key": secret} {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain the %s", name)
		}
	}
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Errorf("the logs contain an access token")
		}
	}
}
