package reliability

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"esign-gateway/service"
	"esign-gateway/service/store"
	"esign-gateway/service/store/redistest"
)

const (
	concurrentCreates = 200
	killAfter         = 100
)

// TestKillDuringCreateProcess: 200 concurrent CreateProcess calls; the
// gateway is killed with SIGKILL once about 100 have been answered, then
// restarted on the same store. Every task id a client received resolves to
// its flow, which exists in e签宝, and no flow was created twice: each
// received task has its own flow, and e签宝 saw at most one
// createFlowOneStep per request sent.
func TestKillDuringCreateProcess(t *testing.T) {
	for _, kind := range []string{"embedded", "redis"} {
		t.Run(kind, func(t *testing.T) {
			emu, emuURL := emulator(t)
			dir := t.TempDir()
			addr := freeAddr(t)
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
			cfg := env(addr, emuURL, extra...)
			g := start(t, addr, cfg, logPath)
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
				mu       sync.Mutex
				received []string
				failed   int
				killOnce sync.Once
				wg       sync.WaitGroup
			)
			begin := make(chan struct{})
			for i := 0; i < concurrentCreates; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-begin
					st, m, err := call(context.Background(), client, "POST", g.base+"/v2.0/esign/process/startAtOnce", tok, body)
					mu.Lock()
					defer mu.Unlock()
					id, _ := m["taskId"].(string)
					if err != nil || st != 200 || id == "" {
						failed++
						return
					}
					received = append(received, id)
					if len(received) == killAfter {
						killOnce.Do(g.kill)
					}
				}()
			}
			close(begin)
			wg.Wait()
			killOnce.Do(g.kill) // in case fewer than killAfter succeeded
			t.Logf("%s: %d task ids received, %d calls failed or cut off by the kill", kind, len(received), failed)
			if len(received) < killAfter {
				t.Fatalf("only %d of %d calls succeeded before the kill", len(received), concurrentCreates)
			}
			if failed == 0 {
				t.Logf("every call finished before the kill landed: the crash hit an idle gateway")
			}

			// Restart on the same store: every task id handed out resolves.
			g = start(t, addr, cfg, logPath)
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
