package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// manifest is one YAML document of one file.
type manifest struct {
	file string
	doc  map[string]any
}

// load parses every YAML document in the directory.
func load(t *testing.T) map[string][]manifest {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	byKind := map[string][]manifest{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			kind, _ := doc["kind"].(string)
			if kind == "" || doc["apiVersion"] == nil {
				t.Errorf("%s: a document without apiVersion and kind", f)
			}
			byKind[kind] = append(byKind[kind], manifest{f, doc})
		}
	}
	return byKind
}

// dig walks maps by key and lists by index; nil if the path is absent.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// one returns the only manifest of kind.
func one(t *testing.T, all map[string][]manifest, kind string) map[string]any {
	t.Helper()
	if len(all[kind]) != 1 {
		t.Fatalf("got %d %s manifests, want 1", len(all[kind]), kind)
	}
	return all[kind][0].doc
}

// configKeys are the gateway's configuration keys, from ../config.yaml.
func configKeys(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	flatten(t, raw, keys)
	return keys
}

func flatten(t *testing.T, raw []byte, out map[string]bool) {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if prefix != "" {
				k = prefix + "." + k
			}
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(k, sub)
				continue
			}
			out[k] = true
		}
	}
	walk("", doc)
}
