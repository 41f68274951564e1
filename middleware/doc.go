// Package middleware holds the gin middleware of the gateway: request ids,
// the access log, panic recovery, authentication, rate limiting and body
// limits. It knows nothing about DingTalk or e签宝: what it needs from the
// domain comes in through small interfaces and values, and it never writes an
// error body itself — it records errors with c.Error for the one renderer.
package middleware
