package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// The resale orders are the gateway's own ledger: e签宝's OpenAPI has no
// counterpart for DingTalk's channel orders, so each corp's quota is bought
// through these actions and used by CreateProcess (README, OpenAPI).

// Orders keeps the resale ledger: orders bought per corp and the quota
// they give.
type Orders service

// Channel is ChannelOrder/ChannelOrders (分润模式).
func (s *Orders) Channel(ctx context.Context, req *dingtalk.ChannelOrderRequest) (*dingtalk.OrderID, error) {
	return s.placeOrder(ctx, "channel", req.OrderID, *req.Quantity, req)
}

// Resale is OrderResale/ResaleOrder (底价结算模式).
func (s *Orders) Resale(ctx context.Context, req *dingtalk.ResaleOrderRequest) (*dingtalk.OrderID, error) {
	return s.placeOrder(ctx, "resale", req.OrderID, *req.Quantity, req)
}

// placeOrder records an order once per orderId: the same body again gets
// the same esignOrderId; a different body under the same orderId is a 409
// duplicateClientToken, as DingTalk answers an idempotency-key reuse. The
// store records the order if and only if it credits the quota; a quantity
// that would take the corp's total past int64 is a 400 and not recorded.
func (s *core) placeOrder(ctx context.Context, kind, orderID string, qty int64, body any) (*dingtalk.OrderID, error) {
	if !validID(orderID) {
		return nil, dingtalk.Field("orderId")
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte(kind+"\n"), raw...))
	o := &store.Order{CorpID: caller(ctx).CorpID, OrderID: orderID, Kind: kind, BodyHash: hex.EncodeToString(sum[:]),
		EsignOrderID: newID("eo"), Quantity: qty, CreatedAt: s.nowMs()}
	stored, _, err := s.store.PlaceOrder(ctx, o)
	if errors.Is(err, store.ErrQuotaOverflow) {
		// Nothing was recorded: the same order again is refused again.
		return nil, dingtalk.ErrInvalidParam.Msg("参数错误:quantity过大，累计购买份数不能超过%d", store.MaxQuota).Wrap(err)
	}
	if err != nil {
		return nil, storeError(err, nil)
	}
	if stored.BodyHash != o.BodyHash {
		return nil, dingtalk.ErrDuplicateOrder
	}
	return &dingtalk.OrderID{EsignOrderID: stored.EsignOrderID}, nil
}

// Margin is ContractMargin/GetContractMargin: quota bought minus used.
func (s *Orders) Margin(ctx context.Context) (*dingtalk.Margin, error) {
	q, err := s.store.Quota(ctx, caller(ctx).CorpID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	// The stores keep 0 <= used <= bought <= MaxQuota; clamping first keeps
	// the subtraction in range even for a ledger written before that held
	// (a bbolt total that had wrapped negative reads as no margin).
	bought, used := max(q.Bought, 0), max(q.Used, 0)
	return &dingtalk.Margin{Margin: max(bought-used, 0)}, nil
}

// seedQuota gives a corp the configured starting quota once (an order of
// its own in the ledger, so it is idempotent across replicas and restarts).
func (s *core) seedQuota(ctx context.Context, app *App, corpID string) error {
	if s.cfg.InitialQuota <= 0 || !app.owns[corpID] {
		return nil
	}
	if _, done := s.seeded.Load(corpID); done {
		return nil
	}
	_, _, err := s.store.PlaceOrder(ctx, &store.Order{CorpID: corpID, OrderID: "gateway-initial-quota", Kind: "grant",
		BodyHash: "initial", EsignOrderID: "initial", Quantity: s.cfg.InitialQuota, CreatedAt: s.nowMs()})
	if err != nil {
		return storeError(err, nil)
	}
	s.seeded.Store(corpID, struct{}{})
	return nil
}
