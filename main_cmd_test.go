package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// TestSigningKeyGeneratedOnceAndShared: with no configured keys, the first
// process stores a key and every later one (another replica, a restart)
// uses the same.
func TestSigningKeyGeneratedOnceAndShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gw.db")
	keyOf := func() dingtalk.Key {
		st, err := store.OpenBolt(path, store.BoltOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		keys, err := signingKeys(context.Background(), nil, st)
		if err != nil || len(keys) != 1 || len(keys[0].Secret) != 32 {
			t.Fatalf("keys %v, %v", keys, err)
		}
		return keys[0]
	}
	a, b := keyOf(), keyOf()
	if a.ID != b.ID || !bytes.Equal(a.Secret, b.Secret) {
		t.Error("a restart generated another signing key")
	}
	if _, err := signingKeys(context.Background(), []string{"k1:short"}, nil); err == nil {
		t.Error("a short configured key was accepted")
	}
	keys, err := signingKeys(context.Background(), []string{"new:" + strings.Repeat("n", 32), "old:" + strings.Repeat("o", 32)}, nil)
	if err != nil || len(keys) != 2 || keys[0].ID != "new" {
		t.Errorf("configured keys: %v %v", keys, err)
	}
}

// TestTokenAndVersionCommands runs the CLI as an operator would.
func TestTokenAndVersionCommands(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte(`
store: {path: `+filepath.Join(dir, "gw.db")+`}
esign: {base_url: "http://127.0.0.1:1", app_id: "app", app_secret: "secret"}
dingtalk:
  apps: [{key: suite, secret: suite-secret, type: isv_enterprise, corps: [corp1]}]
`), 0o600)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "--config", cfg, "--app", "suite", "--corp", "corp1"}, &out); err != nil {
		t.Fatal(err)
	}
	if tok := strings.TrimSpace(out.String()); strings.Count(tok, ".") != 2 {
		t.Errorf("token command printed %q, want a JWT", tok)
	}
	if err := run(context.Background(), []string{"token", "--config", cfg, "--app", "suite", "--corp", "not-listed"}, &out); err == nil {
		t.Error("a token for an unlisted corp was minted")
	}
	if err := run(context.Background(), []string{"token", "--config", cfg}, &out); err == nil {
		t.Error("token without --app and --corp succeeded")
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, &out); err != nil || !strings.HasPrefix(out.String(), "esign-gateway ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"bogus"}, &out); err == nil {
		t.Error("an unknown command succeeded")
	}
}
