package api

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// routeKey names one request series; method is normalised, so the set of
// keys is bounded by routes × standard methods.
type routeKey struct{ route, method string }

// routeSeries holds the resolved children of one route and method, so a
// request costs two atomic adds and no label lookup.
type routeSeries struct {
	byClass  [5]prometheus.Counter // 1xx .. 5xx
	duration prometheus.Observer
}

// routeCache maps route keys to their series. Reads load an immutable map
// through an atomic pointer (copy on write): unlike a sync.Map, a lookup
// with a struct key boxes nothing, so a request allocates nothing here.
type routeCache struct {
	mu sync.Mutex
	m  atomic.Pointer[map[routeKey]*routeSeries]
}

// requestMetrics is the middleware behind esigngw_http_requests_total and
// esigngw_http_request_duration_seconds. It sits outside the error
// renderer, so it sees the status the client got.
func (m *Metrics) requestMetrics() gin.HandlerFunc {
	if m == nil {
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		start := m.now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.observeRequest(route, c.Request.Method, c.Writer.Status(), m.now().Sub(start))
	}
}

func (m *Metrics) observeRequest(route, method string, status int, d time.Duration) {
	s := m.series(route, method)
	class := status/100 - 1
	if class < 0 || class > 4 {
		class = 4 // no real status lands here; count it as a server error
	}
	s.byClass[class].Inc()
	s.duration.Observe(d.Seconds())
}

func (m *Metrics) series(route, method string) *routeSeries {
	method = normalMethod(method)
	k := routeKey{route, method}
	if p := m.routes.m.Load(); p != nil {
		if s, ok := (*p)[k]; ok {
			return s
		}
	}
	m.routes.mu.Lock()
	defer m.routes.mu.Unlock()
	old := map[routeKey]*routeSeries{}
	if p := m.routes.m.Load(); p != nil {
		if s, ok := (*p)[k]; ok {
			return s
		}
		old = *p
	}
	s := &routeSeries{duration: m.duration.WithLabelValues(route, method)}
	for i, class := range [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"} {
		s.byClass[i] = m.requests.WithLabelValues(route, method, class)
	}
	next := make(map[routeKey]*routeSeries, len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = s
	m.routes.m.Store(&next)
	return s
}

// normalMethod keeps the label bounded: a client can send any method.
func normalMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// authenticator wraps a so that refused access tokens are counted by reason
// (esigngw_token_verification_failures_total).
func (m *Metrics) authenticator(a middleware.Authenticator) middleware.Authenticator {
	if m == nil {
		return a
	}
	return countingAuth{next: a, m: m}
}

type countingAuth struct {
	next middleware.Authenticator
	m    *Metrics
}

func (a countingAuth) Authenticate(r *http.Request) (ctx context.Context, err error) {
	ctx, err = a.next.Authenticate(r)
	if reason := tokenFailure(err); reason != "" {
		a.m.TokenFailure(reason)
	}
	return ctx, err
}

// tokenFailure is the reason a token was refused, or "" when err is not a
// verdict on the token (no error, a token of an app without permission, a
// store outage).
func tokenFailure(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, dingtalk.ErrMissingToken):
		return "missing"
	case errors.Is(err, dingtalk.ErrInvalidToken):
		return dingtalk.TokenFailureReason(err)
	}
	return ""
}
