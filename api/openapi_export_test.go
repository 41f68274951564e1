package api

import (
	"context"
	"net/http"
)

// DocumentedRouteKeys lists "METHOD path" (gin syntax) of every row of the
// routing table, for TestOpenAPIRoutes: a row the router never registers
// would otherwise just vanish from the document.
func DocumentedRouteKeys(callbackPath string) []string {
	h := &handlers{s: Services{Callbacks: pathOnly(callbackPath)}, cfg: &Config{}}
	var keys []string
	for _, rt := range append(h.actions(), h.platform()...) {
		keys = append(keys, rt.Method+" "+rt.Path)
	}
	return keys
}

// pathOnly is a Callbacks that only knows its path.
type pathOnly string

func (p pathOnly) Path() string { return string(p) }
func (pathOnly) Handle(context.Context, http.Header, string, []byte) (string, error) {
	return "", nil
}
