package esigntest

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

// Header names of the e签宝 gateway (esign-openapi.md §1.1, §2).
const (
	hAppID       = "X-Tsign-Open-App-Id"
	hAuthMode    = "X-Tsign-Open-Auth-Mode"
	hTimestamp   = "X-Tsign-Open-Ca-Timestamp"
	hSignature   = "X-Tsign-Open-Ca-Signature"
	hSignHeaders = "X-Tsign-Open-Ca-Signature-Headers"
	hToken       = "X-Tsign-Open-Token"
)

// Gateway 401 messages (§4).
const (
	msgMissing       = "缺少参数"
	msgBadApp        = "无效的应用"
	msgNoToken       = "TOKEN_CANT_BE_NULL"
	msgBadToken      = "TOKEN错误"
	msgBadStrategy   = "AUTHSTRATEGY_NOT_FOUND"
	msgBadTimestamp  = "INVALID_TIMESTAMP"
	msgBadSignature  = "INVALID_SIGNATURE"
	timestampWindow  = 15 * time.Minute
	tokenLifetime    = 2 * time.Hour
	tokenOverlapTime = 5 * time.Minute
)

// authenticate checks a request the way the gateway does and returns the
// accepted mode ("signature" or "token") or the 401 message.
func (s *Server) authenticate(r *http.Request, body []byte) (mode, failure string) {
	appID := r.Header.Get(hAppID)
	if appID == "" {
		return "", msgMissing
	}
	if appID != s.cfg.AppID {
		return "", msgBadApp
	}
	authMode, hasMode := r.Header[http.CanonicalHeaderKey(hAuthMode)]
	if !hasMode {
		token := r.Header.Get(hToken)
		if token == "" {
			return "", msgNoToken
		}
		if !s.tokenValid(token) {
			return "", msgBadToken
		}
		return "token", ""
	}
	if len(authMode) == 0 || authMode[0] != "Signature" {
		return "", msgBadStrategy
	}
	ts, sig := r.Header.Get(hTimestamp), r.Header.Get(hSignature)
	if ts == "" || sig == "" {
		return "", msgMissing
	}
	if !s.timestampValid(ts) {
		return "", msgBadTimestamp
	}
	cmd5 := r.Header.Get("Content-MD5")
	if (len(body) > 0 || cmd5 != "") && cmd5 != contentMD5(body) {
		return "", msgBadSignature
	}
	want := signBase64(s.cfg.AppSecret, requestStringToSign(r))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "", msgBadSignature
	}
	return "signature", ""
}

// timestampValid accepts 13-digit epoch milliseconds within ±15 minutes.
func (s *Server) timestampValid(ts string) bool {
	if len(ts) != 13 {
		return false
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || ms < 0 {
		return false
	}
	d := s.now().Sub(time.UnixMilli(ms))
	return d <= timestampWindow && d >= -timestampWindow
}

// requestStringToSign rebuilds the string to sign from the headers the
// request actually carries, as the gateway does (§1.1–1.3).
func requestStringToSign(r *http.Request) string {
	return stringToSign(r.Method, r.Header.Get("Accept"), r.Header.Get("Content-MD5"),
		r.Header.Get("Content-Type"), r.Header.Get("Date"), signedHeaders(r),
		pathAndParameters(r.URL.Path, r.URL.Query()))
}

// stringToSign joins the seven fields; an empty Headers block is dropped
// together with its newline (§1.2).
func stringToSign(method, accept, cmd5, ctype, date, headers, pap string) string {
	s := strings.ToUpper(method) + "\n" + accept + "\n" + cmd5 + "\n" + ctype + "\n" + date + "\n"
	if headers != "" {
		s += headers + "\n"
	}
	return s + pap
}

// pathAndParameters sorts keys ASCII ascending, signs decoded values, keeps
// the first of repeated keys and writes an empty value as the bare key.
func pathAndParameters(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := ""
		if len(q[k]) > 0 {
			v = q[k][0]
		}
		if v == "" {
			parts = append(parts, k)
		} else {
			parts = append(parts, k+"="+v)
		}
	}
	return path + "?" + strings.Join(parts, "&")
}

// signedHeaders builds the optional Headers block from the keys listed in
// X-Tsign-Open-Ca-Signature-Headers.
func signedHeaders(r *http.Request) string {
	list := r.Header.Get(hSignHeaders)
	if list == "" {
		return ""
	}
	excluded := map[string]bool{}
	for _, k := range []string{hSignature, hSignHeaders, "Accept", "Content-MD5", "Content-Type", "Date"} {
		excluded[http.CanonicalHeaderKey(k)] = true
	}
	var keys []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if k != "" && !excluded[http.CanonicalHeaderKey(k)] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + ":" + r.Header.Get(k)
	}
	return strings.Join(lines, "\n")
}

func signBase64(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// handleToken serves the OAuth2 token and refresh endpoints (§2), which
// need no auth headers.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("appId") != s.cfg.AppID {
		writeJSON(w, http.StatusOK, envelope{Code: 72000032, Message: "应用停用或应用不存在"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/v1/oauth2/refresh_token" {
		if q.Get("grantType") != "refresh_token" {
			writeBizErr(w, paramErr("grantType"))
			return
		}
		if _, ok := s.st.refresh[q.Get("refreshToken")]; !ok {
			writeBizErr(w, paramErr("refreshToken无效"))
			return
		}
		delete(s.st.refresh, q.Get("refreshToken"))
	} else {
		if !hmac.Equal([]byte(q.Get("secret")), []byte(s.cfg.AppSecret)) {
			writeJSON(w, http.StatusOK, envelope{Code: 72000032, Message: "应用停用或应用不存在"})
			return
		}
		if q.Get("grantType") != "client_credentials" {
			writeBizErr(w, paramErr("grantType"))
			return
		}
	}
	now := s.now()
	// A new token leaves earlier ones only five more minutes (§2).
	for tok, exp := range s.st.tokens {
		if soon := now.Add(tokenOverlapTime); exp.After(soon) {
			s.st.tokens[tok] = soon
		}
	}
	token, refresh, exp := newID()+newID(), newID(), now.Add(tokenLifetime)
	s.st.tokens[token] = exp
	s.st.refresh[refresh] = token
	writeJSON(w, http.StatusOK, envelope{Code: 0, Message: "成功", Data: map[string]string{
		"token": token, "expiresIn": strconv.FormatInt(exp.UnixMilli(), 10), "refreshToken": refresh,
	}})
}

func (s *Server) tokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.st.tokens[token]
	return ok && s.now().Before(exp)
}
