package middleware

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// DeclaredBody guards a route anyone may call (no token): a body must
// declare its length (Content-Length; a chunked body gets lengthRequired)
// and that length must be at most n (else tooLarge), both decided from the
// headers before a byte of the body is read; reading past n fails too.
// Such routes take small JSON, so a client that cannot say how much it
// sends, or says too much, is not worth a connection held open.
func DeclaredBody(n int64, tooLarge, lengthRequired error) gin.HandlerFunc {
	return func(c *gin.Context) {
		var refused error
		switch {
		case c.Request.ContentLength < 0:
			refused = lengthRequired
		case c.Request.ContentLength > n:
			refused = tooLarge
		}
		if refused != nil {
			unread(c)
			_ = c.Error(refused)
			c.Abort()
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}

// unread makes the answer to a request whose body goes unread close the
// connection: otherwise net/http reads up to 256 KiB of the body before it
// sends the answer, at whatever pace the client sends it.
func unread(c *gin.Context) {
	if c.Request.ContentLength != 0 {
		c.Header("Connection", "close")
	}
}
