package dingtalk

import (
	"sync"
	"testing"
)

// TestBadFieldConcurrentFirstUse: the first requests of a type arrive
// together; each sees the type's complete rules (run with -race: a plan
// published before its rules were filled in was a data race, and a
// request could pass unchecked).
func TestBadFieldConcurrentFirstUse(t *testing.T) {
	type item struct {
		Name string `json:"name" required:"true"`
	}
	type req struct {
		Title string `json:"title" required:"true"`
		Items []item `json:"items"`
	}
	const n = 16
	var wg sync.WaitGroup
	got := make([]string, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i] = BadField(&req{Title: "t", Items: []item{{}}}, "esign_2.0")
		}()
	}
	close(start)
	wg.Wait()
	for i, f := range got {
		if f != "items[0].name" {
			t.Errorf("request %d: BadField = %q, want items[0].name", i, f)
		}
	}
}
