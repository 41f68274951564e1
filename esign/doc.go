// Package esign is a client for the e签宝 (esign.cn, "Tsign") OpenAPI.
//
// It knows e签宝's request signature (HMAC-SHA256 over a canonical string,
// see signer.go), its optional OAuth2 token mode, the {code, message, data}
// answer envelope and the gateway's 401 shape, and the signature e签宝 puts
// on the callbacks it sends (VerifyCallback). It offers one Do for any route
// and a small typed method per route the gateway uses, one file per upstream
// area.
//
// Calls are bounded by a per-attempt and a per-call timeout. Only GETs are
// retried, and only on transport errors, timeouts, 429 and 5xx, within a
// retry budget. A circuit breaker fails calls fast while e签宝 is down.
//
// The package knows nothing about who calls it or how its answers are shown
// to anyone else; translating errors is the caller's job.
package esign
