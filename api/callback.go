package api

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// callbackAck is the reply e签宝 suggests; it reads only the status.
type callbackAck struct {
	Code string `json:"code" enum:"200" doc:"e签宝 只读取状态码 / e签宝 reads only the status"`
	Msg  string `json:"msg" enum:"success" doc:""`
}

var callbackOK = callbackAck{Code: "200", Msg: "success"}

// esignCallback receives an e签宝 callback (no DingTalk auth: the service
// checks e签宝's signature over the raw body, which is read here as is,
// within the body limit). Every callback is counted in
// esigngw_callbacks_total by its action and outcome, so a flood of forged
// ones shows.
func (h *handlers) esignCallback(c *gin.Context) {
	action, err := h.receiveCallback(c)
	h.cfg.Metrics.Callback(action, callbackOutcome(err))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, callbackOK)
}

func (h *handlers) receiveCallback(c *gin.Context) (string, error) {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return "", bodyError(err)
	}
	return h.s.Callbacks.Handle(c.Request.Context(), c.Request.Header, c.Request.URL.RawQuery, raw)
}

// callbackOutcome names how a callback ended, for metrics: accepted,
// refused (signature, app id or timestamp), too_large, malformed (another
// 4xx) or failed (5xx: e签宝 will retry).
func callbackOutcome(err error) string {
	var de *dingtalk.Error
	switch {
	case err == nil:
		return "accepted"
	case errors.Is(err, dingtalk.ErrCallbackSignature):
		return "refused"
	case errors.Is(err, dingtalk.ErrBodyTooLarge):
		return "too_large"
	case errors.As(err, &de) && de.Status < 500:
		return "malformed"
	}
	return "failed"
}

// esignCallbackProbe answers the GET e签宝's face-auth pages may send to a
// notify URL; it carries nothing to act on.
func esignCallbackProbe(c *gin.Context) { c.JSON(http.StatusOK, callbackOK) }

// Dead events, for operators (admin token).

func (h *handlers) deadEvents(ctx context.Context, r *service.DeadListRequest) (*service.DeadList, error) {
	return h.s.Outbox.DeadList(ctx, r)
}

func (h *handlers) replayEvents(ctx context.Context, r *service.ReplayRequest) (*service.ReplayResult, error) {
	return h.s.Outbox.ReplayRequested(ctx, r)
}
