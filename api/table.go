package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
)

// DingTalk versions of the routes.
const (
	esign1 = "esign_1.0"
	esign2 = "esign_2.0"
	oauth2 = "oauth2_1.0"
)

// The permission DingTalk's pages name for the e签宝 actions.
const scopeEsign = "Esign.Common.ReadWrite"

// access is who may call a route.
type access int

const (
	public   access = iota // anyone (tokens endpoints, probes, pages, docs)
	token                  // a DingTalk access token of one of the route's app types
	admin                  // Authorization: Bearer <admin.token>
	callback               // e签宝's signature headers
)

// route is one row of the gateway's routing table. The router registers
// every row, and the OpenAPI document, the explorer, the rate limits, the
// metrics and the tests all read the same rows: a route is added, changed
// or documented here and nowhere else.
type route struct {
	// Action and Version are DingTalk's names for it ("" for the gateway's
	// own routes).
	Action, Version string
	Method, Path    string // the path in gin's syntax (":taskId")
	// Group is DingTalk's documentation tree group (鉴权, 套餐, 用户, 文件,
	// 签署流程) or the gateway's tag.
	Group string
	// Title is the SDK's Chinese title, verbatim (slips included); Summary
	// its English.
	Title, Summary string
	// Backing says what backs it: e签宝 endpoints or state the gateway owns.
	Backing string
	// Calls are the e签宝 endpoints it may call ("METHOD /path" as e签宝's
	// pages write them); none for state the gateway owns.
	Calls  []string
	Access access
	// Apps are the app types whose tokens may call it (Access token), and
	// Scope the permission DingTalk's page names for it.
	Apps  []string
	Scope string
	// Errors are the errors it answers besides the ones every route of its
	// access answers (see sharedErrors).
	Errors []*dingtalk.Error
	// Codes maps what can go wrong on the action to the code its page
	// documents for it (api/codes.go).
	Codes map[*dingtalk.Error]*dingtalk.Error
	// FieldErrors are the errors a missing or invalid request field answers
	// where the action documents one of its own (the token endpoints'
	// invalidSuiteTicket); any other field answers 参数错误:<field>.
	FieldErrors map[string]*dingtalk.Error
	// ep answers JSON routes; the request and answer types come from its
	// handler. Other routes (pages, probes, files) set serve and doc.
	ep    endpoint
	serve gin.HandlerFunc
	doc   rawDoc
	// Example is a request body the explorer prefills.
	Example any
	// ID is the operationId; "" means Action, with the version's suffix
	// for the actions both versions name alike.
	ID string
	// need names an optional part the route belongs to ("admin",
	// "metrics"); such routes exist only when that part is configured.
	need string
}

// rawDoc documents a route that does not answer through an endpoint.
type rawDoc struct {
	media string // success content type; "" is application/json
	res   any    // success body (a value of its type), or nil
	extra map[string]any
}

// twins are the action names both versions use; their operationIds get a
// version suffix.
var twins = map[string]bool{"CancelCorpAuth": true, "GetFlowDetail": true, "GetUserInfo": true}

// opID is the route's operationId.
func (rt *route) opID() string {
	switch {
	case rt.ID != "":
		return rt.ID
	case twins[rt.Action] && rt.Version == esign1:
		return rt.Action + "_v1"
	case twins[rt.Action]:
		return rt.Action + "_v2"
	}
	return rt.Action
}

// handlersOf is the route's handler chain.
func (rt *route) handler() gin.HandlerFunc {
	if rt.serve != nil {
		return rt.serve
	}
	return answer(rt)
}

// emptyID returns, for a route whose path ends in a parameter, the path
// without it (the SDK sends .../files/ for an empty fileId) and the
// parameter's name.
func (rt *route) emptyID() (path, name string, ok bool) {
	i := strings.LastIndex(rt.Path, "/:")
	if i < 0 || strings.Contains(rt.Path[i+2:], "/") || rt.Action == "" {
		return "", "", false
	}
	return rt.Path[:i+1], rt.Path[i+2:], true
}

// permit refuses a token whose app type the route does not take, or that
// acts for no corp, with DingTalk's 403.
func permit(rt *route) gin.HandlerFunc {
	return func(c *gin.Context) {
		cl := dingtalk.ClaimsFrom(c.Request.Context())
		if cl == nil || cl.CorpID == "" || !slices.Contains(rt.Apps, cl.AppType) {
			_ = c.Error(dingtalk.ErrPermissionDenied)
			c.Abort()
			return
		}
		c.Next()
	}
}

// register adds the rows to r, each behind the checks its access needs.
func register(r *gin.Engine, rows []route, inFlight *middleware.InFlight, auth, limit, adminAuth gin.HandlerFunc, tokenLimit []gin.HandlerFunc, enabled func(need string) bool) {
	for i := range rows {
		rt := &rows[i]
		if rt.need != "" && !enabled(rt.need) {
			continue
		}
		var chain []gin.HandlerFunc
		if rt.Version != "" {
			chain = append(chain, documentErrors(rt))
		}
		// The routes without a token refuse a body by its declared size,
		// before reading it, and read it whole before they count as in
		// flight: a client dribbling a small body holds its connection
		// until the read deadline, but no slot of the in-flight cap; their
		// bodies, already read and small, take nothing of its byte budget.
		switch {
		case rt.Version == oauth2:
			chain = append(chain, middleware.DeclaredBody(TokenBodyLimit, dingtalk.ErrBodyTooLarge), inFlight.CountedRead())
			chain = append(chain, tokenLimit...)
		case rt.Access == callback && rt.Method == http.MethodPost:
			chain = append(chain, middleware.DeclaredBody(CallbackBodyLimit, dingtalk.ErrBodyTooLarge), inFlight.CountedRead())
		default:
			chain = append(chain, inFlight.Counted())
		}
		switch rt.Access {
		case token:
			chain = append(chain, auth, inFlight.Tenant(requestCaller), permit(rt), limit)
		case admin:
			chain = append(chain, adminAuth)
		}
		r.Handle(rt.Method, rt.Path, append(chain, rt.handler())...)
		if path, name, ok := rt.emptyID(); ok {
			r.Handle(rt.Method, path, append(chain, missingID(name))...)
		}
	}
}

// rowsFor are the rows registered on a router configured as cfg.
func rowsFor(rows []route, enabled func(need string) bool) []route {
	var out []route
	for _, rt := range rows {
		if rt.need == "" || enabled(rt.need) {
			out = append(out, rt)
		}
	}
	return out
}

// Route returns the method and path (gin syntax) of a DingTalk action, for
// callers that must name an action's address (the demo, the test harness)
// without restating it. It returns empty strings for an unknown action.
func Route(action, version string) (method, path string) {
	for _, rt := range (&handlers{}).actions() {
		if rt.Action == action && rt.Version == version {
			return rt.Method, rt.Path
		}
	}
	return "", ""
}

// Action names one row of the action table.
type Action struct {
	Action, Version, Method, Path string
	Apps                          []string
	Scope                         string
	// Calls are the e签宝 endpoints the action may call.
	Calls []string
}

// Actions lists the action table's rows: the 42 e签宝 actions and the 3
// token endpoints.
func Actions() []Action {
	var out []Action
	for _, rt := range (&handlers{}).actions() {
		out = append(out, Action{Action: rt.Action, Version: rt.Version, Method: rt.Method, Path: rt.Path, Apps: rt.Apps, Scope: rt.Scope, Calls: rt.Calls})
	}
	return out
}

// requestCaller names the app and corp a request acts for (Auth ran).
func requestCaller(r *http.Request) string { return callerKey(r.Context()) }
