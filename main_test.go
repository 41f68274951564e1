package main

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestConfigFileListsEveryKey keeps config.yaml and gateway.Config in step.
func TestConfigFileListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	flatten("", doc, inFile)
	keys := configKeys()
	for k := range keys {
		if !inFile[k] {
			t.Errorf("config.yaml lacks %s", k)
		}
	}
	for k := range inFile {
		if _, ok := keys[k]; !ok {
			t.Errorf("config.yaml has %s, which gateway.Config does not", k)
		}
	}
}

func flatten(prefix string, m map[string]any, out map[string]bool) {
	for k, v := range m {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		// An empty map is a key of its own (ratelimit.per_api: {}).
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			flatten(key, sub, out)
			continue
		}
		out[key] = true
	}
}

// TestEnvOverridesEveryKey sets ESIGNGW_<KEY> for every key with no config
// file at all and checks that the value reaches the Config (viper#761).
func TestEnvOverridesEveryKey(t *testing.T) {
	env := map[string]string{
		"server.addr": "127.0.0.1:9999", "server.public_url": "https://gw.example.com", "server.shutdown_timeout": "7s", "server.shutdown_delay": "3s",
		"server.body_limit": "2048", "server.page_link_ttl": "45m", "server.read_timeout": "11s", "server.write_timeout": "12s", "server.max_in_flight": "13", "server.max_body_in_flight": "15", "server.tenant_share": "0.5",
		"store.driver": "redis", "store.path": "/tmp/x.db",
		"store.redis.addrs": "a:1,b:2,c:3", "store.redis.master_name": "mymaster", "store.redis.password": "pw",
		"store.redis.db": "3", "store.redis.prefix": "p:", "store.redis.dial_timeout": "1s", "store.redis.read_timeout": "2s",
		"store.redis.write_timeout": "3s", "store.redis.pool_timeout": "4s", "store.redis.max_retries": "5", "esign.base_url": "http://e", "esign.app_id": "app",
		"esign.app_secret": "sec", "esign.auth_mode": "token", "esign.timeout": "2s", "esign.call_timeout": "9s",
		"esign.retries": "4", "esign.breaker_timeout": "45s", "esign.callback_path": "/cb", "esign.callback_window": "5m",
		"dingtalk.apps":      `[{"key":"k","secret":"s","type":"isv_enterprise","corps":["c1","c2"],"event_token":"et"}]`,
		"dingtalk.token_ttl": "60s", "dingtalk.signing_keys": "k1:0123456789abcdef0123456789abcdef",
		"dingtalk.allow_private_urls": "true", "dingtalk.initial_quota": "5",
		"dingtalk.revocation_stale": "3s", "ratelimit.default": "7", "ratelimit.token": "4", "ratelimit.upstream": "14", "ratelimit.per_api": `{"/v2.0/esign/process/startAtOnce":5}`,
		"admin.token": "adm", "admin.session_secret": "ss", "admin.session_ttl": "2h", "admin.stuck_after": "30m", "outbox.max_attempts": "3", "log.format": "text", "log.level": "debug",
		"cache.ttl": "5s", "debug.addr": "127.0.0.1:6060",
		"tracing.otlp_endpoint": "http://collector:4318", "tracing.sample_ratio": "0.25", "tracing.service_name": "gw-eu",
	}
	var keys []string
	for k := range configKeys() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := env[k]
		if !ok {
			t.Fatalf("test lacks a value for key %s", k)
		}
		t.Setenv("ESIGNGW_"+strings.ToUpper(strings.ReplaceAll(k, ".", "_")), v)
	}
	cfg, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		key       string
		got, want any
	}{
		{"server.addr", cfg.Server.Addr, "127.0.0.1:9999"},
		{"server.public_url", cfg.Server.PublicURL, "https://gw.example.com"},
		{"server.shutdown_timeout", cfg.Server.ShutdownTimeout, 7 * time.Second},
		{"server.shutdown_delay", cfg.Server.ShutdownDelay, 3 * time.Second},
		{"server.body_limit", cfg.Server.BodyLimit, int64(2048)},
		{"server.page_link_ttl", cfg.Server.PageLinkTTL, 45 * time.Minute},
		{"server.read_timeout", cfg.Server.ReadTimeout, 11 * time.Second},
		{"server.write_timeout", cfg.Server.WriteTimeout, 12 * time.Second},
		{"server.max_in_flight", cfg.Server.MaxInFlight, 13},
		{"server.max_body_in_flight", cfg.Server.MaxBodyInFlight, int64(15)},
		{"server.tenant_share", cfg.Server.TenantShare, 0.5},
		{"store.driver", cfg.Store.Driver, "redis"},
		{"store.path", cfg.Store.Path, "/tmp/x.db"},
		{"store.redis.addrs", strings.Join(cfg.Store.Redis.Addrs, ","), "a:1,b:2,c:3"},
		{"store.redis.master_name", cfg.Store.Redis.MasterName, "mymaster"},
		{"store.redis.password", cfg.Store.Redis.Password, "pw"},
		{"store.redis.db", cfg.Store.Redis.DB, 3},
		{"store.redis.prefix", cfg.Store.Redis.Prefix, "p:"},
		{"store.redis.dial_timeout", cfg.Store.Redis.DialTimeout, time.Second},
		{"store.redis.read_timeout", cfg.Store.Redis.ReadTimeout, 2 * time.Second},
		{"store.redis.write_timeout", cfg.Store.Redis.WriteTimeout, 3 * time.Second},
		{"store.redis.pool_timeout", cfg.Store.Redis.PoolTimeout, 4 * time.Second},
		{"store.redis.max_retries", cfg.Store.Redis.MaxRetries, 5},
		{"esign.base_url", cfg.Esign.BaseURL, "http://e"},
		{"esign.app_id", cfg.Esign.AppID, "app"},
		{"esign.app_secret", cfg.Esign.AppSecret, "sec"},
		{"esign.auth_mode", cfg.Esign.AuthMode, "token"},
		{"esign.timeout", cfg.Esign.Timeout, 2 * time.Second},
		{"esign.call_timeout", cfg.Esign.CallTimeout, 9 * time.Second},
		{"esign.retries", cfg.Esign.Retries, 4},
		{"esign.breaker_timeout", cfg.Esign.BreakerTimeout, 45 * time.Second},
		{"esign.callback_path", cfg.Esign.CallbackPath, "/cb"},
		{"esign.callback_window", cfg.Esign.CallbackWindow, 5 * time.Minute},
		{"dingtalk.apps", len(cfg.Dingtalk.Apps) == 1 && cfg.Dingtalk.Apps[0].Key == "k" && len(cfg.Dingtalk.Apps[0].Corps) == 2 && cfg.Dingtalk.Apps[0].EventToken == "et", true},
		{"dingtalk.token_ttl", cfg.Dingtalk.TokenTTL, time.Minute},
		{"dingtalk.signing_keys", strings.Join(cfg.Dingtalk.SigningKeys, ","), "k1:0123456789abcdef0123456789abcdef"},
		{"dingtalk.allow_private_urls", cfg.Dingtalk.AllowPrivateURLs, true},
		{"dingtalk.initial_quota", cfg.Dingtalk.InitialQuota, int64(5)},
		{"dingtalk.revocation_stale", cfg.Dingtalk.RevocationStale, 3 * time.Second},
		{"ratelimit.default", cfg.RateLimit.Default, 7},
		{"ratelimit.token", cfg.RateLimit.Token, 4},
		{"ratelimit.upstream", cfg.RateLimit.Upstream, 14},
		{"ratelimit.per_api", len(cfg.RateLimit.PerAPI) == 1 && cfg.RateLimit.PerAPI["/v2.0/esign/process/startAtOnce"] == 5, true},
		{"admin.token", cfg.Admin.Token, "adm"},
		{"admin.session_secret", cfg.Admin.SessionSecret, "ss"},
		{"admin.session_ttl", cfg.Admin.SessionTTL, 2 * time.Hour},
		{"admin.stuck_after", cfg.Admin.StuckAfter, 30 * time.Minute},
		{"outbox.max_attempts", cfg.Outbox.MaxAttempts, 3},
		{"cache.ttl", cfg.Cache.TTL, 5 * time.Second},
		{"debug.addr", cfg.Debug.Addr, "127.0.0.1:6060"},
		{"log.format", cfg.Log.Format, "text"},
		{"log.level", cfg.Log.Level, "debug"},
		{"tracing.otlp_endpoint", cfg.Tracing.OTLPEndpoint, "http://collector:4318"},
		{"tracing.sample_ratio", cfg.Tracing.SampleRatio, 0.25},
		{"tracing.service_name", cfg.Tracing.ServiceName, "gw-eu"},
	}
	if len(checks) != len(configKeys()) {
		t.Fatalf("checks cover %d keys, gateway.Config has %d", len(checks), len(configKeys()))
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.key, c.got, c.want)
		}
	}
}

// TestConfigFileSetsNoDefaults loads config.yaml: every key there is
// empty, so that each package's own default applies (none is written
// twice), and a broken file is an error.
func TestConfigFileSetsNoDefaults(t *testing.T) {
	cfg, err := loadConfig("config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if path := setIn(reflect.ValueOf(*cfg), "config"); path != "" {
		t.Errorf("config.yaml sets %s; leave it empty so the package's default applies", path)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("server: [\n"), 0o600)
	if _, err := loadConfig(bad); err == nil {
		t.Error("a broken config file loaded without error")
	}
}

// setIn returns the path of the first non-empty value in v, or "".
func setIn(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if p := setIn(v.Field(i), path+"."+v.Type().Field(i).Name); p != "" {
				return p
			}
		}
		return ""
	case reflect.Slice, reflect.Map:
		if v.Len() > 0 {
			return path
		}
		return ""
	}
	if !v.IsZero() {
		return path
	}
	return ""
}
