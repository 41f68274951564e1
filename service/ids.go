package service

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns prefix + 32 random hex digits: unguessable, and made only of
// characters the SDK can put in a path unencoded.
func newID(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// validID reports whether id is a plausible opaque id: 1-64 characters of
// [A-Za-z0-9._-], and not a dot segment.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id == "." || id == ".." {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			return false
		}
	}
	return true
}
