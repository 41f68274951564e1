package service

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// core is what every service shares: configuration, the store, the e签宝
// client, the token issuer and the process-local caches.
type core struct {
	cfg    Config
	store  Store
	esign  *esign.Client
	tokens *dingtalk.Tokens
	apps   apps
	corps  *corpCache
	names  *nameCache
	cache  *readCaches
	refs   flowRefs
	held   heldFlows // last good reads, served while e签宝 is down
	pusher *pusher
	now    func() time.Time
	log    *slog.Logger

	seeded sync.Map // corpID -> struct{}: listed corps whose initial quota this process placed
	polled sync.Map // taskID -> time.Time: when this replica last asked e签宝 about a pending consent
}

func (s *core) nowMs() int64 { return s.now().UnixMilli() }

// followCorpChanges keeps this replica's corp views in step with the
// others' changes until ctx is done. SubscribeCorpChanges returns once the
// subscription is active and keeps it (resubscribing itself); only a
// failure to start is retried here.
func (s *core) followCorpChanges(ctx context.Context) {
	for ctx.Err() == nil {
		err := s.store.SubscribeCorpChanges(ctx, s.corps.invalidate)
		if err == nil || ctx.Err() != nil {
			break
		}
		s.log.Warn("corp change subscription failed, retrying", slog.Any("error", err))
		t := time.NewTimer(time.Second)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	<-ctx.Done()
}

// caller returns the verified claims of the request; Tokens.Authenticate
// put them there.
func caller(ctx context.Context) *dingtalk.Claims {
	if c := dingtalk.ClaimsFrom(ctx); c != nil {
		return c
	}
	return &dingtalk.Claims{}
}

// authorizedCorp checks that the caller's corp has authorized e签宝, which
// every action that acts upstream for the corp needs.
func (s *core) authorizedCorp(ctx context.Context) (string, error) {
	id := caller(ctx).CorpID
	view, err := s.corps.get(ctx, id)
	if err != nil {
		return "", dingtalk.ErrUnavailable.Wrap(err)
	}
	if !view.authorized {
		return "", dingtalk.ErrNotAuthorized
	}
	return id, nil
}

// upstreamError turns an e签宝 failure into the error the client sees. It is
// the only code that knows what e签宝 errors mean to a DingTalk client.
func (s *core) upstreamError(op string, err error) error {
	if err == nil {
		return nil
	}
	var ae *esign.APIError
	var refusal *dingtalk.Error
	switch {
	case errors.As(err, &refusal):
		// The request's upstream meter refused the call (UpstreamMeter).
		return refusal
	case errors.Is(err, esign.ErrBreakerOpen):
		return dingtalk.ErrUnavailable.Msg("e签宝服务暂不可用（熔断中），请稍后重试").Wrap(err)
	case esign.IsTimeout(err):
		return dingtalk.ErrUpstreamTimeout.Wrap(err)
	case errors.As(err, &ae) && ae.Auth():
		s.log.Error("e签宝 rejected the gateway's credentials: check esign.app_id, esign.app_secret and the clock",
			slog.String("op", op), slog.String("upstream_message", ae.Message))
		return dingtalk.ErrUpstream.Wrap(err)
	case errors.As(err, &ae) && ae.HTTPStatus >= 200 && ae.HTTPStatus < 300 && ae.Code > 0:
		switch ae.Code {
		case 1435011, 1437105:
			return dingtalk.ErrTaskNotFound.Wrap(err)
		case 1437114:
			return dingtalk.ErrNotSigner.Wrap(err)
		case 1435403, 1435404, 1435405:
			return dingtalk.ErrNoQuota.Wrap(err)
		}
		return refused(op).Msg("%s：%s", refused(op).Message, ae.Message).Wrap(err)
	}
	return dingtalk.ErrUpstream.Wrap(err)
}

// refused is what e签宝 refusing op means: the action's page documents
// other codes for a refused account than for a refused flow.
func refused(op string) *dingtalk.Error {
	switch op {
	case "create_person", "person":
		return dingtalk.ErrAccountRefused
	case "create_organization", "organization":
		return dingtalk.ErrOrgRefused
	}
	return dingtalk.ErrUpstreamRefused
}

// storeError turns a store failure into the error the client sees: not
// found stays with the caller's meaning, anything else means the store is
// unreachable (503, never a guess).
func storeError(err error, notFound *dingtalk.Error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound) && notFound != nil:
		return notFound.Wrap(err)
	}
	return dingtalk.ErrUnavailable.Wrap(err)
}

// CallbackURL is where e签宝 sends this gateway's callbacks.
func (s *core) CallbackURL() string { return s.cfg.PublicURL + s.cfg.Callbacks.Path }

// pageURLs are the PC and mobile addresses of one of the gateway's pages.
func (s *core) pageURLs(page, taskID string) *dingtalk.PageURLs {
	u := s.cfg.PublicURL + "/pages/" + page + "/" + taskID
	return &dingtalk.PageURLs{PCURL: u, MobileURL: u + "?client=mobile", TaskID: taskID}
}

func nonEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
