package middleware

import "github.com/gin-gonic/gin"

// InFlight caps the requests being handled at once at n: one more is
// refused at once with busy (and Retry-After: 1) instead of waiting, so a
// flood costs a short answer each rather than memory that grows with the
// queue. exempt requests (probes, metrics) neither wait nor count, so an
// overloaded gateway still tells its orchestrator so. n of 0 or less means
// no cap.
func InFlight(n int, exempt func(path string) bool, busy error) gin.HandlerFunc {
	if n <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	slots := make(chan struct{}, n)
	return func(c *gin.Context) {
		if exempt != nil && exempt(c.Request.URL.Path) {
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			c.Next()
		default:
			c.Header("Retry-After", "1")
			unread(c)
			_ = c.Error(busy)
			c.Abort()
		}
	}
}
