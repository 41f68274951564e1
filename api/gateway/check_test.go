package gateway_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"esign-gateway/api/gateway"
	"esign-gateway/esign"
	"esign-gateway/esign/esigntest"
)

// checkConfig is a configuration whose e签宝 is emu.
func checkConfig(emu *esigntest.Server, secret string) gateway.Config {
	var cfg gateway.Config
	cfg.Esign.Config = esign.Config{BaseURL: emu.URL(), AppID: emu.AppID(), AppSecret: secret}
	return cfg
}

// actionRow finds an action's line in the printed table.
func actionRow(t *testing.T, out, action, version string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + action + `\s+` + regexp.QuoteMeta(version) + `\s+.*$`).FindString(out)
	if m == "" {
		t.Fatalf("no row for %s %s in:\n%s", action, version, out)
	}
	return m
}

func TestCheckAgainstTheEmulator(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{})
	var out bytes.Buffer
	err := gateway.Check(context.Background(), checkConfig(emu, esigntest.DefaultAppSecret), gateway.CheckOptions{}, &out)
	t.Logf("check printed:\n%s", out.String())
	if err != nil {
		t.Fatalf("check failed against the emulator: %v", err)
	}
	got := out.String()
	for _, want := range []struct{ action, version, state string }{
		{"CreateProcess", "esign_2.0", "ok"},
		{"GetFlowDetail", "esign_1.0", "ok"},
		{"GetExecuteUrl", "esign_2.0", "ok"},
		{"GetAuthUrl", "esign_2.0", "ok"},
		{"ChannelOrder", "esign_1.0", "ok"},   // gateway state only
		{"ApprovalList", "esign_2.0", "skip"}, // no real-named organization named
		{"GetFlowDocs", "esign_2.0", "skip"},  // nobody signs during the check
	} {
		if row := actionRow(t, got, want.action, want.version); !strings.Contains(row, " "+want.state) {
			t.Errorf("%s %s: want %s, row %q", want.action, want.version, want.state, row)
		}
	}
	if n := strings.Count(got, "\n"); n < 42+20 {
		t.Errorf("table has %d lines, want a row for each of the 42 actions and each step", n)
	}
	// The check cleans up after itself: both flows it made are revoked.
	created, revoked := 0, 0
	for _, c := range emu.Calls() {
		switch {
		case c.Path == "/api/v2/signflows/createFlowOneStep" && c.Status == 200:
			created++
		case strings.HasSuffix(c.Path, "/revoke") && c.Status == 200:
			revoked++
		}
	}
	if created != 2 || revoked != 2 {
		t.Errorf("the check created %d flows and revoked %d, want 2 and 2", created, revoked)
	}
}

func TestCheckReportsBadCredentialsWithoutTheSecret(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{})
	const wrong = "not-the-secret-0123456789"
	var out bytes.Buffer
	err := gateway.Check(context.Background(), checkConfig(emu, wrong), gateway.CheckOptions{}, &out)
	if !errors.Is(err, gateway.ErrCheckFailed) {
		t.Fatalf("check with a wrong secret: err %v, want ErrCheckFailed", err)
	}
	got := out.String()
	if !regexp.MustCompile(`credentials and clock.*FAILED`).MatchString(got) {
		t.Errorf("the credentials step is not reported failed:\n%s", got)
	}
	if strings.Contains(got, wrong) || strings.Contains(got, esigntest.DefaultAppSecret) {
		t.Errorf("the report shows a secret:\n%s", got)
	}
	if row := actionRow(t, got, "CreateProcess", "esign_2.0"); !strings.Contains(row, "FAILED") {
		t.Errorf("CreateProcess with bad credentials: %q, want FAILED", row)
	}
}

func TestCheckReachesTheCallbackURL(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{})
	g := startGateway(t, emu)
	cfg := checkConfig(emu, esigntest.DefaultAppSecret)
	cfg.Server.PublicURL = g
	var out bytes.Buffer
	if err := gateway.Check(context.Background(), cfg, gateway.CheckOptions{Reach: true}, &out); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if !regexp.MustCompile(`callback URL reachable\s+POST \S+\s+ok`).MatchString(out.String()) {
		t.Errorf("callback URL not reported reachable:\n%s", out.String())
	}
	cfg.Server.PublicURL = emu.URL() // not a gateway: the emulator does not answer our refusal
	out.Reset()
	if err := gateway.Check(context.Background(), cfg, gateway.CheckOptions{Reach: true}, &out); !errors.Is(err, gateway.ErrCheckFailed) {
		t.Errorf("a public URL that is not the gateway passed the reach check:\n%s", out.String())
	}
}

// startGateway runs a gateway on emu and returns its base URL.
func startGateway(t *testing.T, emu *esigntest.Server) string {
	t.Helper()
	cfg := checkConfig(emu, esigntest.DefaultAppSecret)
	cfg.Store.Path = filepath.Join(t.TempDir(), "gw.db")
	cfg.Hooks.Out = io.Discard
	g, err := gateway.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	srv := httptest.NewServer(g.Handler)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCheckV3NeedsGrant: with a real-named organization named, the v3
// calls run; a scope the organization has not granted is reported as
// "needs grant" on the actions that need it (not as a failure), and
// passes once granted.
func TestCheckV3NeedsGrant(t *testing.T) {
	emu := esigntest.Start(t, esigntest.Config{})
	cfg := checkConfig(emu, esigntest.DefaultAppSecret)
	var out bytes.Buffer
	if err := gateway.Check(context.Background(), cfg, gateway.CheckOptions{}, &out); err != nil {
		t.Fatalf("first check: %v\n%s", err, out.String())
	}
	org := regexp.MustCompile(`orgId ([0-9a-f]+)`).FindStringSubmatch(out.String())
	if org == nil {
		t.Fatalf("no orgId in:\n%s", out.String())
	}
	if err := emu.SetRealname(org[1], true); err != nil {
		t.Fatal(err)
	}
	opts := gateway.CheckOptions{OrgName: "网关自检机构"}
	out.Reset()
	if err := gateway.Check(context.Background(), cfg, opts, &out); err != nil {
		t.Fatalf("check with a missing grant must not fail: %v\n%s", err, out.String())
	}
	if row := actionRow(t, out.String(), "ApprovalList", "esign_2.0"); !strings.Contains(row, "needs grant") {
		t.Errorf("ApprovalList without org_approval_info: %q, want needs grant\n%s", row, out.String())
	}
	if row := actionRow(t, out.String(), "GetCorpInfo", "esign_2.0"); !strings.Contains(row, " ok ") {
		t.Errorf("GetCorpInfo of a real-named organization: %q, want ok", row)
	}
	if err := emu.Grant(emu.V3ID(org[1]), "org_approval_info"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := gateway.Check(context.Background(), cfg, opts, &out); err != nil {
		t.Fatal(err)
	}
	if row := actionRow(t, out.String(), "ApprovalList", "esign_2.0"); strings.Contains(row, "needs grant") || strings.Contains(row, "FAILED") {
		t.Errorf("ApprovalList after the grant: %q", row)
	}
	t.Logf("check printed:\n%s", out.String())
}
