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
		if refuseDeclared(c, n, tooLarge) {
			return
		}
		if hasBody(c.Request) {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// refuseDeclared refuses a request whose declared Content-Length is over
// n with tooLarge, its body unread; it reports whether it did.
func refuseDeclared(c *gin.Context, n int64, tooLarge error) bool {
	if c.Request.ContentLength <= n {
		return false
	}
	unread(c)
	_ = c.Error(tooLarge)
	c.Abort()
	return true
}

func hasBody(r *http.Request) bool { return r.Body != nil && r.Body != http.NoBody }
