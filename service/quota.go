package service

import (
	"context"

	"esign-gateway/service/store"
)

// seedQuota gives a corp the configured starting quota once (an order of
// its own in the ledger, so it is idempotent across replicas and restarts).
func (s *Service) seedQuota(ctx context.Context, app *App, corpID string) error {
	if s.cfg.DemoQuota <= 0 || !contains(app.Corps, corpID) {
		return nil
	}
	if _, done := s.seedOnce.Load(corpID); done {
		return nil
	}
	_, _, err := s.store.PlaceOrder(ctx, &store.Order{CorpID: corpID, OrderID: "gateway-initial-quota", Kind: "grant",
		BodyHash: "initial", EsignOrderID: "initial", Quantity: s.cfg.DemoQuota, CreatedAt: s.nowMs()})
	if err != nil {
		return storeError(err, nil)
	}
	s.seedOnce.Store(corpID, struct{}{})
	return nil
}
