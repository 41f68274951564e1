package esign

import "context"

// Meter is asked before every e签宝 call made for a context carrying it
// (WithMeter); an error refuses the call, which then fails with that
// error wrapped, without an attempt and without counting toward the
// breaker. The gateway meters the calls each API request causes.
type Meter func(ctx context.Context) error

type meterKey struct{}

// WithMeter returns ctx with m asked before every call made for it.
func WithMeter(ctx context.Context, m Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

func meterFrom(ctx context.Context) Meter {
	m, _ := ctx.Value(meterKey{}).(Meter)
	return m
}
