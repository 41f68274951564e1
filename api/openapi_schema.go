package api

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"esign-gateway/dingtalk"
)

// schema is a JSON Schema (OpenAPI 3.1 dialect) as it is serialised: just
// what the gateway's wire types need.
type schema struct {
	Ref         string             `json:"$ref,omitempty"`
	Type        string             `json:"type,omitempty"`
	Format      string             `json:"format,omitempty"`
	Description string             `json:"description,omitempty"`
	Enum        []any              `json:"enum,omitempty"`
	Properties  map[string]*schema `json:"properties,omitempty"`
	Required    []string           `json:"required,omitempty"`
	Items       *schema            `json:"items,omitempty"`
	MinItems    int                `json:"minItems,omitempty"`
	MaxItems    int                `json:"maxItems,omitempty"`
	Minimum     *float64           `json:"minimum,omitempty"`
	Maximum     *float64           `json:"maximum,omitempty"`
}

// reflector turns the Go wire types into schemas, named components, from
// their tags (json, doc, required, enum, min, max, maxItems): the same tags
// dingtalk.Check enforces, so the document states exactly what is checked.
type reflector struct {
	schemas map[string]*schema
}

func newReflector() *reflector { return &reflector{schemas: map[string]*schema{}} }

// role says how a type is used: an answer always carries every field (but
// those marked omitempty); a request's required fields depend on the
// version.
type role struct {
	answer  bool
	version string
}

// ref returns a schema of t, adding the components it needs.
func (r *reflector) ref(t reflect.Type, ro role) *schema {
	switch t {
	case reflect.TypeFor[time.Time]():
		return &schema{Type: "string", Format: "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return r.ref(t.Elem(), ro)
	case reflect.String:
		return &schema{Type: "string"}
	case reflect.Bool:
		return &schema{Type: "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return &schema{Type: "integer", Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return &schema{Type: "number", Format: "double"}
	case reflect.Slice:
		return &schema{Type: "array", Items: r.ref(t.Elem(), ro)}
	case reflect.Map, reflect.Interface:
		return &schema{Type: "object"}
	case reflect.Struct:
		name := r.name(t, ro)
		if _, ok := r.schemas[name]; !ok {
			r.schemas[name] = &schema{} // placeholder: recursive types end
			r.schemas[name] = r.object(t, ro)
		}
		return &schema{Ref: "#/components/schemas/" + name}
	}
	panic("openapi: no schema for " + t.String()) // static types: every test run fails
}

// name is the component's name: the type's, capitalised, with the version
// when the type's required fields differ by version.
func (r *reflector) name(t reflect.Type, ro role) string {
	n := []rune(t.Name())
	n[0] = unicode.ToUpper(n[0])
	name := string(n)
	if !ro.answer && versioned(t) {
		name += map[string]string{esign1: "V1", esign2: "V2"}[ro.version]
	}
	return name
}

// versioned reports whether some field of t (or below) is required in one
// version only.
func versioned(t reflect.Type) bool {
	found := false
	dingtalk.Fields(t, func(f reflect.StructField, _, _ string) {
		if req := f.Tag.Get("required"); req != "" && req != "true" {
			found = true
		}
		if st := elemStruct(f.Type); st != nil && st != t && versioned(st) {
			found = true
		}
	})
	return found
}

// object is the schema of struct t's body fields.
func (r *reflector) object(t reflect.Type, ro role) *schema {
	s := &schema{Type: "object", Properties: map[string]*schema{}}
	dingtalk.Fields(t, func(f reflect.StructField, name, in string) {
		if in != "body" {
			return
		}
		p := r.ref(f.Type, ro) // a fresh value: $ref siblings are fine in OpenAPI 3.1
		p.Description = f.Tag.Get("doc")
		applyBounds(p, f, ro)
		s.Properties[name] = p
		_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case ro.answer && !strings.Contains(opts, "omitempty"):
			s.Required = append(s.Required, name)
		case !ro.answer && dingtalk.RequiredIn(f.Tag, ro.version):
			s.Required = append(s.Required, name)
			if p.Type == "array" {
				p.MinItems = 1
			}
		}
	})
	return s
}

// applyBounds copies enum, min, max and maxItems from the tags.
func applyBounds(p *schema, f reflect.StructField, _ role) {
	if e := f.Tag.Get("enum"); e != "" {
		for _, v := range dingtalk.EnumValues(e) {
			if p.Type == "integer" {
				n, _ := strconv.Atoi(v)
				p.Enum = append(p.Enum, n)
			} else {
				p.Enum = append(p.Enum, v)
			}
		}
	}
	if v := f.Tag.Get("min"); v != "" {
		n, _ := strconv.ParseFloat(v, 64)
		p.Minimum = &n
	}
	if v := f.Tag.Get("max"); v != "" {
		n, _ := strconv.ParseFloat(v, 64)
		p.Maximum = &n
	}
	if v := f.Tag.Get("maxItems"); v != "" {
		p.MaxItems, _ = strconv.Atoi(v)
	}
}

// params are the path and query parameters of request type t.
func (r *reflector) params(t reflect.Type, version string) []any {
	var out []any
	dingtalk.Fields(t, func(f reflect.StructField, name, in string) {
		if in == "body" {
			return
		}
		p := map[string]any{"name": name, "in": in, "required": in == "path" || dingtalk.RequiredIn(f.Tag, version),
			"description": f.Tag.Get("doc"), "schema": map[string]any{"type": "string"}}
		out = append(out, p)
	})
	return out
}

// hasBody reports whether request type t has body fields.
func hasBody(t reflect.Type) bool {
	body := false
	dingtalk.Fields(t, func(_ reflect.StructField, _, in string) { body = body || in == "body" })
	return body
}

// elemStruct is the struct behind t (pointers and lists), or nil.
func elemStruct(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]() {
		return t
	}
	return nil
}
