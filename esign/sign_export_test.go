package esign

import (
	"net/http"
	"testing"
	"time"
)

func TestSignRequestMatchesSigner(t *testing.T) {
	now := time.UnixMilli(1700000000000)
	tests := []struct {
		name, method, url string
		header            map[string]string
	}{
		{"get", http.MethodGet, "http://e/v1/signflows/f1", map[string]string{"Accept": "*/*", "Content-Type": contentTypeJSON}},
		{"get with query", http.MethodGet, "http://e/v1/signflows/f1/executeUrl?urlType=0&accountId=a", map[string]string{"Accept": "*/*"}},
		{"post", http.MethodPost, "http://e/api/v2/signflows/createFlowOneStep", map[string]string{"Accept": "*/*", "Content-Type": contentTypeJSON, "Content-MD5": contentMD5([]byte(`{}`))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := http.NewRequest(tc.method, tc.url, nil)
			b, _ := http.NewRequest(tc.method, tc.url, nil)
			for k, v := range tc.header {
				a.Header.Set(k, v)
				b.Header.Set(k, v)
			}
			SignRequest(a, "app", "secret", now)
			signer{appID: "app", secret: "secret"}.sign(b, now)
			for _, h := range []string{headerAppID, headerAuthMode, headerTimestamp, headerSignature} {
				if got, want := a.Header.Get(h), b.Header.Get(h); got != want || got == "" {
					t.Errorf("%s: got %q, want %q (non-empty)", h, got, want)
				}
			}
		})
	}
}
