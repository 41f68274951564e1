package api_test

import (
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
)

// checkNoSecrets fails if any configured secret, or any of extra (tokens
// handed out during the test), appears in the logs.
func checkNoSecrets(t *testing.T, logs string, extra ...string) {
	t.Helper()
	if logs == "" {
		t.Fatal("no logs captured: the search below would prove nothing")
	}
	secrets := map[string]string{
		"suite secret": apitest.SuiteSecret, "app secret": apitest.AppSecret, "e签宝 secret": apitest.EsignSecret,
		"token signing key": apitest.SigningKey, "admin token": apitest.AdminToken,
	}
	for i, s := range extra {
		secrets["value "+string(rune('A'+i))] = s
	}
	for name, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("the logs contain the %s", name)
		}
	}
}

// eventually polls cond every 10ms until it holds, and fails the test if
// deadline passes first.
func eventually(t *testing.T, deadline time.Duration, what string, cond func() bool) {
	t.Helper()
	if !within(deadline, cond) {
		t.Fatalf("%s: not within %v", what, deadline)
	}
}

// within polls cond every 10ms and reports whether it held before deadline.
func within(deadline time.Duration, cond func() bool) bool {
	end := time.Now().Add(deadline)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		<-tick.C
	}
	return true
}
