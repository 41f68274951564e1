package api_test

import "strings"

// paramCode is the code DingTalk's pages document for a refused parameter
// on the action at path: esign_1.0 has one code for every refusal,
// esign_2.0 requestParamError, CreateDevelopers its own illegalArgument;
// the token endpoints and the gateway's own routes keep the esign_1.0 one.
func paramCode(path string) string {
	switch {
	case strings.HasPrefix(path, "/v2.0/esign/developers"):
		return "illegalArgument"
	case strings.HasPrefix(path, "/v2.0/esign/"):
		return "requestParamError"
	}
	return "invalidRequest.invalidAguemnts"
}
