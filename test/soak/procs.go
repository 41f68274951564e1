package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"esign-gateway/api"
	"esign-gateway/esign/check"
	"esign-gateway/esign/esigntest"
)

// Identities of the soaked gateway.
const (
	suiteKey    = "soak-suite"
	suiteSecret = "soak-suite-secret-0123456789"
	corpID      = "soak-corp"
	esignAppID  = "7438000000soak"
	esignSecret = "soak-esign-secret-0123456789abcdef"
)

// environment is everything the soak runs against.
type environment struct {
	dir     string
	emu     *esigntest.Server
	redis   *exec.Cmd
	gw      *exec.Cmd
	base    string
	debug   string // the gateway's debug listener (pprof), for forcing a GC
	token   string
	stopEmu chan struct{}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startEnv builds the gateway and starts the emulator, Redis if asked, and
// the gateway.
func startEnv(storeKind string, pin bool) (e *environment, err error) {
	e = &environment{stopEmu: make(chan struct{})}
	defer func() {
		if err != nil {
			e.close()
		}
	}()
	if e.dir, err = os.MkdirTemp("", "esigngw-soak-"); err != nil {
		return nil, err
	}
	bin := filepath.Join(e.dir, "esign-gateway")
	if out, err := exec.Command("go", "build", "-o", bin, "esign-gateway").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	e.emu = esigntest.New(esigntest.Config{AppID: esignAppID, AppSecret: esignSecret, CallbackRetries: []time.Duration{}})
	emuURL, err := e.emu.Listen("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// The emulator records every call for tests; under load the list would
	// grow without end, so it is emptied every second.
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-e.stopEmu:
				return
			case <-t.C:
				e.emu.ResetCalls()
			}
		}
	}()
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if e.debug, err = freeAddr(); err != nil {
		return nil, err
	}
	apps := fmt.Sprintf(`[{"key":%q,"secret":%q,"type":"isv_enterprise","corps":[%q]}]`, suiteKey, suiteSecret, corpID)
	env := append(os.Environ(),
		"ESIGNGW_SERVER_ADDR="+addr, "ESIGNGW_SERVER_PUBLIC_URL=http://"+addr,
		"ESIGNGW_ESIGN_BASE_URL="+emuURL, "ESIGNGW_ESIGN_APP_ID="+esignAppID, "ESIGNGW_ESIGN_APP_SECRET="+esignSecret,
		"ESIGNGW_DINGTALK_APPS="+apps, "ESIGNGW_DINGTALK_INITIAL_QUOTA=1000", "ESIGNGW_DINGTALK_ALLOW_PRIVATE_URLS=true",
		// The limiter stays in the path (its cost is part of the gateway) but never refuses.
		"ESIGNGW_RATELIMIT_DEFAULT=1000000000", "ESIGNGW_RATELIMIT_UPSTREAM=1000000000", "ESIGNGW_SERVER_TENANT_SHARE=1",
		"ESIGNGW_DEBUG_ADDR="+e.debug,
		"ESIGNGW_LOG_LEVEL=warn", "ESIGNGW_STORE_DRIVER="+storeKind, "ESIGNGW_STORE_PATH="+filepath.Join(e.dir, "gw.db"))
	if storeKind == "redis" {
		raddr, err := e.startRedis()
		if err != nil {
			return nil, err
		}
		env = append(env, "ESIGNGW_STORE_REDIS_ADDRS="+raddr)
	}
	logs, err := os.Create(filepath.Join(e.dir, "gateway.log"))
	if err != nil {
		return nil, err
	}
	e.gw = exec.Command(bin, "serve")
	if pin {
		// taskset execs the gateway: the process (and its PID) is the gateway's.
		e.gw = exec.Command("taskset", "-c", "1", bin, "serve")
		env = append(env, "GOMAXPROCS=1")
	}
	e.gw.Env, e.gw.Stdout, e.gw.Stderr = env, logs, logs
	if err := e.gw.Start(); err != nil {
		return nil, err
	}
	e.base = "http://" + addr
	return e, waitFor(20*time.Second, func() bool {
		res, err := http.Get(e.base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
}

func (e *environment) startRedis() (string, error) {
	addr, err := freeAddr()
	if err != nil {
		return "", err
	}
	_, port, _ := net.SplitHostPort(addr)
	e.redis = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", e.dir)
	if err := e.redis.Start(); err != nil {
		return "", fmt.Errorf("redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	return addr, waitFor(10*time.Second, func() bool { return c.Ping(context.Background()).Err() == nil })
}

func waitFor(d time.Duration, ok func() bool) error {
	end := time.Now().Add(d)
	for !ok() {
		if time.Now().After(end) {
			return errors.New("not ready in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

func (e *environment) close() {
	for _, c := range []*exec.Cmd{e.gw, e.redis} {
		if c != nil && c.Process != nil {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	if e.emu != nil {
		close(e.stopEmu)
		e.emu.Close()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// call sends a JSON request to the gateway and decodes the answer.
func (e *environment) call(method, url string, body any) (map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if e.token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", e.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	var m map[string]any
	if res.StatusCode != 200 || json.Unmarshal(out, &m) != nil {
		return nil, fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, out)
	}
	return m, nil
}

// targets gets a token, creates a flow and returns the read actions on it.
func (e *environment) targets() ([]vegeta.Target, error) {
	m, err := e.call("POST", e.base+path("GetCorpAccessToken", "oauth2_1.0"), map[string]string{"suiteKey": suiteKey, "suiteSecret": suiteSecret, "authCorpId": corpID, "suiteTicket": "t"})
	if err != nil {
		return nil, err
	}
	e.token = m["accessToken"].(string)
	pdf := check.OnePagePDF
	sum := md5.Sum(pdf)
	md := base64.StdEncoding.EncodeToString(sum[:])
	up, err := e.call("POST", e.base+path("GetFileUploadUrl", "esign_2.0"), map[string]any{"contentMd5": md, "contentType": "application/pdf", "convert2Pdf": false, "fileName": "a.pdf", "fileSize": len(pdf)})
	if err != nil {
		return nil, err
	}
	put, _ := http.NewRequest("PUT", up["uploadUrl"].(string), bytes.NewReader(pdf))
	put.Header.Set("Content-Type", "application/pdf")
	put.Header.Set("Content-MD5", md)
	res, err := http.DefaultClient.Do(put)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	task, err := e.call("POST", e.base+path("CreateProcess", "esign_2.0"), map[string]any{"taskName": "soak", "initiatorUserId": "u1",
		"files":        []map[string]any{{"fileId": up["fileId"], "fileName": "a.pdf", "fileType": 1}},
		"participants": []map[string]any{{"accountType": "DING_USER", "userId": "u2", "signRequirements": "2"}}})
	if err != nil {
		return nil, err
	}
	id := task["taskId"].(string)
	h := http.Header{"X-Acs-Dingtalk-Access-Token": {e.token}}
	var out []vegeta.Target
	for _, p := range []string{path("GetFlowDetail", "esign_2.0", "taskId", id), path("GetFlowDetail", "esign_1.0") + "?taskId=" + id,
		path("GetSignDetail", "esign_2.0", "taskId", id), path("GetContractMargin", "esign_2.0")} {
		out = append(out, vegeta.Target{Method: "GET", URL: e.base + p, Header: h})
	}
	return out, nil
}

// path is an action's path from the gateway's action table, with its path
// parameters filled in from name, value pairs.
func path(action, version string, params ...string) string {
	_, p := api.Route(action, version)
	for i := 0; i+1 < len(params); i += 2 {
		p = strings.Replace(p, ":"+params[i], params[i+1], 1)
	}
	return p
}
