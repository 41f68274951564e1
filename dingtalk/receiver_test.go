package dingtalk

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestEventReceiver(t *testing.T) {
	c, err := NewEventCrypto(dtToken, dtAESKey, dtReceiver)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewEventCrypto("other-token", dtAESKey, dtReceiver)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := c.Encrypt([]byte(`{"EventType":"esign_flow_update"}`), "1700000000000", "n1")
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.Encrypt([]byte(`{"EventType":"forged"}`), "1700000000000", "n1")
	if err != nil {
		t.Fatal(err)
	}
	query := func(e EncryptedEvent, sigParam string) string {
		return "/?" + url.Values{sigParam: {e.MsgSignature}, "timestamp": {e.TimeStamp}, "nonce": {e.Nonce}}.Encode()
	}
	body := func(e EncryptedEvent) string { return `{"encrypt":"` + e.Encrypt + `"}` }
	tests := []struct {
		name, method, target, body string
		wantStatus                 int
		wantEvent                  string
	}{
		{"valid", "POST", query(sealed, "msg_signature"), body(sealed), 200, `{"EventType":"esign_flow_update"}`},
		{"signature param", "POST", query(sealed, "signature"), body(sealed), 200, `{"EventType":"esign_flow_update"}`},
		{"forged by another token", "POST", query(forged, "msg_signature"), body(forged), 400, ""},
		{"signature of another body", "POST", query(sealed, "msg_signature"), body(forged), 400, ""},
		{"tampered timestamp", "POST", strings.Replace(query(sealed, "msg_signature"), "1700000000000", "1700000000001", 1), body(sealed), 400, ""},
		{"not json", "POST", query(sealed, "msg_signature"), "encrypt=x", 400, ""},
		{"no encrypt", "POST", query(sealed, "msg_signature"), `{}`, 400, ""},
		{"GET", "GET", query(sealed, "msg_signature"), "", 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			rcv := &EventReceiver{Crypto: c, OnEvent: func(p []byte) { got = append(got, string(p)) },
				Now: func() time.Time { return time.UnixMilli(1700000001000) }}
			w := httptest.NewRecorder()
			rcv.ServeHTTP(w, httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body)))
			if w.Code != tc.wantStatus {
				t.Fatalf("status: got %d, want %d (%s)", w.Code, tc.wantStatus, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type: got %q, want application/json", ct)
			}
			if tc.wantEvent == "" {
				if len(got) != 0 {
					t.Errorf("OnEvent called with %q, want no call", got)
				}
				return
			}
			if len(got) != 1 || got[0] != tc.wantEvent {
				t.Errorf("events: got %q, want [%s]", got, tc.wantEvent)
			}
			var reply EncryptedEvent
			if err := json.Unmarshal(w.Body.Bytes(), &reply); err != nil {
				t.Fatal(err)
			}
			if reply.TimeStamp != "1700000001000" {
				t.Errorf("reply timeStamp: got %q, want 1700000001000", reply.TimeStamp)
			}
			plain, err := c.Decrypt(reply.MsgSignature, reply.TimeStamp, reply.Nonce, reply.Encrypt)
			if err != nil || string(plain) != "success" {
				t.Errorf("reply: got %q, %v; want success", plain, err)
			}
		})
	}
}

// TestEventReceiverIsHandler keeps EventReceiver usable as an http.Handler.
func TestEventReceiverIsHandler(t *testing.T) {
	var _ http.Handler = &EventReceiver{}
}
