package api

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"esign-gateway/service"
)

// outboxCacheTTL is how long one reading of the outbox serves scrapes: a
// Redis outbox scan per scrape per replica would be wasteful, and Prometheus
// scrapes far less often anyway.
const outboxCacheTTL = time.Second

// breakerStates maps esign.Client.BreakerState to the gauge's values.
var breakerStates = map[string]float64{"closed": 0, "half-open": 1, "open": 2}

// Watch adds the gauges read from the services at scrape time:
// esigngw_outbox_depth, esigngw_outbox_oldest_age_seconds,
// esigngw_outbox_dead and
// esigngw_upstream_breaker_state. Only the first call has an effect.
func (m *Metrics) Watch(s Services) {
	if m == nil || s.Outbox == nil || s.Admin == nil {
		return
	}
	m.watchOnce.Do(func() {
		ob := &outboxReader{outbox: s.Outbox, now: m.now}
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_outbox_depth", Help: "Events waiting in the outbox for delivery to ISVs."},
				func() float64 { return float64(ob.read().Depth) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_outbox_oldest_age_seconds", Help: "Age of the oldest event waiting in the outbox."},
				func() float64 { return float64(ob.read().OldestAge) / 1000 }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_outbox_dead", Help: "Events set aside as dead (no noticeUrl, or delivery gave up), waiting for a replay."},
				func() float64 { return float64(ob.read().Dead) }),
		)
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_upstream_breaker_state",
			Help: "State of the e签宝 circuit breaker: 0 closed, 1 half-open, 2 open."},
			func() float64 { return breakerStates[s.Admin.BreakerState()] }))
	})
}

// outboxReader caches the outbox's stats for outboxCacheTTL. A failed read
// keeps the last value: the store's own error counter tells of the outage.
type outboxReader struct {
	outbox Outbox
	now    func() time.Time
	mu     sync.Mutex
	at     time.Time
	stats  service.OutboxStats
}

func (o *outboxReader) read() service.OutboxStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if !o.at.IsZero() && now.Sub(o.at) < outboxCacheTTL {
		return o.stats
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if st, err := o.outbox.Stats(ctx); err == nil {
		o.stats = st
	}
	o.at = now
	return o.stats
}
