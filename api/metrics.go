package api

import (
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// durationBuckets are OpenTelemetry's advised buckets for
// http.server.request.duration (anchors.md §5.1), in seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// storeBuckets start lower: a Redis or bbolt call takes tens of µs to a few ms.
var storeBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}

// MetricsConfig configures NewMetrics.
type MetricsConfig struct {
	// Version is reported by esigngw_build_info.
	Version string
	// Now is the clock of the request timer and the outbox gauge's cache;
	// nil means time.Now.
	Now func() time.Time
}

// Metrics is the gateway's Prometheus instrumentation, on its own registry
// (plus the Go and process collectors) so tests can build as many as they
// like. Every label is a small fixed set: route templates, operations,
// outcomes and reasons, never ids or paths. All methods are safe on a nil
// *Metrics and then do nothing, so callers need no nil checks.
type Metrics struct {
	reg          *prometheus.Registry
	now          func() time.Time
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	upstream     *prometheus.CounterVec
	upstreamTime *prometheus.HistogramVec
	storeTime    *prometheus.HistogramVec
	storeErrors  *prometheus.CounterVec
	tokenFails   *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	callbacks    *prometheus.CounterVec
	deliveries   *prometheus.CounterVec
	actions      labelGuard // callback actions come from e签宝's body
	routes       routeCache
	watchOnce    sync.Once
}

// NewMetrics registers every metric on a new registry.
func NewMetrics(cfg MetricsConfig) *Metrics {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Metrics{reg: prometheus.NewRegistry(), now: cfg.Now, actions: labelGuard{max: 32}}
	m.requests = m.counter("esigngw_http_requests_total", "HTTP requests served, by route template, method and status class.", "route", "method", "code_class")
	m.duration = m.histogram("esigngw_http_request_duration_seconds", "Time to serve an HTTP request, by route template and method.", durationBuckets, "route", "method")
	m.upstream = m.counter("esigngw_upstream_requests_total", "Calls to the e签宝 OpenAPI, by operation and outcome (ok, business_error, auth_error, http_error, timeout, transport_error, decode_error, breaker_open).", "operation", "outcome")
	m.upstreamTime = m.histogram("esigngw_upstream_request_duration_seconds", "Duration of a call to the e签宝 OpenAPI, retries included, by operation.", durationBuckets, "operation")
	m.storeTime = m.histogram("esigngw_store_operation_duration_seconds", "Duration of a store call, by Store method.", storeBuckets, "operation")
	m.storeErrors = m.counter("esigngw_store_errors_total", "Store calls that failed in the backend (not found and similar answers excluded), by Store method.", "operation")
	m.tokenFails = m.counter("esigngw_token_verification_failures_total", "Access tokens refused, by reason.", "reason")
	m.rateLimited = m.counter("esigngw_rate_limit_rejections_total", "Calls refused by the rate limiter, by route template.", "route")
	m.callbacks = m.counter("esigngw_callbacks_total", "e签宝 callbacks received, by action and outcome.", "action", "outcome")
	m.deliveries = m.counter("esigngw_outbox_deliveries_total", "Attempts to deliver an outbox event to an ISV's noticeUrl, by outcome.", "outcome")
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "esigngw_build_info", Help: "Always 1; the labels say which build is running."}, []string{"version", "goversion"})
	info.WithLabelValues(cfg.Version, runtime.Version()).Set(1)
	m.reg.MustRegister(info, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

func (m *Metrics) histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	m.reg.MustRegister(h)
	return h
}

// Handler serves the metrics in Prometheus' text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveUpstream records one e签宝 call; it has the signature of
// esign.Config.Observe.
func (m *Metrics) ObserveUpstream(op, outcome string, d time.Duration) {
	if m == nil {
		return
	}
	m.upstream.WithLabelValues(op, outcome).Inc()
	m.upstreamTime.WithLabelValues(op).Observe(d.Seconds())
}

// ObserveStore records one store call; it has the signature of
// store.Observer (err is nil unless the backend failed).
func (m *Metrics) ObserveStore(op string, d time.Duration, err error) {
	if m == nil {
		return
	}
	if d > 0 {
		m.storeTime.WithLabelValues(op).Observe(d.Seconds())
	}
	if err != nil {
		m.storeErrors.WithLabelValues(op).Inc()
	}
}

// TokenFailure counts an access token refused for reason (see
// dingtalk.TokenFailureReason; "missing" when there was none).
func (m *Metrics) TokenFailure(reason string) {
	if m == nil {
		return
	}
	m.tokenFails.WithLabelValues(reason).Inc()
}

// RateLimited counts a call refused by the rate limiter on route (a route
// template); it fits middleware.RateLimitConfig.OnReject.
func (m *Metrics) RateLimited(route string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(route).Inc()
}

// Callback counts an e签宝 callback by its action (as e签宝 names it, for
// example SIGN_FLOW_FINISH) and outcome (for example accepted, duplicate,
// bad_signature, stale, error). Since the action comes from the request
// body, only the first 32 distinct well-formed actions get their own label
// value; any other is counted as "other".
func (m *Metrics) Callback(action, outcome string) {
	if m == nil {
		return
	}
	m.callbacks.WithLabelValues(m.actions.value(action), outcome).Inc()
}

// OutboxDelivery counts one attempt to deliver an outbox event by its
// outcome; it fits service.Config.OnPush.
func (m *Metrics) OutboxDelivery(outcome string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// labelGuard bounds the label values taken from untrusted input.
type labelGuard struct {
	max  int
	mu   sync.Mutex
	seen map[string]bool
}

func (g *labelGuard) value(v string) string {
	if !labelSafe(v) {
		return "other"
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.seen[v] {
		return v
	}
	if len(g.seen) >= g.max {
		return "other"
	}
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	g.seen[v] = true
	return v
}

// labelSafe accepts 1-64 characters of [A-Za-z0-9_.-].
func labelSafe(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '.' || ch == '-') {
			return false
		}
	}
	return true
}
