package middleware

import (
	"bytes"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
)

// DeclaredBody guards a route anyone may call (no token): a declared
// Content-Length over n is refused with tooLarge from the headers, before a
// byte of the body is read. Then it reads the body (at most n bytes, so a
// chunked one over n fails too), so what runs after it, such as InFlight,
// starts only once the body is in. A chunked body is taken: the official
// DingTalk SDK sends token requests that way.
// Such routes take small JSON, so a client that cannot say how much it
// sends, or says too much, is not worth a connection held open.
func DeclaredBody(n int64, tooLarge error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if refuseDeclared(c, n, tooLarge) {
			return
		}
		if hasBody(c.Request) {
			// Read now (at most n bytes); the handler gets the bytes, then
			// the read's error if there was one (too large, deadline).
			raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, n))
			c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), failing{err}))
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

// failing reads err, or io.EOF when err is nil.
type failing struct{ err error }

func (f failing) Read([]byte) (int, error) {
	if f.err == nil {
		return 0, io.EOF
	}
	return 0, f.err
}
