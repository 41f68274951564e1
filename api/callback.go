package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// callbackAck is the reply e签宝 suggests; it reads only the status.
type callbackAck struct {
	Code string `json:"code" enum:"200" doc:"e签宝 只读取状态码 / e签宝 reads only the status"`
	Msg  string `json:"msg" enum:"success" doc:""`
}

var callbackOK = callbackAck{Code: "200", Msg: "success"}

// esignCallback receives an e签宝 callback (no DingTalk auth: the service
// checks e签宝's signature over the raw body, which is read here as is,
// within the body limit).
func (h *handlers) esignCallback(c *gin.Context) {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			_ = c.Error(dingtalk.ErrBodyTooLarge.Wrap(err))
			return
		}
		_ = c.Error(dingtalk.ErrInvalidParam.Msg("参数错误:读取请求体失败").Wrap(err))
		return
	}
	if err := h.s.Callbacks.Handle(c.Request.Context(), c.Request.Header, c.Request.URL.RawQuery, raw); err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, callbackOK)
}

// esignCallbackProbe answers the GET e签宝's face-auth pages may send to a
// notify URL; it carries nothing to act on.
func esignCallbackProbe(c *gin.Context) { c.JSON(http.StatusOK, callbackOK) }
