package middleware

import (
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/semaphore"
)

// Capacity bounds the requests handled at once.
type Capacity struct {
	// Requests is how many at once; 0 or less means no cap.
	Requests int
	// BodyBytes is how many bytes of request bodies at once, counted by
	// each request's declared Content-Length (a body of unknown length
	// counts as MaxBody): a request's memory grows with its body, so a
	// count of requests alone does not bound memory. 0 or less means no cap.
	BodyBytes int64
	// MaxBody is the largest body a request may carry.
	MaxBody int64
	// TenantShare is the share of Requests and of BodyBytes one tenant
	// (Tenant's key) may hold, in (0, 1): a tenant dribbling bodies holds
	// what it took until the read deadline, and must not hold it all.
	// 0 or 1 and above mean no share per tenant.
	TenantShare float64
}

// InFlight holds the requests of one router within a Capacity: one more is
// refused at once with busy (and Retry-After: 1) instead of waiting, so a
// flood costs a short answer each rather than memory that grows with the
// queue. Exempt requests (probes, metrics) neither wait nor count, so an
// overloaded gateway still tells its orchestrator so.
type InFlight struct {
	cp     Capacity
	slots  chan struct{}
	bytes  *semaphore.Weighted
	exempt func(path string) bool
	busy   error

	// Per tenant: what each holds, and the most it may.
	shareReqs  int
	shareBytes int64
	mu         sync.Mutex
	held       map[string]tenantUse
}

type tenantUse struct {
	reqs  int
	bytes int64
}

// NewInFlight makes the InFlight of cp.
func NewInFlight(cp Capacity, exempt func(path string) bool, busy error) *InFlight {
	f := &InFlight{cp: cp, exempt: exempt, busy: busy}
	if cp.Requests > 0 {
		f.slots = make(chan struct{}, cp.Requests)
	}
	if cp.BodyBytes > 0 {
		f.bytes = semaphore.NewWeighted(cp.BodyBytes)
	}
	if cp.TenantShare > 0 && cp.TenantShare < 1 {
		f.held = map[string]tenantUse{}
		if cp.Requests > 0 {
			f.shareReqs = max(int(float64(cp.Requests)*cp.TenantShare), 1)
		}
		if cp.BodyBytes > 0 {
			f.shareBytes = max(int64(float64(cp.BodyBytes)*cp.TenantShare), cp.MaxBody)
		}
	}
	return f
}

// Tenant holds each tenant (key's answer; "" is not counted) within
// Capacity.TenantShare of the request slots and body bytes: one tenant's
// slow or large bodies shed that tenant's further requests, not everyone's.
// It runs after the caller is known (Auth) and before the body is read.
func (f *InFlight) Tenant(key func(*http.Request) string) gin.HandlerFunc {
	if f.held == nil {
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		who := key(c.Request)
		if who == "" {
			c.Next()
			return
		}
		w := bodyWeight(c.Request, f.cp.MaxBody)
		if !f.take(who, w) {
			f.refuse(c)
			return
		}
		defer f.give(who, w)
		c.Next()
	}
}

func (f *InFlight) take(who string, w int64) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.held[who]
	if (f.shareReqs > 0 && u.reqs+1 > f.shareReqs) || (f.shareBytes > 0 && u.bytes+w > f.shareBytes) {
		return false
	}
	u.reqs, u.bytes = u.reqs+1, u.bytes+w
	f.held[who] = u
	return true
}

func (f *InFlight) give(who string, w int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.held[who]
	if u.reqs, u.bytes = u.reqs-1, u.bytes-w; u.reqs <= 0 {
		delete(f.held, who)
		return
	}
	f.held[who] = u
}

// Counted counts each request and the bytes of its body.
func (f *InFlight) Counted() gin.HandlerFunc { return f.handler(true) }

// CountedRead counts each request but not its body: for routes that read
// their small, bounded body before this (DeclaredBody), where holding the
// bytes back would save nothing.
func (f *InFlight) CountedRead() gin.HandlerFunc { return f.handler(false) }

func (f *InFlight) handler(bodies bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if f.exempt != nil && f.exempt(c.Request.URL.Path) {
			c.Next()
			return
		}
		if f.slots != nil {
			select {
			case f.slots <- struct{}{}:
				defer func() { <-f.slots }()
			default:
				f.refuse(c)
				return
			}
		}
		if w := min(bodyWeight(c.Request, f.cp.MaxBody), f.cp.BodyBytes); bodies && f.bytes != nil && w > 0 {
			if !f.bytes.TryAcquire(w) {
				f.refuse(c)
				return
			}
			defer f.bytes.Release(w)
		}
		c.Next()
	}
}

func (f *InFlight) refuse(c *gin.Context) {
	c.Header("Retry-After", "1")
	unread(c)
	_ = c.Error(f.busy)
	c.Abort()
}

// bodyWeight is what a request's body counts against Capacity.BodyBytes.
func bodyWeight(r *http.Request, maxBody int64) int64 {
	switch {
	case r.ContentLength >= 0:
		return r.ContentLength
	case !hasBody(r):
		return 0
	default: // unknown length: it may be as long as the limit allows
		return maxBody
	}
}
