package dingtalk

import (
	"errors"
	"strings"
	"testing"

	"esign-gateway/test/testkit"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerify checks that Verify never panics, that every rejection is
// ErrInvalidToken with a known reason, and that it accepts nothing but the
// exact string of a token Issue signed (no alternative encodings of a valid token).
func FuzzVerify(f *testing.F) {
	clk := testkit.NewClock(t0)
	tk := newTokens(f, clk, nil)
	// The fuzzer runs this body in several processes, so the valid token must
	// be the same in each: Issue's output with a fixed jti, signed as Issue does.
	valid := forge(f, jwt.SigningMethodHS256, secret1, "k1", validClaims())
	if _, err := tk.Verify(valid); err != nil {
		f.Fatal(err)
	}
	parts := strings.Split(valid, ".")
	f.Add(valid)
	f.Add(valid + "=")
	f.Add(flipPadBits(valid))
	f.Add(parts[0] + "." + parts[1] + ".")
	f.Add(parts[0] + "." + parts[1])
	f.Add(valid[:len(valid)-1])
	f.Add(strings.ToUpper(valid))
	f.Add(parts[1] + "." + parts[0] + "." + parts[2])
	f.Add(forge(f, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", validClaims()))
	f.Add(forge(f, jwt.SigningMethodHS256, secret1, "../../etc/passwd", validClaims()))
	f.Add(forge(f, jwt.SigningMethodHS256, secret2, "k1", validClaims()))
	f.Add("eyJhbGciOiJIUzI1NiJ9.e30.")
	f.Add("")
	f.Add("...")
	reasons := map[string]bool{
		reasonMalformed: true, reasonSignature: true, reasonExpired: true, reasonNotYet: true,
		reasonIssuer: true, reasonAudience: true, reasonUnknownKID: true, reasonAlgorithm: true, reasonOther: true,
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := tk.Verify(token)
		if err == nil {
			if token != valid {
				t.Fatalf("accepted a token Issue never produced: %q", token)
			}
			if c == nil || c.CorpID != "ding123" {
				t.Fatalf("accepted with claims %+v", c)
			}
			return
		}
		if c != nil {
			t.Errorf("claims %+v returned with error %v", c, err)
		}
		if !errors.Is(err, ErrInvalidToken) {
			t.Errorf("error %v is not ErrInvalidToken", err)
		}
		if r := TokenFailureReason(err); !reasons[r] {
			t.Errorf("reason %q not in the documented set", r)
		}
	})
}
