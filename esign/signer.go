package esign

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Header names and fixed values of e签宝's request signature
// (esign-openapi.md §1).
const (
	headerAppID     = "X-Tsign-Open-App-Id"
	headerAuthMode  = "X-Tsign-Open-Auth-Mode"
	headerTimestamp = "X-Tsign-Open-Ca-Timestamp"
	headerSignature = "X-Tsign-Open-Ca-Signature"
	headerToken     = "X-Tsign-Open-Token"

	acceptAll       = "*/*"
	contentTypeJSON = "application/json; charset=UTF-8"
)

// signer signs requests in e签宝's "Signature" auth mode. It reads every
// signed value from the request itself, so what is signed cannot drift from
// what is sent: the gateway recomputes the signature from the headers it
// receives.
type signer struct {
	appID  string
	secret string
}

// sign sets the four X-Tsign-Open-* headers on req. Accept, Content-MD5,
// Content-Type and Date must already be set as they will be sent.
func (s signer) sign(req *http.Request, now time.Time) {
	sts := requestStringToSign(req)
	req.Header.Set(headerAppID, s.appID)
	req.Header.Set(headerAuthMode, "Signature")
	req.Header.Set(headerTimestamp, strconv.FormatInt(now.UnixMilli(), 10))
	req.Header.Set(headerSignature, signature(s.secret, sts))
}

// requestStringToSign builds the string to sign from the request as it will
// go on the wire. The client never signs extra headers, so the Headers block
// is empty.
func requestStringToSign(req *http.Request) string {
	h := req.Header
	return stringToSign(req.Method, h.Get("Accept"), h.Get("Content-MD5"),
		h.Get("Content-Type"), h.Get("Date"), "", pathAndParameters(req.URL.Path, req.URL.Query()))
}

// stringToSign joins the fields with "\n"; an empty headers block is left
// out together with its "\n", every other empty field keeps its line.
func stringToSign(method, accept, contentMD5, contentType, date, headers, pathAndParams string) string {
	var b strings.Builder
	for _, f := range []string{strings.ToUpper(method), accept, contentMD5, contentType, date} {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	if headers != "" {
		b.WriteString(headers)
		b.WriteByte('\n')
	}
	b.WriteString(pathAndParams)
	return b.String()
}

// pathAndParameters is path, then "?" and the query sorted by key (ASCII),
// with decoded values, the first value of a repeated key, and a bare key for
// an empty value.
func pathAndParameters(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(path)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		if vs := q[k]; len(vs) > 0 && vs[0] != "" {
			b.WriteByte('=')
			b.WriteString(vs[0])
		}
	}
	return b.String()
}

// signature is base64(HMAC-SHA256(secret, stringToSign)).
func signature(secret, sts string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// contentMD5 is base64 of the 16-byte MD5 digest of the exact body bytes.
func contentMD5(body []byte) string {
	sum := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}
