package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
