package api_test

import (
	"strings"
	"testing"

	"esign-gateway/api"
	"esign-gateway/api/apitest"
)

// metricsGateway is a test gateway with its production metrics.
func metricsGateway(t *testing.T) (*apitest.Gateway, *api.Metrics) {
	g := apitest.New(t, apitest.Options{})
	return g, g.Gateway.Metrics
}

// TestMetrics drives a few requests and reads /metrics as Prometheus would.
func TestMetrics(t *testing.T) {
	g, m := metricsGateway(t)
	tok := g.Token(apitest.CorpA)
	task := g.CreateFlow(tok, nil)
	if res := g.Do("GET", "/v2.0/esign/flowTasks/"+task, tok, nil); res.Status != 200 {
		t.Fatalf("GetFlowDetail: %d %s", res.Status, res.Raw)
	}
	g.Do("GET", "/v2.0/esign/flowTasks/"+task, "", nil)                    // missing token
	g.Do("GET", "/v2.0/esign/flowTasks/"+task, "not.a.token", nil)         // malformed
	g.Do("GET", "/v2.0/esign/flowTasks/"+task, tok[:len(tok)-2]+"AA", nil) // bad signature
	g.Do("GET", "/no/such/"+task, tok, nil)                                // unmatched
	g.Do("BREW", "/v2.0/esign/margins", tok, nil)                          // odd method
	m.RateLimited("/v2.0/esign/margins")
	m.Callback("SIGN_FLOW_FINISH", "accepted")
	m.Callback("<script>", "bad_signature")
	m.OutboxDelivery("delivered")

	res := g.Do("GET", "/metrics", "", nil)
	if res.Status != 200 {
		t.Fatalf("/metrics: %d", res.Status)
	}
	body := string(res.Raw)
	for _, want := range []string{
		`esigngw_http_requests_total{code_class="2xx",method="GET",route="/v2.0/esign/flowTasks/:taskId"} 1`,
		`esigngw_http_requests_total{code_class="4xx",method="GET",route="/v2.0/esign/flowTasks/:taskId"} 3`,
		`esigngw_http_requests_total{code_class="4xx",method="GET",route="unmatched"} 1`,
		`esigngw_http_requests_total{code_class="4xx",method="OTHER",route="unmatched"} 1`,
		`esigngw_http_request_duration_seconds_bucket{method="POST",route="/v2.0/esign/process/startAtOnce",le="10"} 1`,
		`esigngw_upstream_requests_total{operation="CreateFlow`,
		`esigngw_upstream_request_duration_seconds_count{operation="`,
		`esigngw_token_verification_failures_total{reason="missing"} 1`,
		`esigngw_token_verification_failures_total{reason="malformed"} 1`,
		`esigngw_token_verification_failures_total{reason="signature"} 1`,
		`esigngw_rate_limit_rejections_total{route="/v2.0/esign/margins"} 1`,
		`esigngw_callbacks_total{action="SIGN_FLOW_FINISH",outcome="accepted"} 1`,
		`esigngw_callbacks_total{action="other",outcome="bad_signature"} 1`,
		`esigngw_outbox_deliveries_total{outcome="delivered"} 1`,
		"esigngw_outbox_depth ", "esigngw_outbox_dead ",
		"esigngw_outbox_oldest_age_seconds 0",
		"esigngw_upstream_breaker_state 0",
		`esigngw_build_info{goversion="go`, `version="dev`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// No id, token or raw path may become a label value.
	for _, leak := range []string{task, tok, "/no/such", "BREW", apitest.CorpA} {
		if strings.Contains(body, leak) {
			t.Errorf("/metrics contains %q", leak)
		}
	}
}

// TestMetricsOff: without Metrics the router serves no /metrics and still
// works.
func TestMetricsOff(t *testing.T) {
	g := apitest.New(t, apitest.Options{Router: func(d *api.Config) { d.Metrics = nil }})
	if res := g.Do("GET", "/metrics", "", nil); res.Status != 404 {
		t.Errorf("/metrics without Metrics: %d, want 404", res.Status)
	}
	var m *api.Metrics // every method is a no-op on nil
	m.ObserveUpstream("op", "ok", 1)
	m.ObserveStore("Ping", 1, nil)
	m.RateLimited("/r")
	m.Callback("A", "ok")
	m.OutboxDelivery("delivered")
	m.TokenFailure("expired")
	m.Watch(api.ServicesOf(g.Service))
}
