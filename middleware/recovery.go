package middleware

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// Recovery turns a panic into an error recorded on the context, so that the
// renderer answers with a JSON 500 instead of gin's empty body (which the
// SDK cannot parse). A client that went away (http.ErrAbortHandler) is
// re-panicked, as net/http expects.
func Recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r)
			}
			_ = c.Error(fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
			c.Abort()
		}()
		c.Next()
	}
}
