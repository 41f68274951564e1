package api

// DocumentedRouteKeys lists "METHOD path" (gin syntax) of every route in the
// OpenAPI tables, for TestOpenAPIRoutes: a table entry the router never
// registers would otherwise just vanish from the document.
func DocumentedRouteKeys(callbackPath string) []string {
	var keys []string
	for _, o := range documentedRoutes(callbackPath) {
		keys = append(keys, o.method+" "+o.path)
	}
	return keys
}
