// Package api is the gateway's HTTP face: every route in one list
// (NewRouter), thin handlers that bind, call the service once and return,
// and renderErrors, the one place where an error becomes a status and a
// DingTalk-shaped body.
package api
