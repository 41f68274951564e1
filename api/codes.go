package api

import (
	"errors"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// The errors a DingTalk action sends are the codes its page documents
// (dingtalk/codes.go): the gateway's own error (what happened) is mapped,
// in order, by the action's row (route.Codes), then the platform's codes
// (the global error-code page, 0013) for what no action page lists, then
// the version's parameter code for any other refusal. The gateway's own
// routes (pages, admin, callbacks, probes) keep the gateway's codes.

// codes builds a row's mapping from pairs of (what happened, what the page
// documents for it).
func codes(pairs ...*dingtalk.Error) map[*dingtalk.Error]*dingtalk.Error {
	m := make(map[*dingtalk.Error]*dingtalk.Error, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// documentErrors makes the error the rest of rt's chain records the code
// rt's page documents for it, for renderErrors to send.
func documentErrors(rt *route) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 {
			return
		}
		last := c.Errors.Last()
		var e *dingtalk.Error
		if !errors.As(last.Err, &e) {
			e = dingtalk.ErrSystem.Wrap(last.Err)
		}
		appType := ""
		if cl := dingtalk.ClaimsFrom(c.Request.Context()); cl != nil {
			appType = cl.AppType
		}
		last.Err = rt.translate(e, appType)
	}
}

// translate is the error the client gets for e on rt; appType is the
// caller's (the rate-limit codes differ for third-party and internal apps).
func (rt *route) translate(e *dingtalk.Error, appType string) *dingtalk.Error {
	code := rt.codeFor(e, appType)
	if code == e {
		return e
	}
	return code.Render(e)
}

// codeFor is the documented code rt answers e with; e itself where it is
// the platform's or rt is not a DingTalk action.
func (rt *route) codeFor(e *dingtalk.Error, appType string) *dingtalk.Error {
	if rt.Version == "" {
		return e
	}
	for from, to := range rt.Codes {
		if e.Is(from) {
			return to
		}
	}
	switch {
	case e.Is(dingtalk.ErrMissingToken), e.Is(dingtalk.ErrInvalidToken):
		// The platform's token check, the same on every action.
		return e
	case e.Is(dingtalk.ErrBodyTooLarge) && rt.Version == esign2:
		return dingtalk.V2BodyTooLarge
	case e.Is(dingtalk.ErrBodyTooLarge):
		return dingtalk.V1BodyTooLarge
	case e.Is(dingtalk.ErrUnavailable):
		return dingtalk.PlatformBusy
	case e.Is(dingtalk.ErrUpstreamTimeout):
		return dingtalk.PlatformTimeout
	case e.Is(dingtalk.ErrUpstream):
		return dingtalk.PlatformUnknown
	case e.Is(dingtalk.ErrQPSLimit) && appType == dingtalk.AppTypeISVEnterprise:
		return dingtalk.QPSLimitISV
	case e.Is(dingtalk.ErrQPSLimit):
		return dingtalk.QPSLimitApp
	case e.Is(dingtalk.ErrNotAuthorized):
		// The corp has not given the ISV's e签宝 app the right: the
		// platform's permission code, saying why.
		return dingtalk.CorpNotAuthorized
	case rt.Version == oauth2, e.Status != 400:
		return e
	case rt.Version == esign1:
		return dingtalk.V1InvalidArguments
	}
	return dingtalk.RequestParamError
}

// documented lists the codes rt answers the errors it can meet with, for
// the OpenAPI document.
func (rt *route) documented(errs []*dingtalk.Error) []*dingtalk.Error {
	var out []*dingtalk.Error
	for _, e := range errs {
		if e.Is(dingtalk.ErrQPSLimit) && rt.Version != "" {
			out = append(out, rt.qpsCodes()...)
			continue
		}
		out = append(out, rt.codeFor(e, dingtalk.AppTypeISVEnterprise))
	}
	return out
}

// qpsCodes are the rate-limit codes of the app types rt takes.
func (rt *route) qpsCodes() []*dingtalk.Error {
	var out []*dingtalk.Error
	for _, app := range rt.Apps {
		out = append(out, rt.codeFor(dingtalk.ErrQPSLimit, app))
	}
	return out
}
