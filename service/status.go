package service

import "esign-gateway/esign"

// KeyIDs returns the ids of the token signing keys, the signing key first,
// for the admin status page. The keys themselves never leave dingtalk.Tokens.
func (s *Service) KeyIDs() []string { return s.tokens.KeyIDs() }

// Esign returns the service's e签宝 client, whose breaker state and call
// statistics the health checks, admin page and metrics report.
func (s *Service) Esign() *esign.Client { return s.esign }
