package api

// A small JSON Schema vocabulary for the OpenAPI document: just what the
// gateway's wire types need (dingtalk/wire.go, dingtalk/requests.go). The
// helpers keep the action tables in openapi_actions*.go one line per field.

// schema is a JSON Schema (OpenAPI 3.1 dialect) as it is serialised.
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
	Minimum     *float64           `json:"minimum,omitempty"`
	Maximum     *float64           `json:"maximum,omitempty"`
	// Closed marks an object whose fields are exactly Properties.
	Closed *bool `json:"additionalProperties,omitempty"`
}

// prop is a named property of an object; required as the gateway enforces
// it (not as the SDK's .d.ts marks it).
type prop struct {
	name     string
	s        *schema
	required bool
}

func str(desc string) *schema { return &schema{Type: "string", Description: desc} }
func integer(desc string) *schema {
	return &schema{Type: "integer", Format: "int64", Description: desc}
}
func number(desc string) *schema  { return &schema{Type: "number", Format: "double", Description: desc} }
func boolean(desc string) *schema { return &schema{Type: "boolean", Description: desc} }
func ref(name string) *schema     { return &schema{Ref: "#/components/schemas/" + name} }

// arr is an array of items.
func arr(items *schema, desc string) *schema {
	return &schema{Type: "array", Items: items, Description: desc}
}

// obj is an object with props, the required ones listed in order.
func obj(desc string, props ...prop) *schema {
	s := &schema{Type: "object", Description: desc, Properties: map[string]*schema{}}
	for _, p := range props {
		s.Properties[p.name] = p.s
		if p.required {
			s.Required = append(s.Required, p.name)
		}
	}
	return s
}

// closed is an object that never carries other fields.
func closed(desc string, props ...prop) *schema {
	s := obj(desc, props...)
	f := false
	s.Closed = &f
	return s
}

func may(name string, s *schema) prop  { return prop{name: name, s: s} }
func must(name string, s *schema) prop { return prop{name: name, s: s, required: true} }

// withEnum sets the allowed values of s.
func withEnum(s *schema, values ...any) *schema {
	s.Enum = values
	return s
}

// positive sets minimum 1: the gateway rejects 0 and negatives.
func positive(s *schema) *schema { return atLeast(s, 1) }

// atLeast sets the minimum of s.
func atLeast(s *schema, lo float64) *schema {
	s.Minimum = &lo
	return s
}

// between bounds s.
func between(s *schema, lo, hi float64) *schema {
	s.Minimum, s.Maximum = &lo, &hi
	return s
}

// nonEmpty sets minItems 1.
func nonEmpty(s *schema) *schema {
	s.MinItems = 1
	return s
}
