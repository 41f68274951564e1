package dingtalk

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"slices"
)

// Errors Decrypt returns. They never carry the expected signature.
var (
	ErrEventSignature = errors.New("dingtalk: event msg_signature mismatch")
	ErrEventMalformed = errors.New("dingtalk: event ciphertext malformed")
	ErrEventReceiver  = errors.New("dingtalk: event addressed to another receiver")
)

// eventBlock is the PKCS#7 block size DingTalk (like WeChat) pads to: 32,
// not AES's 16.
const eventBlock = 32

// EncryptedEvent is an encrypted event or reply as DingTalk sends it, e.g.
// the {"msg_signature","timeStamp","nonce","encrypt"} success reply.
type EncryptedEvent struct {
	MsgSignature string `json:"msg_signature"`
	TimeStamp    string `json:"timeStamp"`
	Nonce        string `json:"nonce"`
	Encrypt      string `json:"encrypt"`
}

// EventCrypto is DingTalk's event-subscription crypto (DingCallbackCrypto in
// DingTalk's SDK samples): AES-256-CBC with IV = key[:16], PKCS#7 to 32
// bytes, plaintext = 16 random bytes | uint32 big-endian len(msg) | msg |
// receiveId, and msg_signature = hex(SHA1(sorted(token, timestamp, nonce,
// encrypt) joined)). It is safe for concurrent use if Rand is.
type EventCrypto struct {
	// Rand supplies the 16 random prefix bytes; nil means crypto/rand. Tests
	// set it to reproduce known ciphertexts.
	Rand io.Reader

	token     string
	block     cipher.Block
	iv        []byte
	receiveID string
}

// NewEventCrypto builds the crypto for one receiver. aesKey is the
// 43-character EncodingAESKey from the developer console; receiveID is the
// suiteKey, corpId or appKey the events are addressed to.
func NewEventCrypto(token, aesKey, receiveID string) (*EventCrypto, error) {
	if token == "" || receiveID == "" {
		return nil, errors.New("dingtalk: event crypto needs a token and a receive id")
	}
	if len(aesKey) != 43 {
		return nil, errors.New("dingtalk: EncodingAESKey must be 43 characters")
	}
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("dingtalk: EncodingAESKey is not base64 for 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &EventCrypto{token: token, block: block, iv: key[:aes.BlockSize], receiveID: receiveID}, nil
}

// Encrypt seals msg for the receiver and signs it with timestamp and nonce.
func (c *EventCrypto) Encrypt(msg []byte, timestamp, nonce string) (EncryptedEvent, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return EncryptedEvent{}, errors.New("dingtalk: event message longer than its 4-byte length field")
	}
	n := 16 + 4 + len(msg) + len(c.receiveID)
	pad := eventBlock - n%eventBlock
	buf := make([]byte, n+pad)
	r := c.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, buf[:16]); err != nil {
		return EncryptedEvent{}, err
	}
	binary.BigEndian.PutUint32(buf[16:20], uint32(len(msg)))
	copy(buf[20:], msg)
	copy(buf[20+len(msg):], c.receiveID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(buf, buf)
	enc := base64.StdEncoding.EncodeToString(buf)
	return EncryptedEvent{
		MsgSignature: c.signature(timestamp, nonce, enc),
		TimeStamp:    timestamp,
		Nonce:        nonce,
		Encrypt:      enc,
	}, nil
}

// Decrypt checks the signature (in constant time, before touching the
// ciphertext, so padding errors are no oracle to anyone without the token),
// then the padding, the length and the receiver, and returns the message.
func (c *EventCrypto) Decrypt(signature, timestamp, nonce, encrypt string) ([]byte, error) {
	want := c.signature(timestamp, nonce, encrypt)
	if subtle.ConstantTimeCompare([]byte(signature), []byte(want)) != 1 {
		return nil, ErrEventSignature
	}
	buf, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil || len(buf) == 0 || len(buf)%eventBlock != 0 {
		return nil, ErrEventMalformed
	}
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(buf, buf)
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > eventBlock {
		return nil, ErrEventMalformed
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, ErrEventMalformed
		}
	}
	buf = buf[:len(buf)-pad]
	if len(buf) < 20 {
		return nil, ErrEventMalformed
	}
	n := binary.BigEndian.Uint32(buf[16:20])
	if uint64(n) > uint64(len(buf)-20) {
		return nil, ErrEventMalformed
	}
	msg, rid := buf[20:20+n], buf[20+n:]
	if subtle.ConstantTimeCompare(rid, []byte(c.receiveID)) != 1 {
		return nil, ErrEventReceiver
	}
	return msg, nil
}

// signature is DingTalk's msg_signature: the four strings sorted, joined
// without a separator, SHA-1, lowercase hex.
func (c *EventCrypto) signature(timestamp, nonce, encrypt string) string {
	parts := []string{c.token, timestamp, nonce, encrypt}
	slices.Sort(parts)
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
