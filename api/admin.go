package api

import (
	"context"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/service/store"
)

// statusTimeout bounds the store calls of one status request, so the page
// still answers (with the errors) while the store is down.
const statusTimeout = 2 * time.Second

// adminStatus is GET /admin/status.
type adminStatus struct {
	Version       string         `json:"version"`
	Build         buildInfo      `json:"build"`
	StartedAt     time.Time      `json:"startedAt"`
	UptimeSeconds int64          `json:"uptimeSeconds"`
	Store         storeStatus    `json:"store"`
	Upstream      upstreamStatus `json:"upstream"`
	Outbox        outboxStatus   `json:"outbox"`
	// SigningKeyIDs are the token signing keys' ids, the signing one
	// first; never the keys.
	SigningKeyIDs []string     `json:"signingKeyIds"`
	Counts        countsStatus `json:"counts"`
}

type buildInfo struct {
	GoVersion    string `json:"goVersion"`
	Revision     string `json:"vcsRevision,omitempty"`
	RevisionTime string `json:"vcsTime,omitempty"`
	Modified     bool   `json:"vcsModified,omitempty"`
}

type storeStatus struct {
	Kind        string  `json:"kind"`
	RoundTripMs float64 `json:"roundTripMs"`
	Error       string  `json:"error,omitempty"`
}

// upstreamStatus covers the e签宝 calls of the last five minutes
// (esign.Client.Stats).
type upstreamStatus struct {
	LastSuccess *time.Time `json:"lastSuccess,omitempty"`
	Calls       int        `json:"calls"`
	ErrorRate   float64    `json:"errorRate"`
	P50Ms       float64    `json:"p50Ms"`
	P99Ms       float64    `json:"p99Ms"`
	Breaker     string     `json:"breaker"`
	// TokenExpiry is set in token auth mode once a token was fetched.
	TokenExpiry *time.Time `json:"tokenExpiry,omitempty"`
}

type outboxStatus struct {
	Depth       int64  `json:"depth"`
	OldestAgeMs int64  `json:"oldestAgeMs"`
	Error       string `json:"error,omitempty"`
}

type countsStatus struct {
	store.Counts
	Error string `json:"error,omitempty"`
}

// registerAdmin adds the status routes to the admin group (which checks
// the admin bearer token): JSON at /admin/status, HTML at /admin/.
func registerAdmin(g *gin.RouterGroup, d Deps) {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	a := &adminPage{d: d, now: now, started: now(), build: readBuildInfo()}
	g.GET("/status", func(c *gin.Context) { c.JSON(http.StatusOK, a.status(c.Request.Context())) })
	g.GET("/", a.html)
}

type adminPage struct {
	d       Deps
	now     func() time.Time
	started time.Time
	build   buildInfo
}

func (a *adminPage) status(ctx context.Context) *adminStatus {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	svc, st := a.d.Service, a.d.Service.Store()
	now := a.now()
	s := &adminStatus{Version: a.d.Version, Build: a.build, StartedAt: a.started,
		UptimeSeconds: int64(now.Sub(a.started).Seconds()), SigningKeyIDs: svc.KeyIDs()}

	s.Store.Kind = st.Kind()
	start := a.now()
	if err := st.Ping(ctx); err != nil {
		s.Store.Error = err.Error()
	}
	s.Store.RoundTripMs = ms(a.now().Sub(start))

	s.Upstream.Breaker = "unknown"
	if ec := svc.Esign(); ec != nil {
		stats := ec.Stats()
		if !stats.LastSuccess.IsZero() {
			s.Upstream.LastSuccess = &stats.LastSuccess
		}
		s.Upstream.Calls, s.Upstream.ErrorRate = stats.Calls, stats.ErrorRate
		s.Upstream.P50Ms, s.Upstream.P99Ms = ms(stats.P50), ms(stats.P99)
		s.Upstream.Breaker = ec.BreakerState()
		if exp := ec.TokenExpiry(); !exp.IsZero() {
			s.Upstream.TokenExpiry = &exp
		}
	}

	if ob, err := st.OutboxStats(ctx, now); err != nil {
		s.Outbox.Error = err.Error()
	} else {
		s.Outbox.Depth, s.Outbox.OldestAgeMs = ob.Depth, ob.OldestAge
	}
	if n, err := st.Counts(ctx); err != nil {
		s.Counts.Error = err.Error()
	} else {
		s.Counts.Counts = n
	}
	return s
}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// readBuildInfo reads the Go version and, when the binary was built from a
// git checkout with VCS stamping, the revision.
func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{GoVersion: "unknown"}
	}
	b := buildInfo{GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.RevisionTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}
