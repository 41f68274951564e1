package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
)

// headered is an answer that also sets response headers (esign_1.0
// CorpConsole sends its address in one).
type headered interface {
	ResponseHeaders() map[string]string
}

// answer serves a route's endpoint: the handler's answer is written as the
// success body, in esign_1.0's envelope {"code":0,"message":"ok","data":...}
// for that version and flat otherwise; an error is recorded for
// renderErrors. A read answered from held state while e签宝 was down
// (service.Staleness) says so in headers, its body unchanged.
func answer(rt *route) gin.HandlerFunc {
	stale := staleCapable(rt.ep.res)
	return func(c *gin.Context) {
		var st *service.Staleness
		if stale {
			var ctx context.Context
			ctx, st = service.WithStaleness(c.Request.Context())
			c.Request = c.Request.WithContext(ctx)
		}
		body, err := rt.ep.serve(c, rt)
		if err != nil {
			_ = c.Error(err)
			return
		}
		if st != nil && st.Stale {
			staleHeaders(c, st)
		}
		if h, ok := body.(headered); ok {
			for k, v := range h.ResponseHeaders() {
				c.Header(k, v)
			}
		}
		if rt.Version == esign1 {
			body = dingtalk.OK(body)
		}
		c.JSON(http.StatusOK, body)
	}
}

// Headers of an answer from held state: Age (RFC 9111 §5.1, whole
// seconds since the gateway last heard about the flow from e签宝) and
// X-Esigngw-Stale, which no fresh answer carries.
const (
	headerAge   = "Age"
	headerStale = "X-Esigngw-Stale"
)

// staleCapable reports whether answers of type res may come from held
// state: the three flow reads, both versions.
func staleCapable(res reflect.Type) bool {
	switch res {
	case reflect.TypeFor[*dingtalk.FlowDetail](), reflect.TypeFor[*dingtalk.FlowDetailV1](),
		reflect.TypeFor[*dingtalk.SignDetail](), reflect.TypeFor[*dingtalk.SignDetailV1](),
		reflect.TypeFor[*dingtalk.Docs](), reflect.TypeFor[[]dingtalk.Doc]():
		return true
	}
	return false
}

// staleHeaderDocs adds the stale headers to an OpenAPI response's.
func staleHeaderDocs(h map[string]any) {
	h[headerAge] = map[string]any{"schema": map[string]any{"type": "integer"},
		"description": "仅当 e签宝 不可用、以网关持有的状态作答时：距网关最后一次从 e签宝 获知该流程的秒数 / only on an answer from held state while e签宝 is down: seconds since the gateway last heard about the flow from e签宝"}
	h[headerStale] = map[string]any{"schema": map[string]any{"type": "string", "enum": []string{"true"}},
		"description": "以网关持有的状态作答 / answered from held state"}
}

func staleHeaders(c *gin.Context, st *service.Staleness) {
	c.Header(headerAge, strconv.FormatInt(int64(st.Age/time.Second), 10))
	c.Header(headerStale, "true")
}

// renderErrors writes the response for the last error a handler or
// middleware recorded. It is the only place an error becomes an HTTP status
// and body: errors that are not a *dingtalk.Error are sent as ErrSystem
// (their text goes to the log, never to the client), and on a DingTalk
// action the error is already the code its page documents (documentErrors).
func renderErrors() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		var e *dingtalk.Error
		if !errors.As(c.Errors.Last().Err, &e) {
			e = dingtalk.ErrSystem
		}
		body := *e
		body.RequestID = middleware.RequestIDFrom(c.Request.Context())
		c.JSON(e.Status, &body)
	}
}

// notFound answers unknown routes and methods the way DingTalk does: 404
// InvalidAction.NotFound, as JSON (gin's text default breaks the SDK).
func notFound(c *gin.Context) {
	_ = c.Error(dingtalk.ErrNotFound)
}

// missingID answers a path whose id segment is empty (the SDK sends
// /files/ for an empty fileId) with the parameter error naming the field.
func missingID(field string) gin.HandlerFunc {
	return func(c *gin.Context) { _ = c.Error(dingtalk.Field(field)) }
}
