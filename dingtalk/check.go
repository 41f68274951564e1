package dingtalk

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Check validates a request against its tags (see requests.go) for
// version ("esign_1.0", "esign_2.0" or "oauth2_1.0"): required fields are
// present (a non-empty string, a non-nil pointer, a non-empty list), numbers
// are within min and max, strings and integers within enum, lists within maxItems. Then
// each struct's own cross-field rule runs (a bad(version) string method
// naming the field at fault). The first failure is reported as DingTalk
// does, 参数错误:<field>, with list items named like files[0].fileId. The
// SDK checks nothing (contract §2.7), so this is the only check.
func Check(req any, version string) error {
	if field, why := Fault(req, version); field != "" {
		return FieldWhy(field, why)
	}
	return nil
}

// BadField is the path of the first field of req that breaks its tags for
// version (see Check), or "".
func BadField(req any, version string) string {
	field, _ := Fault(req, version)
	return field
}

// Fault is BadField with why the field is at fault where the bare name
// would not tell the client (a list over its maxItems), else "".
func Fault(req any, version string) (field, why string) {
	v := reflect.ValueOf(req)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return "", ""
	}
	var w string
	field = planFor(v.Elem().Type()).check(v.Elem(), version, "", &w)
	return field, w
}

// badder is a request part with a rule across its fields.
type badder interface{ bad(version string) string }

// plan is the compiled tags of one struct type.
type plan struct {
	fields []rule
}

// rule is what one field must be.
type rule struct {
	index    []int
	name     string
	required string // "", "true" or versions
	min, max *float64
	enum     []string
	maxItems int
	elem     *plan // list items or nested struct
}

var plans sync.Map // reflect.Type -> *plan

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	// Published only once complete: concurrent first requests of a type
	// must never read a plan still being filled in.
	p, _ := plans.LoadOrStore(t, buildPlan(t, map[reflect.Type]*plan{}))
	return p.(*plan)
}

// buildPlan compiles t's tags; building holds the plans under
// construction, so a recursive type ends.
func buildPlan(t reflect.Type, building map[reflect.Type]*plan) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &plan{}
	building[t] = p
	seen := map[string]bool{}
	Fields(t, func(f reflect.StructField, name, _ string) {
		if seen[name] {
			return // one field sent in the body and the query
		}
		seen[name] = true
		r := rule{index: f.Index, name: name, required: f.Tag.Get("required"), maxItems: atoi(f.Tag.Get("maxItems"))}
		if s := f.Tag.Get("enum"); s != "" {
			r.enum = EnumValues(s)
		}
		r.min, r.max = number(f.Tag.Get("min")), number(f.Tag.Get("max"))
		if et := structOf(f.Type); et != nil {
			r.elem = buildPlan(et, building)
		}
		p.fields = append(p.fields, r)
	})
	return p
}

// check returns the path of the first field of v that breaks its rule, or
// "".
func (p *plan) check(v reflect.Value, version, prefix string, why *string) string {
	for _, r := range p.fields {
		if bad := r.check(v.FieldByIndex(r.index), version, prefix+r.name, why); bad != "" {
			return bad
		}
	}
	if b, ok := v.Addr().Interface().(badder); ok {
		if f := b.bad(version); f != "" {
			return prefix + f
		}
	}
	return ""
}

func (r *rule) check(f reflect.Value, version, path string, why *string) string {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return when(r.requiredIn(version), path)
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.String:
		s := f.String()
		if s == "" {
			return when(r.requiredIn(version), path)
		}
		if r.enum != nil && !slices.Contains(r.enum, s) {
			return path
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n := float64(f.Int())
		if (r.min != nil && n < *r.min) || (r.max != nil && n > *r.max) {
			return path
		}
		if r.enum != nil && !slices.Contains(r.enum, strconv.FormatInt(f.Int(), 10)) {
			return path
		}
	case reflect.Float64:
		n := f.Float()
		if (r.min != nil && n < *r.min) || (r.max != nil && n > *r.max) {
			return path
		}
	case reflect.Slice:
		if f.Len() == 0 {
			return when(r.requiredIn(version), path)
		}
		if r.maxItems > 0 && f.Len() > r.maxItems {
			*why = "最多" + strconv.Itoa(r.maxItems) + "项 / at most " + strconv.Itoa(r.maxItems) + " items"
			return path
		}
		if r.elem != nil {
			for i := range f.Len() {
				if bad := r.elem.check(f.Index(i), version, path+"["+strconv.Itoa(i)+"].", why); bad != "" {
					return bad
				}
			}
		}
	case reflect.Struct:
		if r.elem != nil {
			return r.elem.check(f, version, path+".", why)
		}
	}
	return ""
}

// requiredIn reports whether the field is required in version.
func (r *rule) requiredIn(version string) bool {
	return r.required == "true" || (r.required != "" && slices.Contains(strings.Split(r.required, ","), version))
}

// RequiredIn reports whether a field with tag is required in version, for
// the OpenAPI document.
func RequiredIn(tag reflect.StructTag, version string) bool {
	return (&rule{required: tag.Get("required")}).requiredIn(version)
}

// Fields calls fn for every wire field of struct type t, in order, with its
// name and where it travels ("body", "path" or "query"; a field with both a
// json and a query tag is called twice). Embedded structs contribute their
// fields, as encoding/json flattens them.
func Fields(t reflect.Type, fn func(f reflect.StructField, name, in string)) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			Fields(f.Type, func(sub reflect.StructField, name, in string) {
				sub.Index = append([]int{i}, sub.Index...)
				fn(sub, name, in)
			})
			continue
		}
		if !f.IsExported() {
			continue
		}
		for _, in := range []string{"path", "query", "json"} {
			name, _, _ := strings.Cut(f.Tag.Get(in), ",")
			if name == "" || name == "-" {
				continue
			}
			if in == "json" {
				in = "body"
			}
			fn(f, name, in)
		}
	}
}

// structOf is the struct type behind t (a struct, a pointer to one, or a
// list of either), or nil.
func structOf(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

func when(cond bool, path string) string {
	if cond {
		return path
	}
	return ""
}

func number(s string) *float64 {
	if s == "" {
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic("dingtalk: bad number tag " + strconv.Quote(s)) // static tags: every test run fails, never production alone
	}
	return &n
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// EnumValues are the values of an enum tag: separated by "|" where a value
// has a comma of its own (signRequirements "1|2|1,2"), else by ",".
func EnumValues(tag string) []string {
	if strings.Contains(tag, "|") {
		return strings.Split(tag, "|")
	}
	return strings.Split(tag, ",")
}
