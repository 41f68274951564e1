package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

type handlerFunc func(c *gin.Context) (any, error)

// handle runs a handler and writes its result as a flat JSON body
// (esign_2.0, oauth2, admin).
func handle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, err := h(c)
		if err != nil {
			_ = c.Error(err)
			return
		}
		c.JSON(http.StatusOK, body)
	}
}

// v1 runs a handler and wraps its result in esign_1.0's envelope
// {"code":0,"message":"ok","data":...}.
func v1(h handlerFunc) gin.HandlerFunc {
	return handle(func(c *gin.Context) (any, error) {
		body, err := h(c)
		if err != nil {
			return nil, err
		}
		return dingtalk.OK(body), nil
	})
}

// renderErrors writes the response for the last error a handler or
// middleware recorded. It is the only place an error becomes an HTTP status
// and body; errors that are not a *dingtalk.Error are sent as ErrSystem
// (their text goes to the log, never to the client).
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

// bindJSON decodes the request body into v. An absent body counts as {}
// (the SDK sends none for body-less POSTs and drops bodies on GET). Anything
// else must be one valid UTF-8 JSON object; type errors name the field.
func bindJSON(c *gin.Context, v any) error {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return dingtalk.ErrBodyTooLarge.Wrap(err)
		}
		return dingtalk.ErrInvalidParam.Msg("参数错误:读取请求体失败").Wrap(err)
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil
	}
	if ct := c.GetHeader("Content-Type"); !isJSON(ct) {
		return dingtalk.ErrInvalidParam.Msg("参数错误:Content-Type必须为application/json")
	}
	if !utf8.Valid(raw) {
		return dingtalk.ErrInvalidParam.Msg("参数错误:请求体不是合法的UTF-8")
	}
	if err := json.Unmarshal(raw, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return dingtalk.ErrInvalidParam.Msg("参数错误:%s类型错误，应为%s", te.Field, jsonKind(te.Type.Kind().String())).Wrap(err)
		}
		return dingtalk.ErrInvalidParam.Msg("参数错误:请求体不是合法的JSON对象").Wrap(err)
	}
	return nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return "number"
}

// notFound answers unknown routes and methods the way DingTalk does: 404
// InvalidAction.NotFound, as JSON (gin's text default breaks the SDK).
func notFound(c *gin.Context) {
	_ = c.Error(dingtalk.ErrNotFound)
}
