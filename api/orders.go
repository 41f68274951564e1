package api

import (
	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// channelOrderV1 handles POST /v1.0/esign/orders/channel.
func (h handlers) channelOrderV1(c *gin.Context) (any, error) {
	var req dingtalk.ChannelOrderRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.ChannelOrder(c.Request.Context(), &req, req.ValidateV1)
}

// channelOrders handles POST /v2.0/esign/orders/channel.
func (h handlers) channelOrders(c *gin.Context) (any, error) {
	var req dingtalk.ChannelOrderRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.ChannelOrder(c.Request.Context(), &req, req.ValidateV2)
}

// orderResaleV1 handles POST /v1.0/esign/orders/resale.
func (h handlers) orderResaleV1(c *gin.Context) (any, error) {
	var req dingtalk.ResaleOrderRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.ResaleOrder(c.Request.Context(), &req, req.ValidateV1)
}

// resaleOrder handles POST /v2.0/esign/orders/resale.
func (h handlers) resaleOrder(c *gin.Context) (any, error) {
	var req dingtalk.ResaleOrderRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, err
	}
	return h.svc.ResaleOrder(c.Request.Context(), &req, req.Validate)
}

// margin handles GET /v1.0/esign/contracts/margin and GET /v2.0/esign/margins.
func (h handlers) margin(c *gin.Context) (any, error) {
	return h.svc.Margin(c.Request.Context())
}
