package dingtalk

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// Reasons TokenFailureReason reports, for a metrics label.
const (
	reasonMalformed  = "malformed"
	reasonSignature  = "signature"
	reasonExpired    = "expired"
	reasonNotYet     = "not_yet_valid"
	reasonIssuer     = "issuer"
	reasonAudience   = "audience"
	reasonUnknownKID = "unknown_kid"
	reasonAlgorithm  = "algorithm"
	reasonRevoked    = "revoked"
	reasonOther      = "other"
)

var (
	errTokenTooLong    = errors.New("token longer than MaxTokenLen")
	errTokenBadKID     = errors.New("kid missing or not [A-Za-z0-9_-]{1,64}")
	errTokenUnknownKID = errors.New("kid names no configured key")
	errTokenClaims     = errors.New("subject, appKey or appType invalid")
)

// tokenError is the cause inside an ErrInvalidToken: the reason for metrics
// and the library's error for the logs. The client sees neither.
type tokenError struct {
	reason string
	err    error
}

func (e *tokenError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func tokenFail(reason string, err error) *Error {
	return ErrInvalidToken.Wrap(&tokenError{reason: reason, err: err})
}

// RevokedToken is the error for a token that verified but was revoked (its
// epoch is older than its corp's). detail goes to the logs only.
func RevokedToken(detail string) *Error {
	return tokenFail(reasonRevoked, errors.New(detail))
}

// TokenFailureReason returns why a token was rejected, one of malformed,
// signature, expired, not_yet_valid, issuer, audience, unknown_kid,
// algorithm, revoked or other; "" for a nil err. It is a metrics label: a
// small fixed set, never token content.
func TokenFailureReason(err error) string {
	if err == nil {
		return ""
	}
	var te *tokenError
	if errors.As(err, &te) {
		return te.reason
	}
	return reasonOther
}

// classify maps golang-jwt's error to a reason. Order matters: the key and
// algorithm checks come first because the library reports a rejected alg as
// an invalid signature.
func classify(tok *jwt.Token, err error) string {
	switch {
	case errors.Is(err, errTokenBadKID), errors.Is(err, errTokenUnknownKID):
		return reasonUnknownKID
	case tok != nil && tok.Method != nil && tok.Method.Alg() != "HS256":
		return reasonAlgorithm
	case errors.Is(err, jwt.ErrTokenUnverifiable): // alg missing or unknown
		return reasonAlgorithm
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return reasonMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return reasonSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return reasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return reasonNotYet
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return reasonIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return reasonAudience
	}
	return reasonOther
}
