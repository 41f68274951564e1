package service

import (
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// TestHeldFlows: a held read is served only to its corp, a later read
// replaces it but an older one landing late does not, documents keep their
// own time, and the map stays within heldMax.
func TestHeldFlows(t *testing.T) {
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "gw.db"), store.BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := &core{store: st, log: slog.New(slog.DiscardHandler)}
	t0 := time.Unix(1700000000, 0)
	flow := func(scene string) *esign.Flow { return &esign.Flow{BusinessScene: scene} }
	s.holdFlow(t.Context(), "t1", "corp-a", t0.Add(time.Second), flow("new"), nil, &[2]string{"张三", "某公司"})
	s.holdFlow(t.Context(), "t1", "corp-a", t0, flow("old"), nil, nil) // began earlier, landed later
	f, ok := s.held.get("t1", "corp-a")
	if !ok || f.scene != "new" || !f.named || f.person != "张三" || !f.at.Equal(t0.Add(time.Second)) {
		t.Fatalf("held %+v %v, want the later read", f, ok)
	}
	if _, ok := s.held.get("t1", "corp-b"); ok {
		t.Error("another corp got the held read")
	}
	s.holdDocs(t.Context(), "t1", "corp-a", t0.Add(2*time.Second), []dingtalk.Doc{{FileID: "f"}})
	if f, _ := s.held.get("t1", "corp-a"); len(f.docs) != 1 || !f.docsAt.Equal(t0.Add(2*time.Second)) || f.scene != "new" {
		t.Errorf("after holdDocs: %+v", f)
	}
	// The same id read for another corp replaces the entry (ids are
	// unguessable; a task never moves corps): corp-a no longer sees it.
	s.holdFlow(t.Context(), "t1", "corp-b", t0, flow("b"), nil, nil)
	if _, ok := s.held.get("t1", "corp-a"); ok {
		t.Error("corp-a still sees an entry replaced for corp-b")
	}
	for i := range heldMax + 10 {
		s.holdFlow(t.Context(), "x"+strconv.Itoa(i), "corp-a", t0, flow("x"), nil, nil)
	}
	if n := len(s.held.m); n > heldMax {
		t.Errorf("%d flows held, bound %d", n, heldMax)
	}
}
