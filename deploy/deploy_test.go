package deploy

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestManifests checks the example against what the gateway needs: two
// replicas on Redis, the probes, non-root read-only containers with
// resources, a PDB and Service that select the pods, env and ConfigMap
// keys the gateway knows, secrets only from the Secret, and a grace period
// covering the shutdown delay and timeout.
func TestManifests(t *testing.T) {
	all := load(t)
	keys := configKeys(t)
	dep := one(t, all, "Deployment")
	pod := dig(dep, "spec", "template")
	podLabels := fmt.Sprint(dig(pod, "metadata", "labels"))
	c := dig(pod, "spec", "containers", 0)

	checks := []struct {
		name      string
		got, want any
	}{
		{"replicas", dig(dep, "spec", "replicas"), 2},
		{"selector matches pods", fmt.Sprint(dig(dep, "spec", "selector", "matchLabels")), podLabels},
		{"liveness path", dig(c, "livenessProbe", "httpGet", "path"), "/livez"},
		{"readiness path", dig(c, "readinessProbe", "httpGet", "path"), "/readyz"},
		{"port", dig(c, "ports", 0, "containerPort"), 8080},
		{"runAsNonRoot", dig(pod, "spec", "securityContext", "runAsNonRoot"), true},
		{"readOnlyRootFilesystem", dig(c, "securityContext", "readOnlyRootFilesystem"), true},
		{"allowPrivilegeEscalation", dig(c, "securityContext", "allowPrivilegeEscalation"), false},
		{"service selector", fmt.Sprint(dig(one(t, all, "Service"), "spec", "selector")), podLabels},
		{"service target", dig(one(t, all, "Service"), "spec", "ports", 0, "targetPort"), dig(c, "ports", 0, "name")},
		{"PDB minAvailable", dig(one(t, all, "PodDisruptionBudget"), "spec", "minAvailable"), 1},
		{"PDB selector", fmt.Sprint(dig(one(t, all, "PodDisruptionBudget"), "spec", "selector", "matchLabels")), podLabels},
	}
	for _, r := range []string{"requests", "limits"} {
		for _, res := range []string{"cpu", "memory"} {
			checks = append(checks, struct {
				name      string
				got, want any
			}{r + "." + res + " set", dig(c, "resources", r, res) != nil, true})
		}
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}

	secret := one(t, all, "Secret")
	env := map[string]bool{}
	for _, e := range dig(c, "env").([]any) {
		name := dig(e, "name").(string)
		env[name] = true
		if strings.HasPrefix(name, "ESIGNGW_") && !keys[envKey(name, keys)] {
			t.Errorf("env %s names no configuration key", name)
		}
		if ref := dig(e, "valueFrom", "secretKeyRef"); ref != nil {
			if dig(ref, "name") != dig(secret, "metadata", "name") || dig(secret, "stringData", dig(ref, "key").(string)) == nil {
				t.Errorf("env %s refers to %v, which the example Secret lacks", name, ref)
			}
		}
	}
	if v := envValue(c, "ESIGNGW_STORE_DRIVER"); v != "redis" {
		t.Errorf("store driver %q, want redis (two replicas share the store)", v)
	}
	for _, s := range []string{"ESIGNGW_ESIGN_APP_SECRET", "ESIGNGW_STORE_REDIS_PASSWORD", "ESIGNGW_ADMIN_TOKEN", "ESIGNGW_DINGTALK_APPS"} {
		if !env[s] {
			t.Errorf("the Deployment does not pass %s", s)
		}
		if envValue(c, s) != "" {
			t.Errorf("%s has a literal value; secrets come from the Secret", s)
		}
	}

	cfg := dig(one(t, all, "ConfigMap"), "data", "config.yaml").(string)
	inMap := map[string]bool{}
	flatten(t, []byte(cfg), inMap)
	for k := range inMap {
		if !keys[k] {
			t.Errorf("the ConfigMap's config.yaml has %s, which the gateway does not know", k)
		}
	}
	var sc struct {
		Server struct {
			Delay   string `yaml:"shutdown_delay"`
			Timeout string `yaml:"shutdown_timeout"`
		} `yaml:"server"`
	}
	if err := yaml.Unmarshal([]byte(cfg), &sc); err != nil {
		t.Fatal(err)
	}
	delay, _ := time.ParseDuration(sc.Server.Delay)
	timeout, _ := time.ParseDuration(sc.Server.Timeout)
	grace, _ := dig(pod, "spec", "terminationGracePeriodSeconds").(int)
	if delay == 0 || time.Duration(grace)*time.Second <= delay+timeout {
		t.Errorf("terminationGracePeriodSeconds %d must exceed shutdown_delay %v + shutdown_timeout %v (and the delay be set)", grace, delay, timeout)
	}

	kust := one(t, all, "Kustomization")
	var listed []string
	for _, r := range dig(kust, "resources").([]any) {
		listed = append(listed, r.(string))
		if _, err := os.Stat(r.(string)); err != nil {
			t.Errorf("kustomization lists %v: %v", r, err)
		}
	}
	if slices.Contains(listed, all["Secret"][0].file) {
		t.Error("the kustomization applies the example Secret")
	}
}

// envKey maps ESIGNGW_STORE_REDIS_ADDRS back to store.redis.addrs.
func envKey(env string, keys map[string]bool) string {
	for k := range keys {
		if "ESIGNGW_"+strings.ToUpper(strings.ReplaceAll(k, ".", "_")) == env {
			return k
		}
	}
	return ""
}

func envValue(c any, name string) string {
	for _, e := range dig(c, "env").([]any) {
		if dig(e, "name") == name {
			v, _ := dig(e, "value").(string)
			return v
		}
	}
	return ""
}
