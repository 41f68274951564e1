package api

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"esign-gateway/service"
	"esign-gateway/service/store"
)

// outboxCacheTTL is how long one reading of the outbox serves scrapes: a
// Redis outbox scan per scrape per replica would be wasteful, and Prometheus
// scrapes far less often anyway.
const outboxCacheTTL = time.Second

// breakerStates maps esign.Client.BreakerState to the gauge's values.
var breakerStates = map[string]float64{"closed": 0, "half-open": 1, "open": 2}

// Watch adds the gauges read from svc at scrape time: esigngw_outbox_depth,
// esigngw_outbox_oldest_age_seconds and esigngw_upstream_breaker_state.
// Only the first call has an effect.
func (m *Metrics) Watch(svc *service.Service) {
	if m == nil || svc == nil {
		return
	}
	m.watchOnce.Do(func() {
		ob := &outboxReader{st: svc.Store(), now: m.now}
		m.reg.MustRegister(
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_outbox_depth", Help: "Events waiting in the outbox for delivery to ISVs."},
				func() float64 { return float64(ob.read().Depth) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_outbox_oldest_age_seconds", Help: "Age of the oldest event waiting in the outbox."},
				func() float64 { return float64(ob.read().OldestAge) / 1000 }),
		)
		if ec := svc.Esign(); ec != nil {
			m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "esigngw_upstream_breaker_state",
				Help: "State of the e签宝 circuit breaker: 0 closed, 1 half-open, 2 open."},
				func() float64 { return breakerStates[ec.BreakerState()] }))
		}
	})
}

// outboxReader caches store.OutboxStats for outboxCacheTTL. A failed read
// keeps the last value: the store's own error counter tells of the outage.
type outboxReader struct {
	st    store.Store
	now   func() time.Time
	mu    sync.Mutex
	at    time.Time
	stats store.OutboxStats
}

func (o *outboxReader) read() store.OutboxStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if !o.at.IsZero() && now.Sub(o.at) < outboxCacheTTL {
		return o.stats
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if st, err := o.st.OutboxStats(ctx, now); err == nil {
		o.stats = st
	}
	o.at = now
	return o.stats
}
