package service

import (
	"strings"
	"testing"
)

// TestAppsOneOwnerPerCorp: a corp listed by two third-party apps is a
// configuration error (it could not belong to both); an internal app may
// list its own corp (its starting quota) whoever owns it.
func TestAppsOneOwnerPerCorp(t *testing.T) {
	isv := func(key string, corps ...string) App {
		return App{Key: key, Secret: "s", Type: AppISVEnterprise, Corps: corps}
	}
	if _, err := newApps([]App{isv("a", "c1", "c2"), isv("b", "c3", "c2")}); err == nil || !strings.Contains(err.Error(), "c2") {
		t.Errorf("two owners of c2: err = %v, want one naming c2", err)
	}
	m, err := newApps([]App{isv("a", "c1"), isv("b"), {Key: "in", Secret: "s", Type: AppInternal, CorpID: "c1", Corps: []string{"c1"}}})
	if err != nil {
		t.Fatal(err)
	}
	for corp, want := range map[string]string{"c1": "a", "c9": ""} {
		if got := m.owner(corp); got != want {
			t.Errorf("owner(%s) = %q, want %q", corp, got, want)
		}
	}
}
