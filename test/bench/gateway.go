package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The benchmark's DingTalk identities; the signing key is fixed so tokens
// do not depend on the store.
const (
	suiteKey    = "bench-suite"
	suiteSecret = "bench-suite-secret"
	benchCorp   = "bench-corp"
	signingKey  = "bench:0123456789abcdef0123456789abcdef"
)

// gwSpec is one gateway configuration under test.
type gwSpec struct {
	Store string        // "redis" or "embedded"
	TTL   time.Duration // cache.ttl; 0 here means the caches off
}

func (s gwSpec) name() string {
	c := "uncached"
	if s.TTL > 0 {
		c = "cached"
	}
	return "gateway " + s.Store + " " + c
}

// gateway is a running gateway process with a seeded corp token and task.
type gateway struct {
	*proc
	spec     gwSpec
	URL      string
	DebugURL string
	Token    string
	TaskID   string
	FlowID   string // read from Redis; "" on the embedded store
}

// buildGateway compiles the gateway once for the whole run.
func buildGateway(dir string) (string, error) {
	mod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(mod)))
	bin := filepath.Join(dir, "esign-gateway")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// startRedis runs a throwaway redis-server (no persistence) on CPU 0.
func startRedis(dir string) (*proc, string, error) {
	addr, err := freePort()
	if err != nil {
		return nil, "", err
	}
	port := addr[strings.LastIndexByte(addr, ':')+1:]
	p, err := startProc("redis", cpuLoad, nil, "redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir)
	if err != nil {
		return nil, "", fmt.Errorf("redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if err := waitFor(5*time.Second, func() error { return c.Ping(context.Background()).Err() }); err != nil {
		p.stop()
		return nil, "", fmt.Errorf("redis-server did not start: %v %s", err, p.log)
	}
	return p, addr, nil
}

// startGateway runs the gateway binary in serve mode on CPU 1, configured
// only through ESIGNGW_* variables, and seeds it.
func startGateway(bin, dir, redisAddr, upstream string, spec gwSpec, n int) (*gateway, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	debug, err := freePort()
	if err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("bench%d:", n)
	apps := fmt.Sprintf(`[{"key":%q,"secret":%q,"type":"isv_enterprise","corps":[%q]}]`, suiteKey, suiteSecret, benchCorp)
	env := []string{
		"ESIGNGW_SERVER_ADDR=" + addr, "ESIGNGW_SERVER_PUBLIC_URL=http://" + addr,
		"ESIGNGW_STORE_DRIVER=" + spec.Store, "ESIGNGW_STORE_PATH=" + filepath.Join(dir, fmt.Sprintf("gw%d.db", n)),
		"ESIGNGW_STORE_REDIS_ADDRS=" + redisAddr, "ESIGNGW_STORE_REDIS_PREFIX=" + prefix,
		"ESIGNGW_ESIGN_BASE_URL=" + upstream, "ESIGNGW_ESIGN_APP_ID=" + esignAppID, "ESIGNGW_ESIGN_APP_SECRET=" + esignSecret,
		"ESIGNGW_DINGTALK_APPS=" + apps, "ESIGNGW_DINGTALK_SIGNING_KEYS=" + signingKey,
		"ESIGNGW_DINGTALK_ALLOW_PRIVATE_URLS=true", "ESIGNGW_DINGTALK_INITIAL_QUOTA=1000",
		// The load is one app and corp calling one action thousands of
		// times a second: far over DingTalk's default 20/s limit.
		"ESIGNGW_RATELIMIT_DEFAULT=-1", "ESIGNGW_RATELIMIT_UPSTREAM=-1",
		// With injected e签宝 latency the open loop can hold more than the
		// default 256 requests at once; shedding would hide the latency.
		"ESIGNGW_SERVER_MAX_IN_FLIGHT=-1", "ESIGNGW_SERVER_MAX_BODY_IN_FLIGHT=-1",
		"ESIGNGW_CACHE_TTL=" + cacheTTL(spec.TTL), "ESIGNGW_DEBUG_ADDR=" + debug,
		"ESIGNGW_LOG_LEVEL=warn", "ESIGNGW_ADMIN_TOKEN=",
	}
	p, err := startProc(spec.name(), cpuSUT, env, bin, "serve")
	if err != nil {
		return nil, err
	}
	g := &gateway{proc: p, spec: spec, URL: "http://" + addr, DebugURL: "http://" + debug}
	err = waitFor(10*time.Second, func() error {
		res, err := http.Get(g.URL + "/livez")
		if err != nil {
			return err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("livez %d", res.StatusCode)
		}
		return nil
	})
	if err == nil {
		err = g.seed()
	}
	if err == nil && spec.Store == "redis" {
		g.FlowID, err = flowOf(redisAddr, prefix, g.TaskID)
	}
	if err != nil {
		p.stop()
		return nil, fmt.Errorf("%s: %v\n%s", spec.name(), err, p.log)
	}
	return g, nil
}

// flowOf reads the e签宝 flow behind a task from the Redis store, for the
// direct and proxy loads, which need a real flow of the same shape.
func flowOf(addr, prefix, taskID string) (string, error) {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	raw, err := c.Get(context.Background(), prefix+"{task:"+taskID+"}").Bytes()
	if err != nil {
		return "", fmt.Errorf("task %s in redis: %w", taskID, err)
	}
	var t struct {
		FlowID string `json:"flowId"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || t.FlowID == "" {
		return "", errors.New("task in redis has no flowId")
	}
	return t.FlowID, nil
}

// waitFor retries fn every 20ms until it succeeds or d has passed.
func waitFor(d time.Duration, fn func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := fn()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeJSON writes v to path, indented.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// cacheTTL is the cache.ttl setting for ttl: the gateway reads 0 as its
// default (2s), so "off" is a negative duration.
func cacheTTL(ttl time.Duration) string {
	if ttl <= 0 {
		return "-1s"
	}
	return ttl.String()
}
