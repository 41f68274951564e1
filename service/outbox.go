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
	pushTimeout = 5 * time.Second
	pushBackoff = time.Second
	pushMaxWait = 5 * time.Minute
	// outboxSlots bounds the deliveries in flight in one replica, and
	// corpSlots those to one corp's noticeUrl, so that a slow receiver
	// holds at most corpSlots of them and never delays another corp.
	outboxSlots = 64
	corpSlots   = 4
	// corpBusyWait is how long an event claimed while its corp's slots are
	// all taken is put back (no attempt counted).
	corpBusyWait = time.Second
	// DefaultMaxAttempts is how often an event is tried before it is moved
	// aside as dead: with the backoff below, about 1.5 hours.
	DefaultMaxAttempts = 30
)

// Outcomes of a delivery attempt (OutboxConfig.OnPush, metrics).
const (
	pushDelivered   = "delivered"
	pushFailed      = "failed"
	pushNoNoticeURL = "no_notice_url"
	pushGaveUp      = "gave_up"
	pushDropped     = "dropped" // an undocumented event left by an older gateway
)

// Outbox delivers the events queued for ISVs.
type Outbox service

// pusher is the outbox's process-local state; the events themselves live
// in the store.
type pusher struct {
	wake   chan struct{} // nudged on every enqueue and every finished push
	client *http.Client

	mu       sync.Mutex
	inflight int
	perCorp  map[string]int
	// noted is when each corp's last success was written to its delivery
	// health (ms), while no failure followed it (noteDelivery).
	noted map[string]int64
}

func newPusher(allowPrivate bool) *pusher {
	tr := &http.Transport{
		DialContext:         PublicOnlyDialer(allowPrivate).DialContext,
		Proxy:               nil, // the dialer must see the real target, not a proxy
		MaxIdleConnsPerHost: corpSlots,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: pushTimeout,
	}
	return &pusher{wake: make(chan struct{}, 1), perCorp: map[string]int{}, noted: map[string]int64{},
		client: &http.Client{Transport: tr, Timeout: pushTimeout,
			// A redirect is a failed delivery, not a new target chosen by the receiver.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *pusher) nudge() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// free is how many more deliveries may start.
func (p *pusher) free() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return outboxSlots - p.inflight
}

// acquire takes one of corp's slots, if one is free.
func (p *pusher) acquire(corp string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.perCorp[corp] >= corpSlots || p.inflight >= outboxSlots {
		return false
	}
	p.perCorp[corp]++
	p.inflight++
	return true
}

func (p *pusher) release(corp string) {
	p.mu.Lock()
	if p.perCorp[corp]--; p.perCorp[corp] <= 0 {
		delete(p.perCorp, corp)
	}
	p.inflight--
	p.mu.Unlock()
	p.nudge()
}

// Run delivers queued events to the ISVs' noticeUrls until ctx is done,
// then waits for the deliveries in flight. It claims due events (one head
// per task, so a task's events arrive in order; leases keep replicas from
// pushing the same event) and pushes each on its own, at most corpSlots
// at a time per corp: nothing waits for a batch, so a slow noticeUrl
// delays only its own corp. It wakes on every local enqueue and finished
// push and otherwise polls every Config.Outbox.Poll.
func (s *Outbox) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(s.cfg.Outbox.Poll)
	defer tick.Stop()
	for {
		// After starting pushes look again at once: more may be due.
		if s.dispatch(ctx, &wg) > 0 && ctx.Err() == nil {
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

// dispatch claims as many due events as there are free slots and starts
// pushing each; it reports how many it started.
func (s *core) dispatch(ctx context.Context, wg *sync.WaitGroup) int {
	n := s.pusher.free()
	if n <= 0 || ctx.Err() != nil {
		return 0
	}
	evs, err := s.store.Claim(ctx, s.now(), outboxLease, n)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("outbox: claim failed", slog.Any("error", err))
		}
		return 0
	}
	started := 0
	for _, ev := range evs {
		if !s.pusher.acquire(ev.CorpID) {
			// The corp's receiver is busy: put the event back for a moment,
			// behind the other corps' due events.
			if err := s.store.Defer(context.WithoutCancel(ctx), ev, s.now().Add(corpBusyWait)); err != nil {
				s.log.Warn("outbox: defer failed; the lease will expire", slog.String("event", ev.ID), slog.Any("error", err))
			}
			continue
		}
		started++
		wg.Go(func() {
			defer s.pusher.release(ev.CorpID)
			s.push(ctx, ev)
		})
	}
	return started
}

// push delivers one event and acknowledges, reschedules or buries it.
func (s *core) push(ctx context.Context, ev *store.Event) {
	outcome, tried, err := s.deliver(ctx, ev)
	// The store must learn the outcome even while shutting down.
	wctx := context.WithoutCancel(ctx)
	switch {
	case err != nil && outcome == pushFailed && s.noticeURLChanged(wctx, ev.CorpID, tried):
		// CreateDevelopers gave a new noticeUrl while this attempt went to
		// the old one: try the new one now, no attempt counted.
		if derr := s.store.Defer(wctx, ev, s.now()); derr != nil {
			s.log.Warn("outbox: reschedule failed; the lease will expire", slog.String("event", ev.ID), slog.Any("error", derr))
		}
	case err == nil:
		if aerr := s.store.Ack(wctx, ev); aerr != nil {
			s.log.Warn("outbox: ack failed; the event will be pushed again", slog.String("event", ev.ID), slog.Any("error", aerr))
		}
	case outcome == pushNoNoticeURL:
		// Kept aside until CreateDevelopers gives the corp a noticeUrl.
		s.bury(wctx, ev, err.Error())
		s.reviveIfNoticeURL(wctx, ev.CorpID)
	case ev.Attempts+1 >= s.cfg.Outbox.MaxAttempts:
		outcome = pushGaveUp
		s.bury(wctx, ev, fmt.Sprintf("gave up after %d attempts: %s", ev.Attempts+1, err))
	default:
		next := s.now().Add(backoff(ev.Attempts))
		s.log.Warn("outbox: push failed", slog.String("event", ev.ID), slog.String("corp", ev.CorpID),
			slog.Int("attempt", ev.Attempts+1), slog.Time("next", next), slog.String("error", err.Error()))
		if rerr := s.store.Retry(wctx, ev, next, err.Error()); rerr != nil {
			s.log.Warn("outbox: reschedule failed; the lease will expire", slog.String("event", ev.ID), slog.Any("error", rerr))
		}
		// CreateDevelopers may have run between the check above and Retry:
		// its revival skipped this event, leased then. Looking again now that
		// the lease is gone closes that window.
		if s.noticeURLChanged(wctx, ev.CorpID, tried) {
			s.reviveCorp(wctx, ev.CorpID)
		}
	}
	s.noteDelivery(wctx, ev.CorpID, outcome, err)
	if s.cfg.Outbox.OnPush != nil {
		s.cfg.Outbox.OnPush(outcome)
	}
}

// bury moves ev's task aside as dead, where an operator can list and
// replay it.
func (s *core) bury(ctx context.Context, ev *store.Event, reason string) {
	s.log.Warn("outbox: event moved aside as dead", slog.String("event", ev.ID), slog.String("corp", ev.CorpID), slog.String("reason", reason))
	if err := s.store.Bury(ctx, ev, reason, s.now()); err != nil {
		s.log.Warn("outbox: bury failed; the lease will expire", slog.String("event", ev.ID), slog.Any("error", err))
	}
}

// noticeURLChanged reports whether corp's noticeUrl is no longer tried.
func (s *core) noticeURLChanged(ctx context.Context, corpID, tried string) bool {
	c, err := s.store.Corp(ctx, corpID)
	return err == nil && c.NoticeURL != "" && c.NoticeURL != tried
}

// reviveIfNoticeURL closes the race between burying an event for want of
// a noticeUrl and CreateDevelopers setting one: whichever comes second
// sees the other's write.
func (s *core) reviveIfNoticeURL(ctx context.Context, corpID string) {
	if c, err := s.store.Corp(ctx, corpID); err == nil && c.NoticeURL != "" {
		s.reviveCorp(ctx, corpID)
	}
}

// reviveCorp makes a corp's waiting and dead events due now, their backoff
// forgotten: its receiver has just been (re)configured.
func (s *core) reviveCorp(ctx context.Context, corpID string) {
	n, err := s.store.Revive(ctx, store.Revival{CorpID: corpID}, s.now())
	if err != nil {
		s.log.Warn("outbox: could not make the corp's events due", slog.String("corp", corpID), slog.Any("error", err))
		return
	}
	if n > 0 {
		s.pusher.nudge()
	}
}

// deliver POSTs ev to the corp's noticeUrl: the documented plain JSON body
// (or, for an app with EventCrypto, DingTalk's {"encrypt":…} with
// msg_signature, timestamp and nonce in the query) and the X-Esigngw-*
// headers, signed with the app's event token. Any 2xx acknowledges it.
func (s *core) deliver(ctx context.Context, ev *store.Event) (outcome, noticeURL string, err error) {
	outcome, err = s.deliverTo(ctx, ev, &noticeURL)
	return outcome, noticeURL, err
}

// deliverTo is deliver; it sets *tried to the noticeUrl it used.
func (s *core) deliverTo(ctx context.Context, ev *store.Event, tried *string) (string, error) {
	corp, err := s.store.Corp(ctx, ev.CorpID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return pushFailed, fmt.Errorf("corp: %w", err)
	}
	if corp == nil || corp.NoticeURL == "" {
		return pushNoNoticeURL, errors.New("corp has no noticeUrl")
	}
	*tried = corp.NoticeURL
	u, err := url.Parse(corp.NoticeURL)
	if err != nil {
		return pushFailed, errors.New("noticeUrl does not parse")
	}
	body, ok := documentedPayload(ev.Payload)
	if !ok {
		return pushDropped, nil
	}
	ts := strconv.FormatInt(s.nowMs(), 10)
	app := s.eventApp(ev.AppKey, corp.AppKey)
	if app != nil && app.EventCrypto {
		crypto, err := dingtalk.NewEventCrypto(app.EventToken, app.EventAESKey, app.Key)
		if err != nil {
			return pushFailed, fmt.Errorf("app %s event keys: %w", app.Key, err)
		}
		nonce := newNonce()
		sealed, err := crypto.Encrypt(body, ts, nonce)
		if err != nil {
			return pushFailed, err
		}
		q := u.Query()
		q.Set("msg_signature", sealed.MsgSignature)
		q.Set("timestamp", ts)
		q.Set("nonce", nonce)
		u.RawQuery = q.Encode()
		body, _ = json.Marshal(map[string]string{"encrypt": sealed.Encrypt})
	}
	rctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return pushFailed, errors.New("noticeUrl is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(dingtalk.HeaderEventID, ev.ID)
	req.Header.Set(dingtalk.HeaderEventCorp, ev.CorpID)
	req.Header.Set(dingtalk.HeaderEventTimestamp, ts)
	if app != nil && app.EventToken != "" {
		req.Header.Set(dingtalk.HeaderEventSignature, dingtalk.SignEvent(app.EventToken, ts, ev.ID, ev.CorpID, body))
	}
	resp, err := s.pusher.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL and its query
		}
		return pushFailed, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return pushFailed, fmt.Errorf("noticeUrl answered %d", resp.StatusCode)
	}
	return pushDelivered, nil
}

// eventApp is the app an event is pushed for: the task's app, or else the
// corp's (tasks bound by an operator have none); nil if neither is
// configured.
func (s *core) eventApp(keys ...string) *App {
	for _, k := range keys {
		if a := s.apps[k]; a != nil {
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

// Stats is the outbox's depth, dead events and the age of its oldest
// event, for the status page and metrics.
func (s *Outbox) Stats(ctx context.Context) (store.OutboxStats, error) {
	st, err := s.store.OutboxStats(ctx, s.now())
	return st, storeError(err, nil)
}

// DeadEvent is an event moved aside, as operators see it.
type DeadEvent struct {
	ID        string          `json:"eventId" doc:"事件ID（X-Esigngw-Event-Id）/ event id"`
	CorpID    string          `json:"corpId" doc:"企业ID / corp id"`
	TaskID    string          `json:"taskId,omitempty" doc:"任务ID / task id"`
	Body      *dingtalk.Event `json:"body,omitempty" doc:"推送的事件体 / the body pushed"`
	Attempts  int             `json:"attempts" doc:"已尝试次数 / attempts made"`
	LastError string          `json:"lastError,omitempty" doc:"最后一次失败原因 / why the last attempt failed"`
	CreatedAt int64           `json:"createdAt" doc:"入队时间（毫秒）/ queued at, ms"`
	DeadAt    int64           `json:"deadAt" doc:"搁置时间（毫秒）/ set aside at, ms"`
}

// MaxDeadList bounds one listing of dead events.
const MaxDeadList = 500

// Dead lists up to n (at most MaxDeadList) dead events, the longest dead
// first and each task's events in order.
func (s *Outbox) Dead(ctx context.Context, n int) ([]DeadEvent, error) {
	if n <= 0 || n > MaxDeadList {
		n = MaxDeadList
	}
	evs, err := s.store.DeadEvents(ctx, n)
	if err != nil {
		return nil, storeError(err, nil)
	}
	return deadEvents(evs), nil
}

// deadEvents are evs as operators see them.
func deadEvents(evs []*store.Event) []DeadEvent {
	out := make([]DeadEvent, 0, len(evs))
	for _, e := range evs {
		d := DeadEvent{ID: e.ID, CorpID: e.CorpID, TaskID: e.Key,
			Attempts: e.Attempts, LastError: e.LastError, CreatedAt: e.CreatedAt, DeadAt: e.DeadAt}
		if body, ok := documentedPayload(e.Payload); ok {
			var ev dingtalk.Event
			if json.Unmarshal(body, &ev) == nil {
				d.Body = &ev
				d.TaskID = ev.TaskID
			}
		}
		out = append(out, d)
	}
	return out
}

// Replay makes events due again with their attempts reset: the task of
// eventID, or else every waiting or dead event of corpID, or else (both
// empty) every dead event. It returns how many tasks' events it woke.
func (s *Outbox) Replay(ctx context.Context, corpID, eventID string) (int, error) {
	n, err := s.store.Revive(ctx, store.Revival{CorpID: corpID, EventID: eventID}, s.now())
	if err != nil {
		return 0, storeError(err, nil)
	}
	if n > 0 {
		s.pusher.nudge()
	}
	return n, nil
}

// DeadListRequest is GET /admin/v1/events/dead.
type DeadListRequest struct {
	Limit string `query:"limit" doc:"最多返回条数（默认并最多 500）/ at most this many (default and maximum 500)"`
}

// DeadList is the admin answer listing dead events.
type DeadList struct {
	Events []DeadEvent `json:"events" doc:"死信事件，最早死亡者在前，同一任务按顺序 / dead events, longest dead first, each task's in order"`
}

// ReplayRequest is POST /admin/v1/events/replay.
type ReplayRequest struct {
	EventID string `json:"eventId" doc:"重放该事件所在任务的事件 / replay the events of this event's task"`
	CorpID  string `json:"corpId" doc:"重放该企业所有等待或死信事件 / replay every waiting or dead event of this corp"`
}

// ReplayResult is the admin answer to a replay.
type ReplayResult struct {
	Tasks int `json:"tasks" doc:"重新排期的任务数 / how many tasks' events were made due"`
}

// DeadList answers GET /admin/v1/events/dead.
func (s *Outbox) DeadList(ctx context.Context, r *DeadListRequest) (*DeadList, error) {
	n, err := strconv.Atoi(nonEmpty(r.Limit, "0"))
	if err != nil || n < 0 {
		return nil, dingtalk.Field("limit")
	}
	evs, err := s.Dead(ctx, n)
	if err != nil {
		return nil, err
	}
	return &DeadList{Events: evs}, nil
}

// ReplayRequested answers POST /admin/v1/events/replay; with neither
// field every dead event is replayed.
func (s *Outbox) ReplayRequested(ctx context.Context, r *ReplayRequest) (*ReplayResult, error) {
	n, err := s.Replay(ctx, r.CorpID, r.EventID)
	if err != nil {
		return nil, err
	}
	return &ReplayResult{Tasks: n}, nil
}
