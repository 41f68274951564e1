package api

import (
	"errors"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// spanRoute is what a request's server span says about its row.
type spanRoute struct {
	name  string
	attrs []attribute.KeyValue
}

// tracing is the server-span middleware for rows: a DingTalk action's span
// is named for the action (GetFlowDetail, with dingtalk.version telling
// the two versions apart), the gateway's own routes for their operationId
// (Readyz, EsignCallback), anything else "METHOD unmatched".
func tracing(tr trace.Tracer, rows []route) gin.HandlerFunc {
	names := map[[2]string]spanRoute{}
	for i := range rows {
		rt := &rows[i]
		sr := spanRoute{name: rt.opID()}
		if rt.Action != "" {
			sr = spanRoute{name: rt.Action, attrs: []attribute.KeyValue{
				attribute.String("dingtalk.action", rt.Action), attribute.String("dingtalk.version", rt.Version)}}
		}
		names[[2]string{rt.Method, rt.Path}] = sr
		if path, _, ok := rt.emptyID(); ok {
			names[[2]string{rt.Method, path}] = sr
		}
	}
	return middleware.Tracing(middleware.TracingConfig{
		Tracer: tr,
		Route: func(method, route string) (string, []attribute.KeyValue) {
			sr := names[[2]string{method, route}]
			return sr.name, sr.attrs
		},
		Code: func(err error) string {
			var e *dingtalk.Error
			if errors.As(err, &e) {
				return e.Code
			}
			return dingtalk.ErrSystem.Code
		},
	})
}
