package service

import (
	"context"

	"esign-gateway/esign"
)

// WithUpstreamMeter returns ctx with allow asked before every e签宝 call
// made for it; allow's error (a *dingtalk.Error) is what the client gets.
// The api package meters each request's calls this way (per request and
// per corp), so the e签宝 calls one request causes are counted, not only
// the request.
func WithUpstreamMeter(ctx context.Context, allow func(ctx context.Context) error) context.Context {
	return esign.WithMeter(ctx, allow)
}
