package middleware

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// BodyLimit caps request bodies at n bytes. Reading past the cap fails with
// *http.MaxBytesError, which the binder turns into a 413; a declared
// Content-Length over the cap is refused before reading, with tooLarge.
func BodyLimit(n int64, tooLarge error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			unread(c)
			_ = c.Error(tooLarge)
			c.Abort()
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}
