// Package esigntest is an in-process emulator of the e签宝 (esign.cn)
// OpenAPI. It is written from e签宝's pages stored in
// ../shared/reference/esign-docs/ (and esign-openapi.md for the request
// signature), never from the client in package esign, so that the two
// check each other. It imports only the standard library.
//
// It is strict where e签宝 is: request bodies are decoded against the
// fields each page documents and anything else is refused; required fields,
// v1 ids on v3 endpoints (and v3 ids on v1), missing grants and files not
// yet usable are refused with e签宝's documented codes. Every API request
// is recorded with its query and body (Calls, Bodies). Tests grant scopes
// with Grant and move real-name state with SetRealname/CompleteIdentity;
// a verified account or organization gets its v3 id (V3ID).
//
// # Sources
//
// Each endpoint and rule, and the esign-docs file it follows ("decision"
// = not documented: our decision):
//
//	request signature, 401 bodies          request-signature.md
//	OAuth2 token mode                       oauth2-access-token.md
//	unknown body field → 1435002            decision (e签宝 may ignore them; we refuse so a
//	                                        field it would drop cannot pass unnoticed)
//	missing required v1 field → 1435002     decision (the v1 pages list no code for it)
//	POST /v1/accounts/createByThirdPartyUserId     v1-accounts-createByThirdPartyUserId.md
//	POST /v1/organizations/createByThirdPartyUserId v1-organizations-createByThirdPartyUserId.md
//	  creator required, a v1 person         same (fact 1); code 1435002 / 53000001: decision
//	  thirdPartyUserId one namespace        same; 53000002 账号类型不匹配 for the other kind
//	GET /v1/accounts|organizations/{id}, getByThirdId  v1-accounts-get.md, v1-organizations-get.md
//	v3 ids exist after real-name only       README fact 2; one v3 id per verified v1
//	                                        account: decision
//	v1 id on a v3 endpoint → 1450004        README fact 2
//	v3 id on a v1 endpoint → 53000001/1435203  decision (not in the v1 maps)
//	GET /v3/persons/identity-info           v3-persons-identity-info.md (psnAccount/psnInfo
//	                                        only with get_psn_identity_info; 1450001, 1450008)
//	GET /v3/organizations/identity-info     v3-organizations-identity-info.md (legal rep's id
//	                                        only with get_org_identity_info)
//	POST /v3/organizations/org-console-url  v3-organizations-org-console-url.md (orgId,
//	                                        transactorPsnId required; manage_org_resource);
//	                                        codes 1450001 / 1436116: decision (no error table)
//	POST /v3/approval/approval-task-list    v3-approval-approval-task-list.md (1453000, 1453001)
//	GET /v3/approval/{id}/detail            v3-approval-detail.md (only its fields; 1453001,
//	                                        1453002); an approval needs a real-name org: decision
//	POST /v1/files/getUploadUrl             v1-files-getUploadUrl.md (contentType enum)
//	PUT upload, Content-Type = declared     v1-files-getUploadUrl.md (403); OSS XML: [SDK]
//	GET /v1/files/{id}, .../status          v1-files-get.md (status 0–9, 1430603, 1430613)
//	conversion 4 → 5 / 9                    v1-files-get.md; HoldConversion/ConvertFile: decision
//	file usable only at 2 or 5              v1-files-get.md; 1437513 for 4/8/3/9: decision
//	                                        (code from esign-openapi.md's v3 list)
//	POST /api/v2/signflows/createFlowOneStep  api-v2-signflows-createFlowOneStep.md (docs,
//	                                        attachments, copiers, flowInfo, noticeType enum and
//	                                        default 1, actorIndentityType rules); signers and
//	                                        signfields [SDK]; signDateBean/signDateBeanType,
//	                                        sealIds, willTypes, posBean.width/addSignTime:
//	                                        [SDK], accepted by decision
//	GET /v1/signflows/{id}                  v1-signflows-get.md
//	GET /v1/signflows/{id}/signers          v1-signflows-signers.md
//	GET /v1/signflows/{id}/documents        v1-signflows-documents.md
//	GET /v1/signflows/{id}/executeUrl       v1-signflows-executeUrl.md
//	PUT /v1/signflows/{id}/start, /revoke   v1-signflows-start.md, v1-signflows-revoke.md
//	PUT /v1/signflows/{id}/archive          decision (page not stored)
//	POST /v2/identity/auth/web/…Url         v2-identity-auth-web-indivIdentityUrl.md,
//	                                        v2-identity-auth-web-orgIdentityUrl.md
//	GET /v2/identity/auth/api/common/{id}/detail  v2-identity-auth-api-common-detail.md
//	                                        (indivInfo/organInfo once SUCCESS)
//	POST /v3/org-auth-url                   authflow-docs.md (kcbdu7: orgAuthConfig required →
//	                                        1450001; scopes enum, clientType → 1450002; v1 id →
//	                                        1450004; real-name mode on a verified org → 1450006)
//	GET /v3/auth-flow/{authFlowId}          authflow-docs.md (hlrs7s; 1450007)
//	AUTHORIZE_FINISH callback               authflow-docs.md (demod3); none on refusal: decision
//	the authorization page (/auth/h5/index) decision: CompleteAuthFlow plays the transactor;
//	                                        an org named only by name is matched to a verified
//	                                        org of that name or created v3-only: decision
//	v1 callbacks, retries, signature        callbacks-v1-sign.md, callback-signature.md
//	identity callbacks                      callbacks-v2-identity.md
//	browser pages (/sign/, /identity/, /console/, /s/)  decision (e签宝's pages are not
//	                                        documented; these stand in for them)
//
// Tests drive the signer's side through the control API (Sign, Refuse,
// MarkRead, Finish, Expire, CompleteIdentity, CompleteAuthFlow, AddSealApproval, Grant,
// ConvertFile, ...), the same actions over HTTP under /_control/ when
// Config.Control is set, and inject failures with SetFault. A typical test:
//
//	s := esigntest.Start(t, esigntest.Config{AppID: id, AppSecret: secret})
//	// point the client at s.URL(), create a flow, then:
//	s.Sign(flowID, accountID)
//	s.WaitCallbacks(ctx)
package esigntest
