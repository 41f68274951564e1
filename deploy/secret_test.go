package deploy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestSecretsArePlaceholders: the example Secret holds no real-looking
// secret, only CHANGE_ME placeholders (also inside JSON values).
func TestSecretsArePlaceholders(t *testing.T) {
	for _, m := range load(t)["Secret"] {
		if d, _ := m.doc["data"].(map[string]any); len(d) > 0 {
			t.Errorf("%s: base64 data in an example Secret; use stringData placeholders", m.file)
		}
		for k, v := range dig(m.doc, "stringData").(map[string]any) {
			for _, s := range leaves(v) {
				if realLooking(s) {
					t.Errorf("%s: %s holds a real-looking secret", m.file, k)
				}
			}
		}
	}
}

// leaves returns v's strings, looking inside JSON.
func leaves(v any) []string {
	s, ok := v.(string)
	if !ok {
		return []string{fmt.Sprint(v)}
	}
	var j any
	if json.Unmarshal([]byte(s), &j) != nil {
		return []string{s}
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		case string:
			out = append(out, x)
		}
	}
	walk(j)
	return out
}

var (
	placeholder = regexp.MustCompile(`CHANGE_ME[A-Z0-9_]*`)
	secretish   = regexp.MustCompile(`[A-Za-z0-9+/=_\-]{16,}`)
)

// realLooking: after the placeholders are removed, a run of 16 or more
// token characters mixing letters and digits remains.
func realLooking(s string) bool {
	for _, run := range secretish.FindAllString(placeholder.ReplaceAllString(s, ""), -1) {
		if strings.ContainsAny(run, "0123456789") && strings.IndexFunc(run, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0 {
			return true
		}
	}
	return false
}

func TestRealLooking(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"CHANGE_ME_ESIGN_APP_SECRET", false},
		{"isv_enterprise", false},
		{"k1:CHANGE_ME_SIGNING_KEY_32_BYTES", false},
		{"3f1c9a7be2d04c6f8a1b5e9d7c3a2f10", true},
		{"k1:0123456789abcdef0123456789abcdef", true},
		{"ZGVtby1lc2lnbi1hcHAtc2VjcmV0", true},
	}
	for _, tt := range tests {
		if got := realLooking(tt.in); got != tt.want {
			t.Errorf("realLooking(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
