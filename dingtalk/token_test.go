package dingtalk

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"esign-gateway/test/testkit"

	"github.com/golang-jwt/jwt/v5"
)

var (
	t0      = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	secret1 = []byte("0123456789abcdef0123456789abcdef-key-one")
	secret2 = []byte("fedcba9876543210fedcba9876543210-key-two")
)

func newTokens(t testing.TB, clk *testkit.Clock, mod func(*TokenConfig)) *Tokens {
	t.Helper()
	cfg := TokenConfig{Keys: []Key{{ID: "k1", Secret: secret1}}, Now: clk.Now}
	if mod != nil {
		mod(&cfg)
	}
	tk, err := NewTokens(cfg)
	if err != nil {
		t.Fatalf("NewTokens: %v", err)
	}
	return tk
}

func testClaims() Claims {
	return Claims{AppKey: "suiteabc", CorpID: "ding123", AppType: AppTypeISVEnterprise, Scopes: []string{"Esign.Common.ReadWrite"}, Epoch: 3}
}

// validClaims are the claims Issue would produce at t0, for forging variants.
func validClaims() Claims {
	c := testClaims()
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer: "esign-gateway", Subject: c.AppKey, Audience: jwt.ClaimStrings{"dingtalk-esign"},
		ExpiresAt: jwt.NewNumericDate(t0.Add(2 * time.Hour)), NotBefore: jwt.NewNumericDate(t0),
		IssuedAt: jwt.NewNumericDate(t0), ID: "0123456789abcdef0123456789abcdef",
	}
	return c
}

func forge(t testing.TB, m jwt.SigningMethod, key any, kid any, c jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	if kid != nil {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("forge: %v", err)
	}
	return s
}

func withClaims(mod func(*Claims)) Claims {
	c := validClaims()
	mod(&c)
	return c
}

// tamper rewrites the payload of token and keeps its signature.
func tamper(t testing.TB, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["corpId"] = "dingVICTIM"
	raw, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

// flipPadBits changes the unused low bits of the last signature character:
// the same signature bytes under loose base64, a different string.
func flipPadBits(token string) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alpha, token[len(token)-1])
	return token[:len(token)-1] + string(alpha[i^1])
}

func TestVerify(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs := jwt.SigningMethodHS256
	tests := []struct {
		name   string
		token  func(t *testing.T, tk *Tokens) string
		at     time.Duration // when Verify runs, after t0
		reason string        // "" means valid
	}{
		{"valid", issued, 0, ""},
		{"valid near expiry", issued, 2*time.Hour - time.Second, ""},
		{"valid within leeway after exp", issued, 2*time.Hour + 20*time.Second, ""},
		{"expired beyond leeway", issued, 2*time.Hour + 31*time.Second, reasonExpired},
		{"alg none", func(t *testing.T, _ *Tokens) string {
			return forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", validClaims())
		}, 0, reasonAlgorithm},
		{"RS256", func(t *testing.T, _ *Tokens) string {
			return forge(t, jwt.SigningMethodRS256, rsaKey, "k1", validClaims())
		}, 0, reasonAlgorithm},
		{"HS256 keyed with an RSA public key", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, pubPEM, "k1", validClaims())
		}, 0, reasonSignature},
		{"HS512 with our secret", func(t *testing.T, _ *Tokens) string {
			return forge(t, jwt.SigningMethodHS512, secret1, "k1", validClaims())
		}, 0, reasonAlgorithm},
		{"unknown kid", func(t *testing.T, _ *Tokens) string { return forge(t, hs, secret1, "k9", validClaims()) }, 0, reasonUnknownKID},
		{"no kid", func(t *testing.T, _ *Tokens) string { return forge(t, hs, secret1, nil, validClaims()) }, 0, reasonUnknownKID},
		{"numeric kid", func(t *testing.T, _ *Tokens) string { return forge(t, hs, secret1, 1, validClaims()) }, 0, reasonUnknownKID},
		{"path kid", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "../../etc/passwd", validClaims())
		}, 0, reasonUnknownKID},
		{"sql kid", func(t *testing.T, _ *Tokens) string { return forge(t, hs, secret1, "x' OR 1=1", validClaims()) }, 0, reasonUnknownKID},
		{"long kid", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, strings.Repeat("k", 65), validClaims())
		}, 0, reasonUnknownKID},
		{"tampered corpId", func(t *testing.T, tk *Tokens) string { return tamper(t, issued(t, tk)) }, 0, reasonSignature},
		{"signature pad bits", func(t *testing.T, tk *Tokens) string { return flipPadBits(issued(t, tk)) }, 0, reasonMalformed},
		{"other gateway's key, same kid", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret2, "k1", validClaims())
		}, 0, reasonSignature},
		{"nbf beyond leeway", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(t0.Add(time.Minute)) }))
		}, 0, reasonNotYet},
		{"nbf within leeway", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(t0.Add(20 * time.Second)) }))
		}, 0, ""},
		{"iat in future", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.IssuedAt = jwt.NewNumericDate(t0.Add(time.Minute)) }))
		}, 0, reasonNotYet},
		{"no exp", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.ExpiresAt = nil }))
		}, 0, reasonMalformed},
		{"no nbf", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.NotBefore = nil }))
		}, 0, reasonMalformed},
		{"wrong issuer", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.Issuer = "api.dingtalk.com" }))
		}, 0, reasonIssuer},
		{"wrong audience", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} }))
		}, 0, reasonAudience},
		{"subject is not the app key", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.Subject = "someone" }))
		}, 0, reasonOther},
		{"unknown app type", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.AppType = "root" }))
		}, 0, reasonOther},
		{"oversized", func(t *testing.T, _ *Tokens) string {
			return forge(t, hs, secret1, "k1", withClaims(func(c *Claims) { c.Scopes = []string{strings.Repeat("s", MaxTokenLen)} }))
		}, 0, reasonMalformed},
		{"empty", func(*testing.T, *Tokens) string { return "" }, 0, reasonMalformed},
		{"two segments", func(*testing.T, *Tokens) string { return "abc.def" }, 0, reasonMalformed},
		{"garbage segments", func(*testing.T, *Tokens) string { return "a.b.c" }, 0, reasonMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := testkit.NewClock(t0)
			tk := newTokens(t, clk, nil)
			token := tc.token(t, tk)
			clk.Set(t0.Add(tc.at))
			c, err := tk.Verify(token)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if c.CorpID != "ding123" || c.AppKey != "suiteabc" || c.Subject != "suiteabc" || c.Epoch != 3 {
					t.Errorf("claims = %+v", c)
				}
				return
			}
			if c != nil {
				t.Errorf("got claims %+v, want nil", c)
			}
			checkRejected(t, err, tc.reason)
		})
	}
}

func issued(t *testing.T, tk *Tokens) string {
	s, _, err := tk.Issue(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func checkRejected(t testing.TB, err error, reason string) {
	t.Helper()
	if !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("got %v, want ErrInvalidToken", err)
	}
	if got := TokenFailureReason(err); got != reason {
		t.Errorf("reason = %q, want %q (%v)", got, reason, err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != ErrInvalidToken.Message || e.Code != ErrInvalidToken.Code {
		t.Errorf("client sees %+v, want the plain ErrInvalidToken", e)
	}
	if strings.Contains(err.Error(), string(secret1)) {
		t.Errorf("error text contains the secret")
	}
}

func TestIssue(t *testing.T) {
	clk := testkit.NewClock(t0.Add(500 * time.Millisecond))
	tk := newTokens(t, clk, nil)
	in := testClaims()
	in.Issuer = "forged" // Issue owns the registered claims
	s, exp, err := tk.Issue(in)
	if err != nil {
		t.Fatal(err)
	}
	if exp != 7200 {
		t.Errorf("expiresIn = %d, want 7200", exp)
	}
	c, err := tk.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != "esign-gateway" || c.Subject != "suiteabc" || len(c.Audience) != 1 || c.Audience[0] != "dingtalk-esign" {
		t.Errorf("registered claims = %+v", c.RegisteredClaims)
	}
	if !c.IssuedAt.Equal(t0) || !c.NotBefore.Equal(t0) || !c.ExpiresAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("iat/nbf/exp = %v/%v/%v, want %v and +2h", c.IssuedAt, c.NotBefore, c.ExpiresAt, t0)
	}
	if len(c.ID) != 32 {
		t.Errorf("jti = %q, want 32 hex characters", c.ID)
	}
	s2, _, _ := tk.Issue(in)
	if c2, _ := tk.Verify(s2); c2 == nil || c2.ID == c.ID {
		t.Errorf("two tokens share jti %q", c.ID)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(s, ".")[0])
	if want := `{"alg":"HS256","kid":"k1","typ":"JWT"}`; string(hdr) != want {
		t.Errorf("header = %s, want %s", hdr, want)
	}
	for _, bad := range []Claims{{AppType: AppTypeInternal}, {AppKey: "a", AppType: "root"}} {
		if _, _, err := tk.Issue(bad); err == nil {
			t.Errorf("Issue(%+v) succeeded, want an error", bad)
		}
	}
}

func TestRotation(t *testing.T) {
	clk := testkit.NewClock(t0)
	old := newTokens(t, clk, nil)
	s := issued(t, old)
	rotated := newTokens(t, clk, func(c *TokenConfig) {
		c.Keys = []Key{{ID: "k2", Secret: secret2}, {ID: "k1", Secret: secret1}}
	})
	if _, err := rotated.Verify(s); err != nil {
		t.Errorf("old-key token after rotation: %v", err)
	}
	s2 := issued(t, rotated)
	if _, err := rotated.Verify(s2); err != nil {
		t.Errorf("new-key token: %v", err)
	}
	_, err := old.Verify(s2)
	checkRejected(t, err, reasonUnknownKID)
	if got := rotated.KeyIDs(); len(got) != 2 || got[0] != "k2" || got[1] != "k1" {
		t.Errorf("KeyIDs = %v, want [k2 k1]", got)
	}
}

func TestCacheRespectsExpiry(t *testing.T) {
	clk := testkit.NewClock(t0)
	tk := newTokens(t, clk, func(c *TokenConfig) { c.TTL = 30 * time.Second; c.Leeway = -1 })
	s := issued(t, tk)
	c, err := tk.Verify(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.cache.m) != 1 {
		t.Fatalf("cache holds %d entries, want 1", len(tk.cache.m))
	}
	c.CorpID = "mutated" // callers get copies
	clk.Set(t0.Add(29 * time.Second))
	if c, err := tk.Verify(s); err != nil || c.CorpID != "ding123" {
		t.Errorf("cached Verify = %+v, %v", c, err)
	}
	clk.Set(t0.Add(30 * time.Second))
	_, err = tk.Verify(s)
	checkRejected(t, err, reasonExpired)
}

func TestCacheLapsesAfterAMinute(t *testing.T) {
	clk := testkit.NewClock(t0)
	tk := newTokens(t, clk, nil)
	s := issued(t, tk)
	if _, err := tk.Verify(s); err != nil {
		t.Fatal(err)
	}
	for k := range tk.cache.m {
		if e := tk.cache.m[k]; !e.until.Equal(t0.Add(time.Minute)) {
			t.Errorf("entry until %v, want %v", e.until, t0.Add(time.Minute))
		}
	}
}

func TestCacheBounded(t *testing.T) {
	clk := testkit.NewClock(t0)
	tk := newTokens(t, clk, func(c *TokenConfig) { c.CacheSize = 4 })
	for i := 0; i < 50; i++ {
		if _, err := tk.Verify(issued(t, tk)); err != nil {
			t.Fatal(err)
		}
		if n := len(tk.cache.m); n > 4 {
			t.Fatalf("cache holds %d entries, want at most 4", n)
		}
	}
}

func TestVerifyConcurrent(t *testing.T) {
	clk := testkit.NewClock(t0)
	tk := newTokens(t, clk, func(c *TokenConfig) { c.CacheSize = 8 })
	tokens := make([]string, 20)
	for i := range tokens {
		tokens[i] = issued(t, tk)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for i := 0; i < 200; i++ {
				if _, err := tk.Verify(tokens[(g+i)%len(tokens)]); err != nil {
					t.Errorf("Verify: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNewTokensRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  TokenConfig
	}{
		{"no keys", TokenConfig{}},
		{"short secret", TokenConfig{Keys: []Key{{ID: "k1", Secret: secret1[:31]}}}},
		{"bad id", TokenConfig{Keys: []Key{{ID: "k/1", Secret: secret1}}}},
		{"empty id", TokenConfig{Keys: []Key{{Secret: secret1}}}},
		{"duplicate id", TokenConfig{Keys: []Key{{ID: "k1", Secret: secret1}, {ID: "k1", Secret: secret2}}}},
		{"ttl under a second", TokenConfig{TTL: time.Millisecond, Keys: []Key{{ID: "k1", Secret: secret1}}}},
	}
	for _, tc := range tests {
		if _, err := NewTokens(tc.cfg); err == nil {
			t.Errorf("%s: NewTokens succeeded, want an error", tc.name)
		} else if strings.Contains(err.Error(), string(secret1[:31])) {
			t.Errorf("%s: error reveals the secret", tc.name)
		}
	}
}

func TestFailureReasonAndContext(t *testing.T) {
	checkRejected(t, RevokedToken("epoch 2 < 3"), reasonRevoked)
	if got := TokenFailureReason(nil); got != "" {
		t.Errorf("TokenFailureReason(nil) = %q, want empty", got)
	}
	if got := TokenFailureReason(ErrInvalidToken); got != reasonOther {
		t.Errorf("TokenFailureReason(bare) = %q, want other", got)
	}
	var nilCtx context.Context
	if ClaimsFrom(nilCtx) != nil || ClaimsFrom(context.Background()) != nil {
		t.Errorf("ClaimsFrom of an empty context is not nil")
	}
	c := &Claims{AppKey: "a"}
	if got := ClaimsFrom(WithClaims(context.Background(), c)); got != c {
		t.Errorf("ClaimsFrom = %v, want %v", got, c)
	}
}

func benchmarkVerify(b *testing.B, cacheSize int) {
	clk := testkit.NewClock(t0)
	tk := newTokens(b, clk, func(c *TokenConfig) { c.CacheSize = cacheSize })
	s, _, err := tk.Issue(testClaims())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tk.Verify(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyCached(b *testing.B)   { benchmarkVerify(b, 0) }
func BenchmarkVerifyUncached(b *testing.B) { benchmarkVerify(b, -1) }

func BenchmarkVerifyCachedParallel(b *testing.B) {
	clk := testkit.NewClock(t0)
	tk := newTokens(b, clk, nil)
	s, _, _ := tk.Issue(testClaims())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := tk.Verify(s); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
