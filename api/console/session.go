package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// sessionCookie names the console's session cookie. With the Secure flag
// it takes the __Host- prefix, which browsers accept only when Secure,
// host-only and Path=/.
const (
	sessionCookie       = "esigngw_console"
	secureSessionCookie = "__Host-esigngw_console"
)

// sessions issues and checks stateless session tokens: the payload
// (expiry, session id, operator name) and its HMAC-SHA256 under a key
// every replica derives from the same secret, so that any replica accepts
// a session another issued, with nothing kept in the store.
type sessions struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// deriveKey makes the session key from the configured secret, or else from
// the admin token, labelled so that the key is never the token itself.
func deriveKey(secret, adminToken string) []byte {
	m := hmac.New(sha256.New, []byte(secret+"\x00"+adminToken))
	m.Write([]byte("esign-gateway console session key v1"))
	return m.Sum(nil)
}

// session is a signed-in operator.
type session struct {
	ID  string
	Who string
	Exp time.Time
}

var b64 = base64.RawURLEncoding

func (s *sessions) mac(label, payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(label + "\x00" + payload))
	return m.Sum(nil)
}

// issue starts a session for who and returns its cookie value.
func (s *sessions) issue(who string) (string, session) {
	var id [16]byte
	_, _ = rand.Read(id[:])
	ses := session{ID: b64.EncodeToString(id[:]), Who: who, Exp: s.now().Add(s.ttl).Truncate(time.Second)}
	payload := strconv.FormatInt(ses.Exp.Unix(), 10) + "." + ses.ID + "." + b64.EncodeToString([]byte(who))
	return payload + "." + b64.EncodeToString(s.mac("session", payload)), ses
}

var errSession = errors.New("no valid session")

// check returns the session of a cookie value, if it is signed and not
// expired.
func (s *sessions) check(v string) (session, error) {
	i := strings.LastIndexByte(v, '.')
	if i < 0 {
		return session{}, errSession
	}
	payload, sig := v[:i], v[i+1:]
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", payload)) {
		return session{}, errSession
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return session{}, errSession
	}
	exp, err := strconv.ParseInt(parts[0], 10, 64)
	who, err2 := b64.DecodeString(parts[2])
	if err != nil || err2 != nil || !s.now().Before(time.Unix(exp, 0)) {
		return session{}, errSession
	}
	return session{ID: parts[1], Who: string(who), Exp: time.Unix(exp, 0)}, nil
}

// csrf is the token every state-changing form of session id carries.
func (s *sessions) csrf(id string) string { return b64.EncodeToString(s.mac("csrf", id)) }

// csrfOK reports whether token is the CSRF token of session id.
func (s *sessions) csrfOK(id, token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.csrf(id))) == 1
}
