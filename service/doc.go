// Package service holds the gateway's use cases, one per DingTalk action
// (the esign_1.0 and esign_2.0 twins share one): a DingTalk request in,
// e签宝 calls and owned state, a DingTalk answer out. It takes a
// context.Context, never a *gin.Context, and upstreamError is the one place
// where an e签宝 failure gets a DingTalk meaning.
package service
