package middleware

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Authenticator checks who is calling. On success it returns r's context
// carrying the caller's identity; on failure, an error to send as is.
type Authenticator interface {
	Authenticate(r *http.Request) (context.Context, error)
}

// Auth rejects requests the Authenticator refuses. Authentication fails
// closed: any error stops the request.
func Auth(a Authenticator) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, err := a.Authenticate(c.Request)
		if err != nil {
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}
