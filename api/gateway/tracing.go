package gateway

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// DefaultServiceName is the service.name traces carry unless
// tracing.service_name says otherwise.
const DefaultServiceName = "esign-gateway"

// TracingConfig is OpenTelemetry tracing, off unless an endpoint is set.
type TracingConfig struct {
	// OTLPEndpoint is where spans go over OTLP/HTTP: a collector's base
	// URL (http://collector:4318, to which /v1/traces is added) or a full
	// traces URL. Empty means tracing is off and costs nothing. Headers
	// (authentication) come from OTEL_EXPORTER_OTLP_HEADERS.
	OTLPEndpoint string `mapstructure:"otlp_endpoint"`
	// SampleRatio is the share of the traces started here that are
	// recorded, in (0, 1]; 0 means 1. A caller's traceparent decides for
	// its own trace.
	SampleRatio float64 `mapstructure:"sample_ratio"`
	// ServiceName is the service.name resource; "" means
	// DefaultServiceName.
	ServiceName string `mapstructure:"service_name"`
}

// newTracing returns the tracer provider cfg asks for, with spans sent to
// exp if set (tests: an in-memory exporter, spans written as each ends)
// or else batched to the OTLP endpoint; nil when tracing is off.
func newTracing(cfg TracingConfig, exp sdktrace.SpanExporter) (*sdktrace.TracerProvider, error) {
	if cfg.OTLPEndpoint == "" && exp == nil {
		return nil, nil
	}
	ratio := cfg.SampleRatio
	switch {
	case ratio == 0:
		ratio = 1
	case ratio < 0 || ratio > 1:
		return nil, fmt.Errorf("tracing.sample_ratio %v: want a share in (0, 1]", cfg.SampleRatio)
	}
	name := cfg.ServiceName
	if name == "" {
		name = DefaultServiceName
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))),
		sdktrace.WithResource(resource.NewSchemaless(
			attribute.String("service.name", name), attribute.String("service.version", Version()))),
	}
	if exp != nil {
		opts = append(opts, sdktrace.WithSyncer(exp))
	} else {
		endpoint, err := tracesURL(cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		// New only configures the exporter: it connects on the first
		// export, so a collector that is down does not stop the gateway.
		exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(endpoint))
		if err != nil {
			return nil, fmt.Errorf("tracing.otlp_endpoint: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

// tracesURL checks an endpoint and adds OTLP's traces path to a bare base
// URL, as OTEL_EXPORTER_OTLP_ENDPOINT is read.
func tracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("tracing.otlp_endpoint %q: want an http(s) URL with a host", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// tracer is the gateway's tracer, or nil when tracing is off.
func tracer(tp *sdktrace.TracerProvider) trace.Tracer {
	if tp == nil {
		return nil
	}
	return tp.Tracer("esign-gateway")
}

// shutdownTracing sends the spans still batched, giving up after a few
// seconds so that a collector that is down cannot hold up an exit.
func shutdownTracing(tp *sdktrace.TracerProvider) error {
	if tp == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return tp.Shutdown(ctx)
}
