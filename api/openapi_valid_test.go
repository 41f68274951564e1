package api_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// TestOpenAPIValid validates the document with libopenapi (the OpenAPI 3.1
// schema, references) and checks what that schema cannot: unique
// operationIds, declared path parameters, JSON Schema types.
func TestOpenAPIValid(t *testing.T) {
	d, raw := fetchDoc(t, fullGateway(t))
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Errorf("libopenapi model: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("libopenapi validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("OpenAPI 3.1 schema: %s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s at %s", se.Reason, se.FieldPath)
			}
		}
	}
	if d["openapi"] != "3.1.0" {
		t.Errorf("openapi %v, want 3.1.0", d["openapi"])
	}
	info, _ := d["info"].(map[string]any)
	if info["title"] == "" || info["version"] == "" {
		t.Errorf("info %v lacks title or version", info)
	}
	for _, problem := range structuralProblems(d) {
		t.Error(problem)
	}
}

// structuralProblems walks the document: every $ref resolves, every schema
// type is a JSON Schema type, operationIds are unique, path parameters are
// declared exactly, every response has a description.
func structuralProblems(d oaDoc) []string {
	var out []string
	types := map[string]bool{"string": true, "integer": true, "number": true, "boolean": true, "array": true, "object": true, "null": true}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"].(string); ok {
				if _, ok := d.lookup(r); !ok {
					out = append(out, at+": $ref "+r+" does not resolve")
				}
			}
			if ty, ok := x["type"].(string); ok && !strings.Contains(at, ".securitySchemes.") && !types[ty] {
				out = append(out, at+": type "+ty+" is not a JSON Schema type")
			}
			for _, k := range sortedKeys(x) {
				walk(x[k], at+"."+k)
			}
		case []any:
			for _, e := range x {
				walk(e, at+"[]")
			}
		}
	}
	walk(map[string]any(d), "$")
	ids := map[string]string{}
	pathParam := regexp.MustCompile(`\{([^}]+)\}`)
	for _, tmpl := range sortedKeys(d["paths"].(map[string]any)) {
		item := d["paths"].(map[string]any)[tmpl].(map[string]any)
		var want []string
		for _, m := range pathParam.FindAllStringSubmatch(tmpl, -1) {
			want = append(want, m[1])
		}
		for _, method := range sortedKeys(item) {
			op := item[method].(map[string]any)
			where := method + " " + tmpl
			id, _ := op["operationId"].(string)
			if prev, dup := ids[id]; dup || id == "" {
				out = append(out, where+": operationId "+id+" empty or also on "+prev)
			}
			ids[id] = where
			var got []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if pm := d.resolve(p.(map[string]any)); pm["in"] == "path" {
					got = append(got, pm["name"].(string))
					if pm["required"] != true {
						out = append(out, where+": path parameter "+pm["name"].(string)+" not required")
					}
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				out = append(out, where+": path parameters "+strings.Join(got, ",")+", want "+strings.Join(want, ","))
			}
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				out = append(out, where+": no responses")
			}
			for status, r := range responses {
				if desc, _ := r.(map[string]any)["description"].(string); desc == "" {
					out = append(out, where+": response "+status+" has no description")
				}
			}
		}
	}
	return out
}

// TestStructuralProblems shows the walk catches each kind of mistake.
func TestStructuralProblems(t *testing.T) {
	op := func(id string, params ...any) map[string]any {
		return map[string]any{"operationId": id, "parameters": params, "responses": map[string]any{"200": map[string]any{"description": "ok"}}}
	}
	taskID := map[string]any{"name": "taskId", "in": "path", "required": true}
	tests := []struct {
		name  string
		paths map[string]any
		want  int
	}{
		{"clean", map[string]any{"/t/{taskId}": map[string]any{"get": op("A", taskID)}}, 0},
		{"undeclared path parameter", map[string]any{"/t/{taskId}": map[string]any{"get": op("A")}}, 1},
		{"duplicate operationId", map[string]any{"/a": map[string]any{"get": op("A")}, "/b": map[string]any{"get": op("A")}}, 1},
		{"dangling $ref", map[string]any{"/a": map[string]any{"get": op("A", map[string]any{"$ref": "#/components/parameters/Nope"})}}, 1},
		{"bad type", map[string]any{"/a": map[string]any{"get": map[string]any{"operationId": "A",
			"responses": map[string]any{"200": map[string]any{"description": "ok", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "int"}}}}}}}}, 1},
	}
	for _, tc := range tests {
		if got := structuralProblems(oaDoc{"paths": tc.paths}); len(got) != tc.want {
			t.Errorf("%s: got %v, want %d problems", tc.name, got, tc.want)
		}
	}
}
