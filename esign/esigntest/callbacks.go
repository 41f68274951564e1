package esigntest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"time"
)

// callbacks delivers notifications asynchronously: one queue and one
// goroutine per flow, so a flow's events arrive in order while a slow
// receiver of one flow does not hold up another.
type callbacks struct {
	s       *Server
	client  *http.Client
	wg      sync.WaitGroup
	mu      sync.Mutex
	queues  map[string][]delivery
	pending int
	idle    chan struct{} // closed whenever pending is zero
}

type delivery struct {
	url  string
	body []byte
}

func newCallbacks(s *Server) *callbacks {
	idle := make(chan struct{})
	close(idle)
	return &callbacks{s: s, queues: map[string][]delivery{}, idle: idle, client: &http.Client{
		// e签宝 wants a 2xx; a redirect is a failed attempt, not a new target.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// enqueue queues body for url behind earlier callbacks with the same key.
func (c *callbacks) enqueue(key, url string, body []byte) {
	n := 1
	if c.s.cfg.DuplicateCallbacks {
		n = 2
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.s.ctx.Err() != nil {
		return
	}
	if c.pending == 0 {
		c.idle = make(chan struct{})
	}
	_, running := c.queues[key]
	for range n {
		c.queues[key] = append(c.queues[key], delivery{url: url, body: body})
	}
	c.pending += n
	if !running {
		c.wg.Add(1)
		go c.run(key)
	}
}

func (c *callbacks) run(key string) {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		q := c.queues[key]
		if len(q) == 0 {
			delete(c.queues, key)
			c.mu.Unlock()
			return
		}
		d := q[0]
		c.mu.Unlock()
		c.deliver(d)
		c.mu.Lock()
		c.queues[key] = c.queues[key][1:]
		if c.pending--; c.pending == 0 {
			close(c.idle)
		}
		c.mu.Unlock()
	}
}

// deliver tries once and then once per configured retry delay.
func (c *callbacks) deliver(d delivery) {
	for attempt := 0; ; attempt++ {
		if c.s.ctx.Err() != nil || c.attempt(d) || attempt >= len(c.s.cfg.CallbackRetries) {
			return
		}
		t := time.NewTimer(c.s.cfg.CallbackRetries[attempt])
		select {
		case <-c.s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// attempt POSTs once with e签宝's signature headers (§5.2) and reports a 2xx.
func (c *callbacks) attempt(d delivery) bool {
	ctx, cancel := context.WithTimeout(c.s.ctx, c.s.cfg.CallbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		c.s.log.Debug("esigntest: bad callback url", "err", err)
		return false
	}
	ts := strconv.FormatInt(c.s.nowMs(), 10)
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	req.Header.Set("X-Tsign-Open-App-Id", c.s.cfg.AppID)
	req.Header.Set("X-Tsign-Open-TIMESTAMP", ts)
	req.Header.Set("X-Tsign-Open-SIGNATURE", callbackSignature(c.s.cfg.AppSecret, ts, d.url, d.body))
	req.Header.Set("X-Tsign-Open-SIGNATURE-ALGORITHM", "hmac-sha256")
	resp, err := c.client.Do(req)
	if err != nil {
		c.s.log.Debug("esigntest: callback failed", "url", redactQuery(d.url), "err", err)
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	c.s.log.Debug("esigntest: callback delivered", "url", redactQuery(d.url), "status", resp.StatusCode)
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// callbackSignature is lowercase hex HMAC-SHA256 over the timestamp, the
// notify URL's query values (keys sorted, values only) and the raw body.
func callbackSignature(secret, ts, notifyURL string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	if u, err := url.Parse(notifyURL); err == nil {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			m.Write([]byte(q.Get(k)))
		}
	}
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// redactQuery drops the query, which may carry receiver tokens, from logs.
func redactQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	u.RawQuery = ""
	return u.String()
}

// wait blocks until every delivery goroutine has exited (after Close).
func (c *callbacks) wait() { c.wg.Wait() }

// WaitCallbacks returns once every queued callback has been delivered or
// has exhausted its retries, or when ctx ends.
func (s *Server) WaitCallbacks(ctx context.Context) error {
	for {
		s.cb.mu.Lock()
		idle := s.cb.idle
		s.cb.mu.Unlock()
		select {
		case <-idle:
			s.cb.mu.Lock()
			done := s.cb.pending == 0
			s.cb.mu.Unlock()
			if done {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
