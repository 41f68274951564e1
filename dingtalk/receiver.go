package dingtalk

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxEventBody bounds an encrypted event body a receiver reads.
const maxEventBody = 1 << 20

// EventReceiver is the ISV's end of DingTalk-style event delivery, as an
// http.Handler: it checks msg_signature (or signature), timestamp and nonce
// from the query against the body's encrypt field, decrypts it, hands the
// plaintext to OnEvent and answers with the encrypted "success" reply
// DingTalk expects. Tests and the demo use it to see what the gateway pushes.
//
// Without Crypto it takes the documented plain JSON body instead, checks
// the X-Esigngw-* signature with Token (if set) and answers 200.
type EventReceiver struct {
	Crypto  *EventCrypto
	Token   string
	OnEvent func(plain []byte)
	// Now stamps the reply; nil means time.Now.
	Now func() time.Time
}

// ServeHTTP handles one pushed event.
func (r *EventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		writeReceiverError(w, http.StatusMethodNotAllowed, "POST only")
		return
	}
	if r.Crypto == nil {
		r.servePlain(w, req)
		return
	}
	var body struct {
		Encrypt string `json:"encrypt"`
	}
	raw, err := io.ReadAll(io.LimitReader(req.Body, maxEventBody+1))
	if err != nil || len(raw) > maxEventBody || json.Unmarshal(raw, &body) != nil || body.Encrypt == "" {
		writeReceiverError(w, http.StatusBadRequest, "body must be {\"encrypt\":...}")
		return
	}
	q := req.URL.Query()
	sig := q.Get("msg_signature")
	if sig == "" {
		sig = q.Get("signature")
	}
	plain, err := r.Crypto.Decrypt(sig, q.Get("timestamp"), q.Get("nonce"), body.Encrypt)
	if err != nil {
		writeReceiverError(w, http.StatusBadRequest, err.Error())
		return
	}
	if r.OnEvent != nil {
		r.OnEvent(plain)
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	var nb [8]byte
	_, _ = rand.Read(nb[:])
	reply, err := r.Crypto.Encrypt([]byte("success"), strconv.FormatInt(now().UnixMilli(), 10), hex.EncodeToString(nb[:]))
	if err != nil {
		writeReceiverError(w, http.StatusInternalServerError, "cannot seal the reply")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

func writeReceiverError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errcode": status, "errmsg": msg})
}

// servePlain handles one documented plain JSON event.
func (r *EventReceiver) servePlain(w http.ResponseWriter, req *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(req.Body, maxEventBody+1))
	if err != nil || len(raw) > maxEventBody || !json.Valid(raw) {
		writeReceiverError(w, http.StatusBadRequest, "body must be a JSON event")
		return
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	if r.Token != "" {
		if err := VerifyEvent(r.Token, req.Header, raw, now(), 0); err != nil {
			writeReceiverError(w, http.StatusUnauthorized, err.Error())
			return
		}
	}
	if r.OnEvent != nil {
		r.OnEvent(raw)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"success":true}`))
}
