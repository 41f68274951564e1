package api_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"esign-gateway/api/apitest"
	"esign-gateway/dingtalk"
)

// jwtClaims are the claims the gateway issues to the suite app for corp A,
// valid now, for forging variants.
func jwtClaims(mod func(c *dingtalk.Claims)) dingtalk.Claims {
	now := time.Now()
	c := dingtalk.Claims{AppKey: apitest.SuiteKey, CorpID: apitest.CorpA, AppType: dingtalk.AppTypeISVEnterprise,
		RegisteredClaims: jwt.RegisteredClaims{Issuer: "esign-gateway", Subject: apitest.SuiteKey,
			Audience: jwt.ClaimStrings{"dingtalk-esign"}, ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
			NotBefore: jwt.NewNumericDate(now), IssuedAt: jwt.NewNumericDate(now), ID: "0123456789abcdef0123456789abcdef"}}
	if mod != nil {
		mod(&c)
	}
	return c
}

// sign signs claims with method and key, with header fields set.
func sign(t *testing.T, m jwt.SigningMethod, key any, header map[string]any, c jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, c)
	tok.Header["kid"] = "k1"
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestJWTAttacks sends forged and abused tokens through the router: every
// one is refused with 400 InvalidAuthentication, the same answer as
// garbage, so the client learns nothing about why.
func TestJWTAttacks(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	key := []byte(apitest.SigningKey)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs := jwt.SigningMethodHS256
	g.Token(apitest.CorpA) // creates the corp: a token of a corp the store does not know is refused
	valid := sign(t, hs, key, nil, jwtClaims(nil))
	if res := g.Do("GET", "/v2.0/esign/margins", valid, nil); res.Status != 200 {
		t.Fatalf("the forging recipe does not make a valid token: %d %s", res.Status, res.Raw)
	}
	cancelled := g.Token(apitest.CorpB)
	if res := g.Do("POST", "/v2.0/esign/auths/cancel", cancelled, nil); res.Status != 200 {
		t.Fatalf("cancel corp B: %d %s", res.Status, res.Raw)
	}
	past := time.Now().Add(-3 * time.Hour)
	tests := []struct{ name, token string }{
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, jwtClaims(nil))},
		{"alg none, no signature segment", strings.TrimSuffix(sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil, jwtClaims(nil)), ".")},
		{"RS256 with an attacker's key", sign(t, jwt.SigningMethodRS256, rsaKey, nil, jwtClaims(nil))},
		{"HS256 keyed with an RSA public key (HS/RS confusion)", sign(t, hs, pubPEM, nil, jwtClaims(nil))},
		{"HS512 with the real key", sign(t, jwt.SigningMethodHS512, key, nil, jwtClaims(nil))},
		{"unknown kid", sign(t, hs, key, map[string]any{"kid": "k9"}, jwtClaims(nil))},
		{"no kid", sign(t, hs, key, map[string]any{"kid": nil}, jwtClaims(nil))},
		{"kid path injection", sign(t, hs, key, map[string]any{"kid": "../../../../dev/null"}, jwtClaims(nil))},
		{"kid SQL injection", sign(t, hs, key, map[string]any{"kid": "k1' OR '1'='1"}, jwtClaims(nil))},
		{"kid as an object", sign(t, hs, key, map[string]any{"kid": map[string]any{"$ne": ""}}, jwtClaims(nil))},
		{"jku to an attacker's key set", sign(t, jwt.SigningMethodRS256, rsaKey, map[string]any{"jku": "https://evil.example.com/jwks.json"}, jwtClaims(nil))},
		{"embedded jwk", sign(t, hs, []byte("attacker-secret-0123456789abcdef"), map[string]any{"jwk": map[string]any{"kty": "oct", "k": "YXR0YWNrZXI"}}, jwtClaims(nil))},
		{"tampered payload (corp A to corp B)", tamperCorp(t, valid, apitest.CorpB)},
		{"expired", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) {
			c.IssuedAt, c.NotBefore, c.ExpiresAt = jwt.NewNumericDate(past), jwt.NewNumericDate(past), jwt.NewNumericDate(past.Add(time.Hour))
		}))},
		{"no expiry", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.ExpiresAt = nil }))},
		{"not yet valid", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.NotBefore = jwt.NewNumericDate(time.Now().Add(time.Hour)) }))},
		{"issued in the future", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.IssuedAt = jwt.NewNumericDate(time.Now().Add(time.Hour)) }))},
		{"wrong issuer", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.Issuer = "api.dingtalk.com" }))},
		{"wrong audience", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.Audience = jwt.ClaimStrings{"other-service"} }))},
		{"unknown app", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.AppKey, c.Subject = "evil-suite", "evil-suite" }))},
		{"token of a cancelled corp", cancelled},
		{"token of another gateway's key", sign(t, hs, []byte("another-gateway-key-0123456789abcdef"), nil, jwtClaims(nil))},
		{"oversized", sign(t, hs, key, nil, jwtClaims(func(c *dingtalk.Claims) { c.Scopes = []string{strings.Repeat("s", 20000)} }))},
		{"garbage", "not.a.token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []struct{ method, path string }{{"GET", "/v2.0/esign/margins"}, {"GET", "/v1.0/esign/contracts/margin"}, {"POST", "/v2.0/esign/auths/urls"}} {
				res := g.Do(p.method, p.path, tt.token, nil)
				if res.Status != 400 {
					t.Fatalf("%s: got %d %s, want 400", p.path, res.Status, res.Raw)
				}
				checkError(t, res, "InvalidAuthentication")
			}
		})
	}
}

// tamperCorp rewrites the corpId claim of token and keeps its signature.
func tamperCorp(t *testing.T, token, corp string) string {
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
	m["corpId"] = corp
	raw, _ = json.Marshal(m)
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}
