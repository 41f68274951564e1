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

// TestOutsideEnc: outside accounts the old key folded together get
// distinct keys; long accounts a fixed-length hash form; no key can be a
// DingTalk userId.
func TestOutsideEnc(t *testing.T) {
	long := strings.Repeat("a", 41) + "@x.com"
	seen := map[string]string{}
	for _, acct := range []string{"bob+1@x.com", "bob_1@x.com", "bob.1@x.com", "13800000000", "+8613800000000",
		strings.Repeat("a", 40), long, long + "m", "张三@例子.cn", ""} {
		k := outsideUserID(acct)
		if o, dup := seen[k]; dup {
			t.Errorf("%q and %q share key %s", acct, o, k)
		}
		seen[k] = acct
		if validID(k) {
			t.Errorf("key %s of %q could be a DingTalk userId", k, acct)
		}
		if id := outsideThirdID("ding0123456789abcdef", acct); len(id) > 137 || strings.HasPrefix(id, "dt-user:") {
			t.Errorf("thirdPartyUserId %s (%d chars) of %q", id, len(id), acct)
		}
	}
	if k := outsideEnc(long); k[0] != 's' || len(k) != 53 {
		t.Errorf("enc(47-byte account) = %s, want the hash form (53 chars)", k)
	}
	if k := outsideEnc(strings.Repeat("a", 40)); k[0] != 'b' || len(k) != 65 {
		t.Errorf("enc(40-byte account) = %s (%d), want the plain form (65 chars)", k, len(k))
	}
}
