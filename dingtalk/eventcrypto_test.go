package dingtalk

import (
	"bytes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// The vector published with DingTalk's DingCallbackCrypto samples and docs
// (check_create_suite_url). It reproduces exactly, both the msg_signature and
// the plaintext, and the 16 random bytes it was made with are "hU3bEfGZZewzhG5a",
// so Encrypt can be checked against it too. Confirmed outside Go with:
//
//	K=$(printf '%s=' 4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij | base64 -d | xxd -p -c 64)
//	printf '%s' "$ENCRYPT" | base64 -d | openssl enc -d -aes-256-cbc -K $K -iv ${K:0:32} -nopad | xxd
//	printf '%s\n' 123456 1445827045067 nEXhMP4r "$ENCRYPT" | LC_ALL=C sort | tr -d '\n' | sha1sum
const (
	dtToken     = "123456"
	dtAESKey    = "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij"
	dtReceiver  = "suite4xxxxxxxxxxxxxxx"
	dtTimestamp = "1445827045067"
	dtNonce     = "nEXhMP4r"
	dtEncrypt   = "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ=="
	dtSignature = "5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0"
	dtRandom    = "hU3bEfGZZewzhG5a"
	dtPlain     = `{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}`
)

// A second vector, computed with openssl, whose plaintext needs a full
// 32-byte block of padding (16+4+7+37 = 64):
//
//	K=$(printf '%s=' abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG | base64 -d | xxd -p -c 64)
//	RID=ding$(printf '0%.0s' $(seq 33))
//	{ printf 0123456789abcdef; printf '\x00\x00\x00\x07'; printf success; printf %s "$RID";
//	  head -c 32 /dev/zero | tr '\0' '\040'; } > plain.bin
//	ENC=$(openssl enc -aes-256-cbc -K $K -iv ${K:0:32} -nopad -in plain.bin | base64 -w0)
//	printf '%s\n' gw-token 1700000000000 n0nce "$ENC" | LC_ALL=C sort | tr -d '\n' | sha1sum
const (
	sslAESKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	sslEncrypt   = "Q3stYC6hdFzMh9T8HCvyDLWXoxdmmF6yitG/9dz06Yu3ftwpYRF2b/utSBi70op7X+vsniECRNRa4QTbYQmAximci44zz+y42+g1Gb5OeAh2VIvDwUUijLwB+qrIsBFb"
	sslSignature = "b35ae64620855a360327c14af51c660a5adf4a23"
)

var sslReceiver = "ding" + strings.Repeat("0", 33)

func TestEventCryptoVectors(t *testing.T) {
	tests := []struct {
		name, token, key, receiver, ts, nonce, random, enc, sig, plain string
	}{
		{"dingtalk docs", dtToken, dtAESKey, dtReceiver, dtTimestamp, dtNonce, dtRandom, dtEncrypt, dtSignature, dtPlain},
		{"openssl full pad block", "gw-token", sslAESKey, sslReceiver, "1700000000000", "n0nce", "0123456789abcdef", sslEncrypt, sslSignature, "success"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewEventCrypto(tc.token, tc.key, tc.receiver)
			if err != nil {
				t.Fatalf("NewEventCrypto: %v", err)
			}
			got, err := c.Decrypt(tc.sig, tc.ts, tc.nonce, tc.enc)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(got) != tc.plain {
				t.Errorf("Decrypt = %q, want %q", got, tc.plain)
			}
			c.Rand = strings.NewReader(tc.random)
			ev, err := c.Encrypt([]byte(tc.plain), tc.ts, tc.nonce)
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			want := EncryptedEvent{MsgSignature: tc.sig, TimeStamp: tc.ts, Nonce: tc.nonce, Encrypt: tc.enc}
			if ev != want {
				t.Errorf("Encrypt = %+v, want %+v", ev, want)
			}
		})
	}
}

func TestEventCryptoRoundTrip(t *testing.T) {
	c, err := NewEventCrypto(dtToken, dtAESKey, dtReceiver)
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n <= 100; n++ {
		msg := bytes.Repeat([]byte{'m'}, n)
		ev, err := c.Encrypt(msg, "1", "x")
		if err != nil {
			t.Fatalf("Encrypt(%d bytes): %v", n, err)
		}
		got, err := c.Decrypt(ev.MsgSignature, ev.TimeStamp, ev.Nonce, ev.Encrypt)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("round trip of %d bytes: got %q, %v", n, got, err)
		}
	}
}

// sealRaw encrypts an arbitrary (already padded) plaintext and signs it, to
// build inputs Encrypt would never produce.
func sealRaw(c *EventCrypto, plain []byte) (sig, enc string) {
	buf := append([]byte(nil), plain...)
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(buf, buf)
	enc = base64.StdEncoding.EncodeToString(buf)
	return c.signature("1", "x", enc), enc
}

func rawPlain(msgLen uint32, body string, pad byte, padLen int) []byte {
	p := make([]byte, 20, 64)
	binary.BigEndian.PutUint32(p[16:20], msgLen)
	p = append(p, body...)
	return append(p, bytes.Repeat([]byte{pad}, padLen)...)
}

func TestEventCryptoDecryptRejects(t *testing.T) {
	c, err := NewEventCrypto(dtToken, dtAESKey, dtReceiver)
	if err != nil {
		t.Fatal(err)
	}
	other, err := NewEventCrypto(dtToken, dtAESKey, "suiteOther")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := other.Encrypt([]byte("hi"), "1", "x")
	if err != nil {
		t.Fatal(err)
	}
	body := "hi" + dtReceiver // 2+21 = 23 bytes, so 20+23 = 43 and 21 bytes of padding
	tests := []struct {
		name          string
		sig, ts, nonc string
		enc           string
		want          error
	}{
		{"wrong signature", strings.Repeat("0", 40), dtTimestamp, dtNonce, dtEncrypt, ErrEventSignature},
		{"uppercase signature", strings.ToUpper(dtSignature), dtTimestamp, dtNonce, dtEncrypt, ErrEventSignature},
		{"other timestamp", dtSignature, "1445827045068", dtNonce, dtEncrypt, ErrEventSignature},
		{"other receiver", ev.MsgSignature, ev.TimeStamp, ev.Nonce, ev.Encrypt, ErrEventReceiver},
		{"not base64", c.signature("1", "x", "!!!"), "1", "x", "!!!", ErrEventMalformed},
		{"empty", c.signature("1", "x", ""), "1", "x", "", ErrEventMalformed},
		{"16 bytes", c.signature("1", "x", base64.StdEncoding.EncodeToString(make([]byte, 16))), "1", "x", base64.StdEncoding.EncodeToString(make([]byte, 16)), ErrEventMalformed},
	}
	raw := []struct {
		name  string
		plain []byte
		want  error
	}{
		{"pad zero", rawPlain(2, body, 0, 21), ErrEventMalformed},
		{"pad 33", rawPlain(2, body, 33, 21), ErrEventMalformed},
		{"pad bytes differ", append(rawPlain(2, body, 21, 20), 20), ErrEventMalformed},
		{"length past end", rawPlain(1000, body, 21, 21), ErrEventMalformed},
		{"length max uint32", rawPlain(0xffffffff, body, 21, 21), ErrEventMalformed},
		{"shorter than header", append(make([]byte, 18), bytes.Repeat([]byte{14}, 14)...), ErrEventMalformed},
		{"length eats receiver", rawPlain(23, body, 21, 21), ErrEventReceiver},
		{"valid raw", rawPlain(2, body, 21, 21), nil},
	}
	for _, r := range raw {
		sig, enc := sealRaw(c, r.plain)
		tests = append(tests, struct {
			name          string
			sig, ts, nonc string
			enc           string
			want          error
		}{r.name, sig, "1", "x", enc, r.want})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Decrypt(tc.sig, tc.ts, tc.nonc, tc.enc)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewEventCrypto(t *testing.T) {
	tests := []struct {
		name, token, key, rid string
		ok                    bool
	}{
		{"ok", "t", dtAESKey, "r", true},
		{"no token", "", dtAESKey, "r", false},
		{"no receiver", "t", dtAESKey, "", false},
		{"42 chars", "t", dtAESKey[:42], "r", false},
		{"44 chars", "t", dtAESKey + "a", "r", false},
		{"not base64", "t", "!" + dtAESKey[1:], "r", false},
	}
	for _, tc := range tests {
		_, err := NewEventCrypto(tc.token, tc.key, tc.rid)
		if (err == nil) != tc.ok {
			t.Errorf("%s: got %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestEventCryptoRandFailure(t *testing.T) {
	c, err := NewEventCrypto(dtToken, dtAESKey, dtReceiver)
	if err != nil {
		t.Fatal(err)
	}
	c.Rand = strings.NewReader("short")
	if _, err := c.Encrypt([]byte("x"), "1", "x"); err == nil {
		t.Errorf("got nil error from a short random source, want one")
	}
}

// FuzzDecrypt feeds Decrypt arbitrary strings, and arbitrary plaintexts that
// are correctly encrypted and signed so the fuzzer reaches the padding and
// length checks. It must never panic, and Encrypt/Decrypt must round-trip.
func FuzzDecrypt(f *testing.F) {
	c, err := NewEventCrypto(dtToken, dtAESKey, dtReceiver)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(dtSignature, dtTimestamp, dtNonce, dtEncrypt, []byte(nil))
	f.Add("", "", "", "", rawPlain(2, "hi"+dtReceiver, 21, 21))
	f.Add("x", "1", "x", "AAAA", rawPlain(0xffffffff, "", 12, 12))
	f.Fuzz(func(t *testing.T, sig, ts, nonce, enc string, raw []byte) {
		_, _ = c.Decrypt(sig, ts, nonce, enc)
		_, _ = c.Decrypt(c.signature(ts, nonce, enc), ts, nonce, enc)
		if n := len(raw) / eventBlock * eventBlock; n > 0 {
			s, e := sealRaw(c, raw[:n])
			if msg, err := c.Decrypt(s, "1", "x", e); err == nil && len(msg) > n-20 {
				t.Errorf("Decrypt returned %d bytes from %d of plaintext", len(msg), n)
			}
		}
		ev, err := c.Encrypt(raw, ts, nonce)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Decrypt(ev.MsgSignature, ts, nonce, ev.Encrypt)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("round trip: got %q, %v; want %q", got, err, raw)
		}
	})
}
