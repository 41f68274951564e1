package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"encoding/json"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// endpoint is how a route answers JSON: bind the request, check it, call
// the handler. The request and answer types it records are what the
// OpenAPI document reflects, so the document describes exactly what the
// handler takes and gives.
type endpoint struct {
	req, res reflect.Type
	serve    func(c *gin.Context, rt *route) (any, error)
}

// op makes an endpoint of a handler: the request comes from the path, the
// query and the JSON body as Req's tags say, is checked against them for
// the route's version (dingtalk.Check), and the handler's answer is the
// success body. A field at fault answers the error the route's row names
// for it (FieldErrors), else 参数错误:<field>.
func op[Req, Res any](fn func(context.Context, *Req) (Res, error)) endpoint {
	return endpoint{req: reflect.TypeFor[Req](), res: reflect.TypeFor[Res](),
		serve: func(c *gin.Context, rt *route) (any, error) {
			req := new(Req)
			if err := bind(c, req); err != nil {
				return nil, err
			}
			if field, why := dingtalk.Fault(req, rt.Version); field != "" {
				if e, ok := rt.FieldErrors[field]; ok {
					return nil, e
				}
				return nil, dingtalk.FieldWhy(field, why)
			}
			return fn(c.Request.Context(), req)
		}}
}

// bind fills req: path and query parameters first, then the JSON body,
// which wins (esign_1.0 CreateDeveloper reads both). A request type with no
// body fields never reads the body.
func bind(c *gin.Context, req any) error {
	v := reflect.ValueOf(req).Elem()
	in := bindingFor(v.Type())
	for _, p := range in.params {
		var s string
		if p.path {
			s = c.Param(p.name)
		} else {
			s = c.Query(p.name)
		}
		if s != "" {
			v.FieldByIndex(p.index).SetString(s)
		}
	}
	if !in.body {
		return nil
	}
	return bindJSON(c, req)
}

// binding is where the fields of one request type come from.
type binding struct {
	params []param
	body   bool
}

type param struct {
	name  string
	path  bool
	index []int
}

var bindings sync.Map // reflect.Type -> *binding

func bindingFor(t reflect.Type) *binding {
	if b, ok := bindings.Load(t); ok {
		return b.(*binding)
	}
	b := &binding{}
	dingtalk.Fields(t, func(f reflect.StructField, name, where string) {
		switch {
		case where == "body":
			b.body = true
		case f.Type.Kind() != reflect.String:
			panic("api: parameter " + name + " of " + t.Name() + " must be a string") // static types: every test run fails
		default:
			b.params = append(b.params, param{name: name, path: where == "path", index: f.Index})
		}
	})
	bindings.Store(t, b)
	return b
}

// bindJSON decodes the request body into v. An absent body counts as {}
// (the SDK sends none for body-less POSTs and drops bodies on GET). Anything
// else must be one valid UTF-8 JSON object; type errors name the field.
func bindJSON(c *gin.Context, v any) error {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		return bodyError(err)
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
			return dingtalk.ErrInvalidParam.Msg("参数错误:%s类型错误，应为%s", wireField(te.Field), jsonKind(te.Type.Kind().String())).Wrap(err)
		}
		return dingtalk.ErrInvalidParam.Msg("参数错误:请求体不是合法的JSON对象").Wrap(err)
	}
	return nil
}

// bodyError is what a client gets whose body could not be read: too
// large, or not all there by the server's read deadline.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return dingtalk.ErrBodyTooLarge.Wrap(err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return dingtalk.ErrInvalidParam.Msg("参数错误:请求体未在读取时限内送达 / the body did not arrive within the read deadline").Wrap(err)
	}
	return dingtalk.ErrInvalidParam.Msg("参数错误:读取请求体失败").Wrap(err)
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

// wireField is a decoding error's field path as the client knows it:
// encoding/json names embedded structs by their Go type ("participants.
// Party.accountType"), which the wire never shows. Wire names start with a
// lower-case letter; Go type names with an upper-case one.
func wireField(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && !unicode.IsUpper([]rune(p)[0]) {
			out = append(out, p)
		}
	}
	return strings.Join(out, ".")
}
