// Package esigntest is an in-process emulator of the e签宝 (esign.cn)
// OpenAPI as described in esign-openapi.md. It is written from that
// reference, not from the client in package esign, so that the two check
// each other. It imports only the standard library.
//
// What it serves, all state in memory:
//
//   - the gateway: request-signature auth (§1) and OAuth2 token mode (§2),
//     with e签宝's 401 bodies; business errors as HTTP 200 envelopes (§4)
//   - v1 accounts and organizations, v3 identity-info, the org console URL
//   - v1 files with OSS-style presigned upload and download URLs
//   - createFlowOneStep and the v1 signflows endpoints: detail, signers,
//     documents, executeUrl, start, archive, revoke
//   - v2 identity URLs and detail; v3 seal approvals
//   - browser pages for signing (/sign/), identity (/identity/), the org
//     console (/console/) and short links (/s/)
//   - signed v1 and identity callbacks (§5), delivered asynchronously, in
//     order per flow, with retries
//
// Tests drive the signer's side through the control API (Sign, Refuse,
// MarkRead, Finish, Expire, CompleteIdentity, AddSealApproval, ...), the
// same actions over HTTP under /_control/ when Config.Control is set, and
// inject failures with SetFault. A typical test:
//
//	s := esigntest.Start(t, esigntest.Config{AppID: id, AppSecret: secret})
//	// point the client at s.URL(), create a flow, then:
//	s.Sign(flowID, accountID)
//	s.WaitCallbacks(ctx)
package esigntest
