package gateway

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
)

// collector is an OTLP/HTTP traces receiver: it decodes what it is sent.
type collector struct {
	mu       sync.Mutex
	paths    []string
	services []string
	spans    []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(raw, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths = append(c.paths, r.URL.Path)
	for _, rs := range req.ResourceSpans {
		for _, a := range rs.GetResource().GetAttributes() {
			if a.Key == "service.name" {
				c.services = append(c.services, a.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				c.spans = append(c.spans, s.Name)
			}
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
	w.Write(b)
}

func tracingConfig(t *testing.T, tc TracingConfig) Config {
	emu := esigntest.Start(t, esigntest.Config{AppID: "7438000000otlp", AppSecret: "otlp-test-esign-secret"})
	var cfg Config
	cfg.Store.Path = filepath.Join(t.TempDir(), "gw.db")
	cfg.Esign.BaseURL, cfg.Esign.AppID, cfg.Esign.AppSecret = emu.URL(), "7438000000otlp", "otlp-test-esign-secret"
	cfg.Dingtalk.Apps = []service.App{{Key: "suite", Secret: "suite-secret", Type: service.AppISVEnterprise, Corps: []string{"corp1"}}}
	cfg.Hooks.Out = io.Discard
	cfg.Tracing = tc
	return cfg
}

// TestTracingExportsOverOTLP: with tracing.otlp_endpoint set to a
// collector's base URL, the spans of a request reach its /v1/traces, with
// the configured service name, by the time the gateway is closed.
func TestTracingExportsOverOTLP(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	g, err := New(context.Background(), tracingConfig(t, TracingConfig{OTLPEndpoint: srv.URL, ServiceName: "gw-test"}))
	if err != nil {
		t.Fatal(err)
	}
	g.SetReady(true)
	w := httptest.NewRecorder()
	g.Handler.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("readyz: %d %s", w.Code, w.Body)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.paths) == 0 || col.paths[0] != "/v1/traces" {
		t.Fatalf("collector got %q, want spans at /v1/traces", col.paths)
	}
	if !strings.Contains(strings.Join(col.spans, ","), "Readyz") || col.services[0] != "gw-test" {
		t.Errorf("spans %q of services %q, want Readyz of gw-test", col.spans, col.services)
	}
}

// TestTracingConfigChecked: a bad endpoint or ratio stops the gateway at
// start with the key named, rather than tracing nothing.
func TestTracingConfigChecked(t *testing.T) {
	for _, tc := range []struct {
		cfg  TracingConfig
		want string
	}{
		{TracingConfig{OTLPEndpoint: "collector:4318"}, "tracing.otlp_endpoint"},
		{TracingConfig{OTLPEndpoint: "ftp://collector"}, "tracing.otlp_endpoint"},
		{TracingConfig{OTLPEndpoint: "http://collector:4318", SampleRatio: 1.5}, "tracing.sample_ratio"},
		{TracingConfig{OTLPEndpoint: "http://collector:4318", SampleRatio: -0.1}, "tracing.sample_ratio"},
	} {
		g, err := New(context.Background(), tracingConfig(t, tc.cfg))
		if err == nil {
			g.Close()
			t.Errorf("%+v: accepted", tc.cfg)
		} else if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want it to name %s", tc.cfg, err, tc.want)
		}
	}
}
