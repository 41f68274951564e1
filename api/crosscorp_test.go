package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"esign-gateway/api/apitest"
)

// unknownLike returns an id of the same shape as id that names nothing.
func unknownLike(id string) string {
	if len(id) < 4 {
		return id + "x9"
	}
	return id[:len(id)-4] + "0f0f"
}

// TestCrossCorpLooksLikeNotFound: on every action that takes an id, corp B
// asking for corp A's id gets exactly the answer an id that exists nowhere
// gets (status, code and message), and both are answered from the store
// alone, without a call to e签宝, so their timing is of one class too.
func TestCrossCorpLooksLikeNotFound(t *testing.T) {
	for _, kind := range apitest.Stores {
		t.Run(kind, func(t *testing.T) {
			s := newScenario(t, kind)
			// The scenario's signatures make e签宝 call back, and handling a
			// callback calls e签宝: let that settle before counting calls.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := s.g.Emulator.WaitCallbacks(ctx); err != nil {
				t.Fatal(err)
			}
			ids := []string{s.done, s.doing, s.fileA, "inst-1"}
			n := 0
			for _, a := range actionTable(s) {
				if a.foreign == nil {
					continue
				}
				n++
				t.Run(a.name, func(t *testing.T) {
					foreign := *a.foreign
					unknown := foreign
					raw := ""
					if foreign.body != nil {
						b, err := json.Marshal(foreign.body)
						if err != nil {
							t.Fatal(err)
						}
						raw = string(b)
						foreign.body = raw
					}
					replaced := false
					unknown.params = append([]string(nil), foreign.params...)
					for _, id := range ids {
						for i := range unknown.params {
							if unknown.params[i] == id {
								unknown.params[i], replaced = unknownLike(id), true
							}
						}
						if strings.Contains(unknown.query, id) || strings.Contains(raw, id) {
							unknown.query = strings.ReplaceAll(unknown.query, id, unknownLike(id))
							if raw != "" {
								unknown.body = strings.ReplaceAll(raw, id, unknownLike(id))
							}
							replaced = true
						}
					}
					if !replaced {
						t.Fatalf("no known id in %v %s %v", foreign.params, foreign.query, foreign.body)
					}
					before := s.g.Emulator.CallCount("")
					fr := a.do(s.g, s.tokB, foreign)
					ur := a.do(s.g, s.tokB, unknown)
					if calls := s.g.Emulator.CallCount("") - before; calls != 0 {
						all := s.g.Emulator.Calls()
						for _, c := range all[len(all)-calls:] {
							t.Logf("call %s %s", c.Method, c.Path)
						}
						t.Errorf("%d e签宝 calls answering them, want none", calls)
					}
					if fr.Status < 400 || fr.Status >= 500 {
						t.Fatalf("foreign id: got %d %s, want a 4xx", fr.Status, fr.Raw)
					}
					for _, k := range []string{"code", "message"} {
						if fr.JSON[k] != ur.JSON[k] {
							t.Errorf("%s: foreign %v, unknown %v", k, fr.JSON[k], ur.JSON[k])
						}
					}
					if fr.Status != ur.Status {
						t.Errorf("status: foreign %d, unknown %d", fr.Status, ur.Status)
					}
					if len(fr.JSON) != len(ur.JSON) {
						t.Errorf("bodies differ in shape: foreign %s, unknown %s", fr.Raw, ur.Raw)
					}
				})
			}
			if n < 12 {
				t.Errorf("only %d id-taking actions in the table", n)
			}
		})
	}
}
