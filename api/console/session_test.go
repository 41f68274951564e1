package console

import (
	"strings"
	"testing"
	"time"
)

// TestSessions: a session is accepted until its expiry and only under the
// key it was signed with; its CSRF token fits it alone.
func TestSessions(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	s := &sessions{key: deriveKey("", "tok"), ttl: time.Hour, now: clock}
	v, ses := s.issue("alice")
	other := &sessions{key: deriveKey("", "another-token"), ttl: time.Hour, now: clock}
	salted := &sessions{key: deriveKey("secret", "tok"), ttl: time.Hour, now: clock}
	_, ses2 := s.issue("bob")
	parts := strings.Split(v, ".")
	forged := parts[0] + "." + parts[1] + "." + b64.EncodeToString([]byte("mallory")) + "." + parts[3]
	later := parts[0] + "9." + parts[1] + "." + parts[2] + "." + parts[3]

	for _, tc := range []struct {
		name  string
		s     *sessions
		value string
		at    time.Duration
		ok    bool
	}{
		{"fresh", s, v, 0, true},
		{"just before expiry", s, v, time.Hour - time.Second, true},
		{"at expiry", s, v, time.Hour, false},
		{"another admin token", other, v, 0, false},
		{"another session secret", salted, v, 0, false},
		{"name changed", s, forged, 0, false},
		{"expiry changed", s, later, 0, false},
		{"garbage", s, "abc", 0, false},
		{"empty", s, "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now = time.Unix(1_800_000_000, 0).Add(tc.at)
			got, err := tc.s.check(tc.value)
			if (err == nil) != tc.ok {
				t.Fatalf("check: err %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && (got.Who != "alice" || got.ID != ses.ID) {
				t.Errorf("got %+v, want %+v", got, ses)
			}
		})
	}
	if !s.csrfOK(ses.ID, s.csrf(ses.ID)) || s.csrfOK(ses2.ID, s.csrf(ses.ID)) || s.csrfOK(ses.ID, "") || other.csrfOK(ses.ID, s.csrf(ses.ID)) {
		t.Error("a CSRF token must fit its own session under its own key only")
	}
}
