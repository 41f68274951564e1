package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"

	"esign-gateway/api/apitest"
)

// oaDoc is /openapi.json decoded, with a tiny JSON Schema checker for the
// subset the gateway emits ($ref, type, properties, required, items, enum,
// minimum, maximum, minItems, additionalProperties false).
type oaDoc map[string]any

func fetchDoc(t *testing.T, g *apitest.Gateway) (oaDoc, []byte) {
	t.Helper()
	res := g.Do("GET", "/openapi.json", "", nil)
	if res.Status != 200 {
		t.Fatalf("GET /openapi.json: %d %s", res.Status, res.Raw)
	}
	var d oaDoc
	if err := json.Unmarshal(res.Raw, &d); err != nil {
		t.Fatal(err)
	}
	return d, res.Raw
}

// lookup follows a local JSON pointer ("#/components/schemas/X").
func (d oaDoc) lookup(ref string) (any, bool) {
	var cur any = map[string]any(d)
	for _, k := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (d oaDoc) resolve(s map[string]any) map[string]any {
	for i := 0; i < 20; i++ {
		r, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		target, _ := d.lookup(r)
		s, _ = target.(map[string]any)
	}
	return s
}

// check returns how v breaks schema s. strict also reports properties the
// schema does not name: every field the gateway sends must be documented.
func (d oaDoc) check(s map[string]any, v any, at string, strict bool) []string {
	s = d.resolve(s)
	if s == nil {
		return []string{at + ": unresolvable schema"}
	}
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, at+": "+fmt.Sprintf(f, a...)) }
	if enum, ok := s["enum"].([]any); ok && !containsValue(enum, v) {
		bad("%#v not in enum %v", v, enum)
	}
	switch s["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			bad("got %T, want object", v)
			break
		}
		props, _ := s["properties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := obj[r]; !ok {
				bad("required field %s missing", r)
			}
		}
		for _, k := range sortedKeys(obj) {
			ps, ok := props[k].(map[string]any)
			if !ok {
				if strict || s["additionalProperties"] == false {
					bad("field %s is not documented", k)
				}
				continue
			}
			errs = append(errs, d.check(ps, obj[k], at+"."+k, strict)...)
		}
	case "array":
		list, ok := v.([]any)
		if !ok {
			bad("got %T, want array", v)
			break
		}
		if n, ok := s["minItems"].(float64); ok && float64(len(list)) < n {
			bad("%d items, want at least %v", len(list), n)
		}
		items, _ := s["items"].(map[string]any)
		for i, x := range list {
			errs = append(errs, d.check(items, x, fmt.Sprintf("%s[%d]", at, i), strict)...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			bad("got %T %#v, want string", v, v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("got %T %#v, want boolean", v, v)
		}
	case "integer", "number":
		n, ok := v.(float64)
		if !ok {
			bad("got %T %#v, want %s", v, v, s["type"])
			break
		}
		if s["type"] == "integer" && n != math.Trunc(n) {
			bad("%v is not an integer", n)
		}
		if lo, ok := s["minimum"].(float64); ok && n < lo {
			bad("%v below minimum %v", n, lo)
		}
		if hi, ok := s["maximum"].(float64); ok && n > hi {
			bad("%v above maximum %v", n, hi)
		}
	case nil:
		// an open schema ({} or description only) takes anything
	default:
		bad("unknown type %v", s["type"])
	}
	return errs
}

// operation finds the documented operation serving method and a concrete
// path (query string allowed).
func (d oaDoc) operation(method, path string) (map[string]any, bool) {
	path, _, _ = strings.Cut(path, "?")
	got := strings.Split(path, "/")
	paths, _ := d["paths"].(map[string]any)
	for tmpl, item := range paths {
		want := strings.Split(tmpl, "/")
		if len(want) != len(got) {
			continue
		}
		match := true
		for i := range want {
			if !(strings.HasPrefix(want[i], "{") && got[i] != "") && want[i] != got[i] {
				match = false
				break
			}
		}
		if op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any); match && ok {
			return op, true
		}
	}
	return nil, false
}

// responseSchema is the JSON schema of an operation's answer with status.
func responseSchema(op map[string]any, status string) (map[string]any, bool) {
	res, ok := op["responses"].(map[string]any)[status].(map[string]any)
	if !ok {
		return nil, false
	}
	media, ok := res["content"].(map[string]any)["application/json"].(map[string]any)
	if !ok {
		return nil, false
	}
	s, ok := media["schema"].(map[string]any)
	return s, ok
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSchemaChecker shows the checker catches what it must.
func TestSchemaChecker(t *testing.T) {
	d := oaDoc{"components": map[string]any{"schemas": map[string]any{
		"N": map[string]any{"type": "object", "required": []any{"n"}, "properties": map[string]any{"n": map[string]any{"type": "integer", "minimum": 1.0}}},
	}}}
	ref := map[string]any{"$ref": "#/components/schemas/N"}
	tests := []struct {
		name   string
		v      any
		strict bool
		want   int
	}{
		{"valid", map[string]any{"n": 2.0}, true, 0},
		{"float for integer", map[string]any{"n": 2.5}, false, 1},
		{"string for integer", map[string]any{"n": "2"}, false, 1},
		{"missing required", map[string]any{}, false, 1},
		{"below minimum", map[string]any{"n": 0.0}, false, 1},
		{"undocumented field, strict", map[string]any{"n": 1.0, "x": true}, true, 1},
		{"undocumented field, lenient", map[string]any{"n": 1.0, "x": true}, false, 0},
		{"not an object", []any{}, false, 1},
	}
	for _, tc := range tests {
		if got := d.check(ref, tc.v, "$", tc.strict); len(got) != tc.want {
			t.Errorf("%s: got %v, want %d errors", tc.name, got, tc.want)
		}
	}
}
