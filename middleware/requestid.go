package middleware

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net/http"

	"github.com/gin-gonic/gin"
)

type requestIDKey struct{}

// RequestID gives every request an id, sent back in header (DingTalk uses
// x-acs-request-id) and available through RequestIDFrom. A well-formed id
// sent by the caller is kept, so a client can correlate its own logs.
func RequestID(header string) gin.HandlerFunc {
	// Canonical once: Header.Get and Set would re-canonicalise a lower-case
	// name into a new string on every request.
	header = http.CanonicalHeaderKey(header)
	return func(c *gin.Context) {
		var id string
		if v := c.Request.Header[header]; len(v) > 0 {
			id = v[0]
		}
		if !validID(id) {
			id = newID()
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Writer.Header()[header] = []string{id}
		c.Next()
	}
}

// RequestIDFrom returns the request id stored in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// newID makes an id shaped like DingTalk's: 8-4-4-4-12 upper-case hex,
// 128 random bits. An id only has to be unique, not secret, so it comes
// from the runtime's per-thread ChaCha8 generator (math/rand/v2), which
// costs no system call.
func newID() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	for i, ch := range s {
		if ch >= 'a' && ch <= 'f' {
			s[i] = ch - 32
		}
	}
	return string(s[:])
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}
