package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// readyTimeout bounds the store ping of a readiness probe: a store slower
// than this is as good as down for request latency, and a probe must answer
// well inside Kubernetes' default 1s probe timeout.
const readyTimeout = 300 * time.Millisecond

// readyChecks is what /readyz found: "ok" or "error: ..." for the store,
// the e签宝 circuit breaker's state, and whether the process is starting or
// shutting down.
type readyChecks struct {
	Store    string `json:"store"`
	Upstream string `json:"upstream"`
	Shutdown bool   `json:"shutdown"`
}

// notReady is the 503 body: DingTalk's error shape plus the checks.
type notReady struct {
	Code      string      `json:"code"`
	Message   string      `json:"message"`
	RequestID string      `json:"requestid"`
	Checks    readyChecks `json:"checks"`
}

// registerOps adds the probes and the metrics endpoint. None of them needs
// a token: probes come from the kubelet, scrapes from Prometheus, and
// neither answer carries ids or secrets.
func registerOps(r *gin.Engine, d Deps) {
	r.GET("/livez", live)
	ready := readiness(d)
	r.GET("/readyz", ready)
	r.GET("/healthz", ready) // deprecated by Kubernetes in favour of livez/readyz, kept for older probes
	if d.Metrics != nil {
		r.GET("/metrics", gin.WrapH(d.Metrics.Handler()))
	}
}

// live answers as long as the process serves HTTP. It checks no dependency
// on purpose: a Redis outage must not get every replica restarted.
func live(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readiness says whether this replica should get traffic: the store
// answers a ping within readyTimeout, the e签宝 breaker is not open, and the
// process is not starting or shutting down (Deps.Ready).
func readiness(d Deps) gin.HandlerFunc {
	return func(c *gin.Context) {
		checks, err := checkReady(c.Request.Context(), d)
		if err == nil {
			c.JSON(http.StatusOK, gin.H{"status": "ready", "checks": checks})
			return
		}
		e := dingtalk.ErrUnavailable.Msg("not ready: %s", err)
		_ = c.Error(e) // for the access log; the body is written here because it carries the checks
		c.JSON(e.Status, &notReady{Code: e.Code, Message: e.Message,
			RequestID: middleware.RequestIDFrom(c.Request.Context()), Checks: checks})
	}
}

// checkReady runs every check, so the answer shows all of them, and
// returns an error naming each that failed.
func checkReady(ctx context.Context, d Deps) (readyChecks, error) {
	var checks readyChecks
	var failed []string
	if d.Ready != nil {
		if err := d.Ready(ctx); err != nil {
			checks.Shutdown = true
			failed = append(failed, strings.TrimSpace(err.Error()))
		}
	}
	checks.Upstream = "unknown"
	if ec := d.Service.Esign(); ec != nil {
		checks.Upstream = ec.BreakerState()
		if checks.Upstream == "open" {
			failed = append(failed, "upstream: e签宝 circuit breaker open")
		}
	}
	pctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	checks.Store = "ok"
	if err := d.Service.Store().Ping(pctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("no answer within %v", readyTimeout)
		}
		checks.Store = "error: " + err.Error()
		failed = append(failed, "store: "+err.Error())
	}
	if len(failed) > 0 {
		return checks, errors.New(strings.Join(failed, "; "))
	}
	return checks, nil
}
