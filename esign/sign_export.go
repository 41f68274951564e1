package esign

import (
	"net/http"
	"time"
)

// SignRequest signs r in e签宝's "Signature" auth mode for appID and
// secret, exactly as the Client signs its own calls: it sets the four
// X-Tsign-Open-* headers from r's method, URL and the Accept, Content-MD5,
// Content-Type and Date headers, which must already be set as they will be
// sent. It exists for tools that forward requests themselves, such as the
// benchmark harness's bare reverse proxy, so that they sign byte for byte
// like the gateway.
func SignRequest(r *http.Request, appID, secret string, now time.Time) {
	signer{appID: appID, secret: secret}.sign(r, now)
}
