package gateway

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// TestSigningKeyGeneratedOnceAndShared: with no configured keys, the first
// process stores a key and every later one (another replica, a restart)
// uses the same.
func TestSigningKeyGeneratedOnceAndShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gw.db")
	keyOf := func() dingtalk.Key {
		st, err := store.OpenBolt(path, store.BoltOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		keys, err := signingKeys(context.Background(), nil, st)
		if err != nil || len(keys) != 1 || len(keys[0].Secret) != 32 {
			t.Fatalf("keys %v, %v", keys, err)
		}
		return keys[0]
	}
	a, b := keyOf(), keyOf()
	if a.ID != b.ID || !bytes.Equal(a.Secret, b.Secret) {
		t.Error("a restart generated another signing key")
	}
	if _, err := signingKeys(context.Background(), []string{"k1:short"}, nil); err == nil {
		t.Error("a short configured key was accepted")
	}
	keys, err := signingKeys(context.Background(), []string{"new:" + strings.Repeat("n", 32), "old:" + strings.Repeat("o", 32)}, nil)
	if err != nil || len(keys) != 2 || keys[0].ID != "new" {
		t.Errorf("configured keys: %v %v", keys, err)
	}
}
