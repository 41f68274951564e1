// Package dingtalk is what the gateway looks like from a DingTalk client: the
// wire types of the esign_1.0/esign_2.0 APIs with DingTalk's exact JSON names,
// the one error shape clients receive ([Error]), the gateway's own access
// tokens ([Tokens]) and the encryption DingTalk uses for event subscriptions
// ([EventCrypto]).
//
// It is a leaf: it imports only the standard library and golang-jwt, so api
// and service can both depend on it without cycles.
package dingtalk
