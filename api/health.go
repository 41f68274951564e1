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
	Store    string `json:"store" doc:"\"ok\" 或 \"error: …\" / \"ok\" or \"error: …\""`
	Upstream string `json:"upstream" enum:"closed,half-open,open,unknown" doc:"e签宝熔断器状态 / e签宝 circuit breaker state"`
	Shutdown bool   `json:"shutdown" doc:"正在启动或关闭 / starting or shutting down"`
}

// liveBody is /livez's answer.
type liveBody struct {
	Status string `json:"status" enum:"ok" doc:"存活 / alive"`
}

// readyBody is /readyz's answer when ready.
type readyBody struct {
	Status string      `json:"status" enum:"ready" doc:"就绪 / ready"`
	Checks readyChecks `json:"checks" doc:"检查结果 / the checks"`
}

// notReady is the 503 body: DingTalk's error shape plus the checks.
type notReady struct {
	Code      string      `json:"code" enum:"ServiceUnavailable" doc:"错误码 / error code"`
	Message   string      `json:"message" doc:"失败的检查 / the failing checks"`
	RequestID string      `json:"requestid" doc:"请求ID / request id"`
	Checks    readyChecks `json:"checks" doc:"检查结果 / the checks"`
}

// live answers as long as the process serves HTTP. It checks no dependency
// on purpose: a Redis outage must not get every replica restarted.
func live(c *gin.Context) { c.JSON(http.StatusOK, liveBody{Status: "ok"}) }

// readiness says whether this replica should get traffic: the store
// answers a ping within readyTimeout, the e签宝 breaker is not open, and the
// process is not starting or shutting down (Config.Ready).
func (h *handlers) readiness(c *gin.Context) {
	checks, err := h.checkReady(c.Request.Context())
	if err == nil {
		c.JSON(http.StatusOK, readyBody{Status: "ready", Checks: checks})
		return
	}
	e := dingtalk.ErrUnavailable.Msg("not ready: %s", err)
	_ = c.Error(e) // for the access log; the body is written here because it carries the checks
	c.JSON(e.Status, &notReady{Code: e.Code, Message: e.Message,
		RequestID: middleware.RequestIDFrom(c.Request.Context()), Checks: checks})
}

// checkReady runs every check, so the answer shows all of them, and
// returns an error naming each that failed.
func (h *handlers) checkReady(ctx context.Context) (readyChecks, error) {
	var checks readyChecks
	var failed []string
	if h.cfg.Ready != nil {
		if err := h.cfg.Ready(ctx); err != nil {
			checks.Shutdown = true
			failed = append(failed, strings.TrimSpace(err.Error()))
		}
	}
	checks.Upstream = h.s.Admin.BreakerState()
	if checks.Upstream == "open" {
		failed = append(failed, "upstream: e签宝 circuit breaker open")
	}
	pctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	checks.Store = "ok"
	if err := h.s.Admin.Ping(pctx); err != nil {
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
