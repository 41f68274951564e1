package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// Outbox tuning. The lease outlasts a delivery attempt (pushTimeout) by
// far, so a replica never loses its claim while still pushing.
const (
	outboxLease = 30 * time.Second
	outboxBatch = 50
	pushTimeout = 5 * time.Second
	pushBackoff = time.Second
	pushMaxWait = 5 * time.Minute
)

// Outbox delivers the events queued for ISVs.
type Outbox service

// pusher is the outbox's process-local state; the events themselves live
// in the store.
type pusher struct {
	wake   chan struct{} // nudged on every enqueue by this process
	client *http.Client
}

func newPusher(allowPrivate bool) *pusher {
	tr := &http.Transport{
		DialContext:         PublicOnlyDialer(allowPrivate).DialContext,
		Proxy:               nil, // the dialer must see the real target, not a proxy
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: pushTimeout,
	}
	return &pusher{wake: make(chan struct{}, 1), client: &http.Client{Transport: tr, Timeout: pushTimeout,
		// A redirect is a failed delivery, not a new target chosen by the receiver.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Run delivers queued events to the ISVs' noticeUrls until ctx is
// done: it claims due events (one head per task, so a task's events arrive
// in order; leases keep replicas from pushing the same event), pushes them
// concurrently, and acknowledges or reschedules each. It wakes on every
// local enqueue and otherwise polls every Config.Outbox.Poll.
func (s *Outbox) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Outbox.Poll)
	defer tick.Stop()
	for {
		// After a non-empty batch look again at once: acknowledging an event
		// may have made the next one of its task due.
		if s.pushBatch(ctx) > 0 && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.pusher.wake:
		}
	}
}

// pushBatch claims and pushes one batch and reports how many it claimed.
func (s *core) pushBatch(ctx context.Context) int {
	evs, err := s.store.Claim(ctx, s.now(), outboxLease, outboxBatch)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("outbox: claim failed", slog.Any("error", err))
		}
		return 0
	}
	var wg sync.WaitGroup
	for _, ev := range evs {
		wg.Add(1)
		go func() { defer wg.Done(); s.push(ctx, ev) }()
	}
	wg.Wait()
	return len(evs)
}

// push delivers one event and acknowledges or reschedules it.
func (s *core) push(ctx context.Context, ev *store.Event) {
	outcome, err := s.deliver(ctx, ev)
	if s.cfg.Outbox.OnPush != nil {
		s.cfg.Outbox.OnPush(outcome)
	}
	// The store must learn the outcome even while shutting down.
	wctx := context.WithoutCancel(ctx)
	if err == nil {
		if aerr := s.store.Ack(wctx, ev); aerr != nil {
			s.log.Warn("outbox: ack failed; the event will be pushed again", slog.String("event", ev.ID), slog.Any("error", aerr))
		}
		return
	}
	next := s.now().Add(backoff(ev.Attempts))
	level := slog.LevelWarn
	if outcome == "no_notice_url" {
		level = slog.LevelDebug // normal until the ISV calls CreateDevelopers
	}
	s.log.Log(ctx, level, "outbox: push failed", slog.String("event", ev.ID), slog.String("corp", ev.CorpID),
		slog.Int("attempt", ev.Attempts+1), slog.Time("next", next), slog.String("error", err.Error()))
	if rerr := s.store.Retry(wctx, ev, next, err.Error()); rerr != nil {
		s.log.Warn("outbox: reschedule failed; the lease will expire", slog.String("event", ev.ID), slog.Any("error", rerr))
	}
}

// deliver POSTs ev, sealed with the app's event keys, to the corp's
// noticeUrl: {"encrypt":…} with msg_signature, timestamp and nonce in the
// query. Any 2xx acknowledges it.
func (s *core) deliver(ctx context.Context, ev *store.Event) (string, error) {
	corp, err := s.store.Corp(ctx, ev.CorpID)
	if err != nil {
		return "failed", fmt.Errorf("corp: %w", err)
	}
	if corp.NoticeURL == "" {
		return "no_notice_url", errors.New("corp has no noticeUrl yet")
	}
	app := s.eventApp(ev.AppKey, corp.AppKey)
	if app == nil {
		return "no_event_keys", errors.New("app has no event_token/event_aes_key")
	}
	crypto, err := dingtalk.NewEventCrypto(app.EventToken, app.EventAESKey, app.Key)
	if err != nil {
		return "no_event_keys", fmt.Errorf("app %s event keys: %w", app.Key, err)
	}
	ts, nonce := strconv.FormatInt(s.nowMs(), 10), newNonce()
	sealed, err := crypto.Encrypt(ev.Payload, ts, nonce)
	if err != nil {
		return "failed", err
	}
	u, err := url.Parse(corp.NoticeURL)
	if err != nil {
		return "failed", errors.New("noticeUrl does not parse")
	}
	q := u.Query()
	q.Set("msg_signature", sealed.MsgSignature)
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	u.RawQuery = q.Encode()
	body, _ := json.Marshal(map[string]string{"encrypt": sealed.Encrypt})
	rctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return "failed", errors.New("noticeUrl is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.pusher.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL and its query
		}
		return "failed", err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "failed", fmt.Errorf("noticeUrl answered %d", resp.StatusCode)
	}
	return "delivered", nil
}

// eventApp is the app whose event keys seal an event: the task's app, or
// else the corp's (tasks bound by an operator have none).
func (s *core) eventApp(keys ...string) *App {
	for _, k := range keys {
		if a := s.apps[k]; a != nil && a.EventToken != "" && a.EventAESKey != "" {
			return a
		}
	}
	return nil
}

// backoff is the wait after a failed attempt: 1s doubling per attempt up
// to 5 minutes, with up to half of it random so that a receiver coming back
// is not hit by every event at once.
func backoff(attempts int) time.Duration {
	d := pushMaxWait
	if attempts < 20 {
		d = min(pushBackoff<<attempts, pushMaxWait)
	}
	return d/2 + mrand.N(d/2+1)
}

// newNonce is a random DingTalk-style nonce.
func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Stats is the outbox's depth and the age of its oldest event, for the
// status page and metrics.
func (s *Outbox) Stats(ctx context.Context) (store.OutboxStats, error) {
	st, err := s.store.OutboxStats(ctx, s.now())
	return st, storeError(err, nil)
}
