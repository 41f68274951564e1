package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// The OpenAPI 3.1 document of every route the gateway serves, built once
// from the tables in openapi_actions*.go and openapi_routes.go when the
// router is made, and served at GET /openapi.json. Only routes the router
// really registered are documented (the admin routes need an admin token,
// /metrics needs Metrics), so the document always matches the running
// gateway; TestOpenAPIRoutes checks the tables against the router.

// authKind is how a route authenticates its caller.
type authKind int

const (
	authNone     authKind = iota
	authToken             // x-acs-dingtalk-access-token (DingTalk corp token)
	authAdmin             // Authorization: Bearer <admin.token>
	authCallback          // e签宝's signature headers
)

// param is a query parameter.
type param struct {
	name, desc string
	required   bool
	s          *schema
}

// op is one documented route.
type op struct {
	method, path    string // path as registered with gin (":taskId")
	id, tag         string
	zh, en          string // summary: the contract's title and its translation
	desc            string // backing and decisions, Chinese and English
	action, version string // DingTalk action and version (esign_1.0, esign_2.0, oauth2_1.0)
	auth            authKind
	query           []param
	body            *schema
	example         any     // request body example (the explorer prefills it)
	resp            *schema // success body; for esign_1.0 the envelope's data
	media           string  // success content type; "" is application/json
	respHeaders     map[string]any
	errs            []string
	extra           map[string]any // more responses by status (HTML errors, redirects)
	errorOnly       bool           // never succeeds (an empty path id)
}

// pathParamDesc describes the path parameters of every route.
var pathParamDesc = map[string]string{
	"taskId":     "任务ID（CreateProcess、ProcessStart 等返回）/ task id returned by CreateProcess, ProcessStart and the like",
	"fileId":     "文件ID（GetFileUploadUrl 返回）/ file id returned by GetFileUploadUrl",
	"userId":     "钉钉用户ID / the DingTalk userId",
	"instanceId": "钉钉审批实例ID / DingTalk approval instance id",
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

// buildOpenAPI renders the document for the ops whose "METHOD path" is in
// registered.
func buildOpenAPI(ops []op, registered map[string]bool) ([]byte, error) {
	cat := errorCatalog()
	paths := map[string]map[string]any{}
	for _, o := range ops {
		if !registered[o.method+" "+o.path] {
			continue
		}
		p, names := openAPIPath(o.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(o.method)] = o.operation(cat, names)
	}
	doc := map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info":              info(),
		"servers":           []any{map[string]any{"url": "/", "description": "本网关 / this gateway"}},
		"tags":              tags(),
		"x-tagGroups":       tagGroups(),
		"paths":             paths,
		"components":        components(),
	}
	return json.Marshal(doc)
}

func (o op) operation(cat map[string]docError, pathNames []string) map[string]any {
	m := map[string]any{"operationId": o.id, "summary": o.zh + " / " + o.en, "description": o.desc, "tags": []string{o.tag}, "security": []any{}}
	if o.action != "" {
		m["x-dingtalk-action"], m["x-dingtalk-version"] = o.action, o.version
		m["x-dingtalk-sdk"] = o.sdk(pathNames)
	}
	var params []any
	for _, n := range pathNames {
		params = append(params, map[string]any{"name": n, "in": "path", "required": true, "description": pathParamDesc[n], "schema": str("")})
	}
	for _, q := range o.query {
		params = append(params, map[string]any{"name": q.name, "in": "query", "required": q.required, "description": q.desc, "schema": q.s})
	}
	switch o.auth {
	case authToken:
		params = append(params, paramRef("AccessToken"))
		if o.version == "esign_2.0" {
			params = append(params, paramRef("ServiceGroup"))
		}
	case authAdmin:
		m["security"] = []any{map[string]any{"adminBearer": []string{}}}
	case authCallback:
		params = append(params, paramRef("TsignAppId"), paramRef("TsignTimestamp"), paramRef("TsignSignature"))
	}
	if len(params) > 0 {
		m["parameters"] = params
	}
	if o.body != nil {
		media := map[string]any{"schema": o.body}
		if o.example != nil {
			media["example"] = o.example
		}
		m["requestBody"] = map[string]any{"required": len(o.body.Required) > 0, "content": map[string]any{"application/json": media}}
	}
	responses := errorResponses(cat, o.errs)
	for k, v := range o.extra {
		responses[k] = v
	}
	if !o.errorOnly {
		responses["200"] = o.success()
	}
	m["responses"] = responses
	return m
}

// success is the 200 response; esign_1.0 wraps the answer in its envelope.
func (o op) success() map[string]any {
	headers := requestIDHeader()
	for k, v := range o.respHeaders {
		headers[k] = v
	}
	res := map[string]any{"description": "成功 / OK", "headers": headers}
	if o.resp == nil {
		return res
	}
	body := o.resp
	if o.version == "esign_1.0" {
		body = out("esign_1.0 信封 / esign_1.0 envelope",
			may("code", withEnum(integer("返回码，成功为0 / 0 on success"), 0)),
			may("message", str("返回码描述，成功为 ok / \"ok\" on success")),
			may("data", o.resp))
	}
	media := o.media
	if media == "" {
		media = "application/json"
	}
	res["content"] = map[string]any{media: map[string]any{"schema": body}}
	return res
}

// sdk names the @alicloud/dingtalk call for the same request, for the
// explorer's Node snippet: module, the *WithOptions method and its
// arguments in order (dingtalk-contract.md §4 "SDK method").
func (o op) sdk(pathNames []string) map[string]any {
	module := strings.ReplaceAll(o.version, ".", "_") // esign_1.0 -> esign_1_0
	args := append([]string{}, pathNames...)
	// Actions with a request model take it even when it is empty
	// (esign_2.0 CancelCorpAuth).
	if o.body != nil || len(o.query) > 0 || (o.action == "CancelCorpAuth" && o.version == "esign_2.0") {
		args = append(args, "request")
	}
	args = append(args, "headers", "runtime")
	return map[string]any{"module": module, "method": strings.ToLower(o.action[:1]) + o.action[1:] + "WithOptions",
		"request": o.action + "Request", "headers": o.action + "Headers", "args": args}
}

func paramRef(name string) map[string]any {
	return map[string]any{"$ref": "#/components/parameters/" + name}
}

func requestIDHeader() map[string]any {
	return map[string]any{"x-acs-request-id": map[string]any{"$ref": "#/components/headers/RequestId"}}
}

// mountDocs adds /openapi.json and the API Explorer, then builds the
// document from the routes registered so far: it must run after every
// other route is added.
func mountDocs(r *gin.Engine, d Deps) {
	mountExplorer(r, d.Demo)
	var doc []byte
	r.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", doc) })
	registered := map[string]bool{}
	for _, rt := range r.Routes() {
		registered[rt.Method+" "+rt.Path] = true
	}
	ops := documentedRoutes(d.CallbackPath)
	ops = append(ops, emptyIDRoutes(ops, registered)...)
	var err error
	if doc, err = buildOpenAPI(ops, registered); err != nil {
		panic("openapi: " + err.Error()) // static data: it fails in every test run, never only in production
	}
}

// documentedRoutes is every route the gateway can serve.
func documentedRoutes(callbackPath string) []op {
	ops := append(esignV1(), esignV2()...)
	return append(ops, platformRoutes(callbackPath)...)
}

// emptyIDRoutes documents the routes that catch an action's empty path id
// (the SDK sends .../files/ for an empty fileId) to answer 参数错误:<field>
// instead of a 404. They are found, not listed: for every action whose path
// ends in a parameter, its path without it, if the router has that route.
func emptyIDRoutes(ops []op, registered map[string]bool) []op {
	var out []op
	for _, o := range ops {
		i := strings.LastIndex(o.path, "/:")
		if i < 0 || o.action == "" || strings.Contains(o.path[i+2:], "/") {
			continue
		}
		name, path := o.path[i+2:], o.path[:i+1]
		if !registered[o.method+" "+path] {
			continue
		}
		out = append(out, op{method: o.method, path: path, id: o.id + "_emptyId", tag: o.tag, version: o.version, auth: o.auth,
			zh: o.zh + "（" + name + " 为空）", en: o.en + " (empty " + name + ")", errorOnly: true,
			desc: o.action + " 的 " + name + " 为空时 SDK 请求此路径，网关答 400 参数错误:" + name + "。/ The SDK calls this path when " + o.action +
				"'s " + name + " is empty; the gateway answers 400 参数错误:" + name + " rather than 404.",
			errs: join(tokenErrors, []string{"invalidRequest.invalidAguemnts", "unknownError"})})
	}
	return out
}
