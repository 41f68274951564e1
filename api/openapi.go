package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"esign-gateway/dingtalk"
)

// The OpenAPI 3.1 document of every route the gateway serves, built once
// from the routing table when the router is made and served at GET
// /openapi.json. Only rows the router really registered are documented
// (the admin routes need an admin token, /metrics needs Metrics), so the
// document always matches the running gateway. Request and answer schemas
// are reflected from the handlers' types (openapi_schema.go); error codes
// are the ones each action's page documents (route.documented).

// sharedErrors are the errors every route of an access kind can answer.
func sharedErrors(rt *route) []*dingtalk.Error {
	base := []*dingtalk.Error{dingtalk.ErrNotFound, dingtalk.ErrSystem}
	switch rt.Access {
	case token:
		base = append(base, dingtalk.ErrMissingToken, dingtalk.ErrInvalidToken, dingtalk.ErrPermissionDenied,
			dingtalk.ErrQPSLimit, dingtalk.ErrUnavailable)
	case admin:
		base = append(base, dingtalk.ErrAdminAuth)
	}
	if rt.ep.req != nil && hasBody(rt.ep.req) {
		base = append(base, dingtalk.ErrInvalidParam, dingtalk.ErrBodyTooLarge)
	}
	if rt.ep.req != nil && len(newReflector().params(rt.ep.req, rt.Version)) > 0 {
		base = append(base, dingtalk.ErrInvalidParam)
	}
	return base
}

// buildOpenAPI renders the document of rows.
func buildOpenAPI(rows []route) ([]byte, error) {
	r := newReflector()
	paths := map[string]map[string]any{}
	for i := range rows {
		rt := &rows[i]
		p, names := openAPIPath(rt.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = operation(r, rt, names)
		if path, name, ok := rt.emptyID(); ok {
			ep, _ := openAPIPath(path)
			if paths[ep] == nil {
				paths[ep] = map[string]any{}
			}
			paths[ep][strings.ToLower(rt.Method)] = emptyIDOperation(rt, name)
		}
	}
	r.schemas["Error"] = r.object(reflect.TypeFor[dingtalk.Error](), role{answer: true})
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info":              info(),
		"servers":           []any{map[string]any{"url": "/", "description": "本网关 / this gateway"}},
		"tags":              tags(),
		"x-tagGroups":       tagGroups(),
		"paths":             paths,
		"components":        components(r.schemas),
	}
	return json.Marshal(doc)
}

// openAPIPath turns a gin path into an OpenAPI path template and its
// parameter names.
func openAPIPath(p string) (string, []string) {
	parts := strings.Split(p, "/")
	var names []string
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			names = append(names, s[1:])
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/"), names
}

func operation(r *reflector, rt *route, pathNames []string) map[string]any {
	m := map[string]any{"operationId": rt.opID(), "summary": rt.Title + " / " + rt.Summary, "description": rt.description(),
		"tags": []string{rt.tag()}, "security": []any{}}
	if rt.Action != "" {
		m["x-dingtalk-action"], m["x-dingtalk-version"] = rt.Action, rt.Version
		m["x-dingtalk-sdk"] = rt.sdk(pathNames)
	}
	if len(rt.Apps) > 0 {
		m["x-dingtalk-app-types"] = rt.Apps
	}
	if rt.Scope != "" {
		m["x-dingtalk-scope"] = rt.Scope
	}
	var params []any
	if rt.ep.req != nil {
		params = r.params(rt.ep.req, rt.Version)
	} else {
		for _, n := range pathNames {
			params = append(params, map[string]any{"name": n, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	switch rt.Access {
	case token:
		params = append(params, paramRef("AccessToken"))
		if rt.Version == esign2 {
			params = append(params, paramRef("ServiceGroup"))
		}
	case admin:
		m["security"] = []any{map[string]any{"adminBearer": []string{}}}
	case callback:
		params = append(params, paramRef("TsignAppId"), paramRef("TsignTimestamp"), paramRef("TsignSignature"))
	}
	if len(params) > 0 {
		m["parameters"] = params
	}
	if rt.ep.req != nil && hasBody(rt.ep.req) && rt.Method != "GET" {
		media := map[string]any{"schema": r.ref(rt.ep.req, role{version: rt.Version})}
		if rt.Example != nil {
			media["example"] = rt.Example
		}
		req := false
		dingtalk.Fields(rt.ep.req, func(f reflect.StructField, _, in string) {
			req = req || (in == "body" && dingtalk.RequiredIn(f.Tag, rt.Version))
		})
		m["requestBody"] = map[string]any{"required": req, "content": map[string]any{"application/json": media}}
	} else if rt.serve != nil && rt.Access == callback {
		m["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"type": "object", "description": "e签宝 回调体（action、flowId 等）/ e签宝's callback body (action, flowId, …)"}}}}
	}
	responses := errorResponses(rt.documented(append(sharedErrors(rt), rt.Errors...)))
	for k, v := range rt.doc.extra {
		responses[k] = extraResponse(r, v)
	}
	responses["200"] = rt.success(r)
	m["responses"] = responses
	return m
}

// success is the 200 response; esign_1.0 wraps the answer in its envelope.
func (rt *route) success(r *reflector) map[string]any {
	headers := requestIDHeader()
	res := map[string]any{"description": "成功 / OK", "headers": headers}
	var body *schema
	media := "application/json"
	switch {
	case rt.ep.res != nil:
		body = r.ref(rt.ep.res, role{answer: true})
		if rt.ep.res == reflect.TypeFor[*dingtalk.CorpConsoleV1]() {
			headers[dingtalk.ConsoleURLHeader] = map[string]any{"schema": map[string]any{"type": "string"},
				"description": "企业控制台地址（esign_1.0 的 data 不含 orgConsoleUrl）/ the console URL (esign_1.0's data has no orgConsoleUrl)"}
		}
		if staleCapable(rt.ep.res) {
			staleHeaderDocs(headers)
		}
	case rt.doc.res != nil:
		body = r.ref(reflect.TypeOf(rt.doc.res), role{answer: true})
	default:
		body = &schema{Type: "string"}
	}
	if rt.doc.media != "" {
		media = rt.doc.media
	}
	if rt.Version == esign1 {
		env := r.object(reflect.TypeFor[dingtalk.Envelope](), role{answer: true})
		env.Properties["code"].Enum = []any{0}
		env.Properties["data"] = body
		body = env
	}
	res["content"] = map[string]any{media: map[string]any{"schema": body}}
	return res
}

// description is the route's backing plus what its row says of access.
func (rt *route) description() string {
	d := rt.Backing
	if len(rt.Apps) > 0 {
		d += "\n\n**应用类型 / app types:** " + strings.Join(rt.Apps, ", ")
		if rt.Scope != "" {
			d += "; **权限 / scope:** " + rt.Scope
		}
	}
	return d
}

// tag is the route's tag: DingTalk's documentation tree for e签宝 actions.
func (rt *route) tag() string {
	switch rt.Version {
	case esign1:
		return "e签宝1.0/" + rt.Group
	case esign2:
		return "e签宝2.0/" + rt.Group
	}
	return rt.Group
}

// sdk names the @alicloud/dingtalk call for the same request, for the
// explorer's Node snippet: module, the *WithOptions method and its
// arguments in order (dingtalk-contract.md §4 "SDK method"). The request
// argument exists when the SDK has a request model: body or query fields,
// or esign_2.0 CancelCorpAuth's empty one.
func (rt *route) sdk(pathNames []string) map[string]any {
	module := strings.ReplaceAll(rt.Version, ".", "_") // esign_1.0 -> esign_1_0
	args := append([]string{}, pathNames...)
	if t := rt.ep.req; t != nil && (t == reflect.TypeFor[dingtalk.CancelCorpAuthRequest]() || hasBody(t) || hasQuery(t)) {
		args = append(args, "request")
	}
	args = append(args, "headers", "runtime")
	return map[string]any{"module": module, "method": strings.ToLower(rt.Action[:1]) + rt.Action[1:] + "WithOptions",
		"request": rt.Action + "Request", "headers": rt.Action + "Headers", "args": args}
}

func hasQuery(t reflect.Type) bool {
	q := false
	dingtalk.Fields(t, func(_ reflect.StructField, _, in string) { q = q || in == "query" })
	return q
}

// emptyIDOperation documents the route that catches an action's empty path
// id (the SDK sends .../files/ for an empty fileId) to answer
// 参数错误:<field> instead of a 404.
func emptyIDOperation(rt *route, name string) map[string]any {
	m := map[string]any{"operationId": rt.opID() + "_emptyId", "tags": []string{rt.tag()}, "security": []any{},
		"summary": rt.Title + "（" + name + " 为空）/ " + rt.Summary + " (empty " + name + ")",
		"description": rt.Action + " 的 " + name + " 为空时 SDK 请求此路径，网关答 400 参数错误:" + name + "。/ The SDK calls this path when " + rt.Action +
			"'s " + name + " is empty; the gateway answers 400 参数错误:" + name + " rather than 404.",
		"parameters": []any{paramRef("AccessToken")},
		"responses": errorResponses(rt.documented([]*dingtalk.Error{dingtalk.ErrMissingToken, dingtalk.ErrInvalidToken, dingtalk.ErrPermissionDenied,
			dingtalk.ErrQPSLimit, dingtalk.ErrUnavailable, dingtalk.ErrNotFound, dingtalk.ErrSystem, dingtalk.ErrInvalidParam}))}
	if rt.Version == esign2 {
		m["parameters"] = []any{paramRef("AccessToken"), paramRef("ServiceGroup")}
	}
	return m
}

// extraResponse renders a response the row adds by status; an "x-body"
// value is reflected into its JSON schema.
func extraResponse(r *reflector, v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	body, ok := m["x-body"]
	if !ok {
		return m
	}
	return map[string]any{"description": m["description"], "headers": requestIDHeader(),
		"content": map[string]any{"application/json": map[string]any{"schema": r.ref(reflect.TypeOf(body), role{answer: true})}}}
}

// errorResponses groups codes by status into OpenAPI responses, naming
// the codes in x-dingtalk-error-codes and referring to one example per code
// (components.examples).
func errorResponses(errs []*dingtalk.Error) map[string]any {
	byStatus := map[int][]*dingtalk.Error{}
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e.Code] {
			seen[e.Code] = true
			byStatus[e.Status] = append(byStatus[e.Status], e)
		}
	}
	out := map[string]any{}
	for status, list := range byStatus {
		sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
		desc := http.StatusText(status) + ":"
		var names []string
		examples := map[string]any{}
		for _, e := range list {
			desc += "\n- `" + e.Code + "` " + e.Message
			names = append(names, e.Code)
			examples[e.Code] = map[string]any{"$ref": "#/components/examples/" + exampleKey(e)}
		}
		out[strconv.Itoa(status)] = map[string]any{
			"description":            desc,
			"x-dingtalk-error-codes": names,
			"headers":                requestIDHeader(),
			"content":                map[string]any{"application/json": map[string]any{"schema": &schema{Ref: "#/components/schemas/Error"}, "examples": examples}},
		}
	}
	return out
}

// errorExamples is one example body per code the gateway sends (its own
// catalogue and the codes DingTalk's pages document), with when it
// happens.
func errorExamples() map[string]any {
	out := map[string]any{}
	for _, e := range append(dingtalk.DocumentedCodes(), dingtalk.Catalog()...) {
		if out[exampleKey(e)] != nil {
			continue
		}
		body := map[string]any{"code": e.Code, "message": e.Message, "requestid": "7d1a3c2e-5b8f-4c7d-9e21-0a6b4f3d2c10"}
		if e.Detail != nil {
			body["accessdenieddetail"] = e.Detail
		}
		out[exampleKey(e)] = map[string]any{"summary": e.When(), "value": body}
	}
	return out
}

// exampleKey names the example of e: its code, with a suffix where pages
// document one code with several messages (getFlowInfoError) or the
// gateway's catalogue reuses a documented code.
func exampleKey(e *dingtalk.Error) string {
	n := 0
	for _, d := range dingtalk.DocumentedCodes() {
		if d == e {
			break
		}
		if d.Code == e.Code {
			n++
		}
	}
	if n == 0 {
		return e.Code
	}
	return e.Code + "-" + strconv.Itoa(n+1)
}

func paramRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/parameters/" + name}
}

func requestIDHeader() map[string]any {
	return map[string]any{"x-acs-request-id": map[string]any{"$ref": "#/components/headers/RequestId"}}
}
