package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
)

// Deps is what the router needs.
type Deps struct {
	Service *service.Service
	Log     *slog.Logger
	// AdminToken guards /admin/; empty disables the admin routes.
	AdminToken string
	// BodyLimit caps request bodies in bytes; 0 means 1 MiB.
	BodyLimit int64
	// Ready reports an error while the process is starting or shutting
	// down; /readyz then answers 503 with checks.shutdown true. nil means
	// always up. The store and the e签宝 breaker are checked by /readyz itself.
	Ready func(ctx context.Context) error
	// Metrics, if set, instruments requests and token checks and is served
	// at /metrics.
	Metrics *Metrics
	// Version is the build's version for /admin/status.
	Version string
	// Now is the clock of /admin/status (uptime); nil means time.Now.
	Now func() time.Time
	// CallbackPath is where e签宝 callbacks arrive; empty means
	// /esign/callback. It must match service.Config.CallbackPath.
	CallbackPath string
	// RateLimit limits the e签宝 actions per app, corp and API; the zero
	// value means DingTalk's default of 20 calls per second.
	RateLimit RateLimit
	// Demo, if set, is the demo app the API Explorer prefills (the demo
	// command); nil means not a demo.
	Demo *DemoInfo
}

// NewRouter returns the gateway's router with every route.
func NewRouter(d Deps) *gin.Engine {
	if d.BodyLimit <= 0 {
		d.BodyLimit = 1 << 20
	}
	if d.CallbackPath == "" {
		d.CallbackPath = "/esign/callback"
	}
	h := handlers{svc: d.Service}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	// A trailing slash gets 404 InvalidAction.NotFound JSON as on DingTalk,
	// not gin's 301/307 with an HTML body (found by FuzzBindRequests).
	r.RedirectTrailingSlash = false
	r.Use(
		middleware.RequestID("x-acs-request-id"),
		middleware.Logger(middleware.LoggerConfig{Log: d.Log, Identity: identity}),
		// Metrics too sit outside renderErrors, to see the final status.
		d.Metrics.requestMetrics(),
		renderErrors(), // outside Recovery, inside Logger: the log sees the final status
		middleware.Recovery(),
		middleware.BodyLimit(d.BodyLimit, dingtalk.ErrBodyTooLarge),
	)
	r.NoRoute(notFound)
	r.NoMethod(notFound)

	registerOps(r, d) // livez, readyz, healthz, metrics

	// e签宝 callbacks: signed by e签宝, not DingTalk-authenticated.
	r.POST(d.CallbackPath, h.esignCallback)
	r.GET(d.CallbackPath, esignCallbackProbe)

	oauth := r.Group("/v1.0/oauth2")
	oauth.POST("/corpAccessToken", handle(h.corpToken))
	oauth.POST("/accessToken", handle(h.appToken))
	oauth.POST("/suiteAccessToken", handle(h.suiteToken))

	// Every DingTalk e签宝 action, in contract order (dingtalk-contract.md §4).
	auth := middleware.Auth(d.Metrics.authenticator(d.Service))
	limit := d.RateLimit.handler(d.Service, d.Log, d.Metrics)
	e1 := r.Group("/v1.0/esign", auth, limit)
	e1.POST("/auths/url", v1(h.authURL))                  // AuthUrl
	e1.GET("/corps/auth/cancel", v1(h.cancelAuth))        // CancelCorpAuth
	e1.POST("/orders/channel", v1(h.channelOrderV1))      // ChannelOrder
	e1.GET("/contracts/margin", v1(h.margin))             // ContractMargin
	e1.GET("/corps/console", v1(h.corpConsoleV1))         // CorpConsole
	e1.GET("/corps/info", v1(h.corpInfoV1))               // CorpInfo
	e1.GET("/developers/create", v1(h.createDeveloperV1)) // CreateDeveloper
	e1.POST("/corps/realname", v1(h.corpRealname))        // GetCorpRealnameUrl
	e1.GET("/corps/statuses", v1(h.appStatus))            // GetCropStatus
	e1.GET("/files/:fileId", v1(h.fileInfo))              // GetFile
	e1.GET("/flows/detail", v1(h.flowDetailV1))           // GetFlowDetail
	e1.GET("/flows/sign/detail", v1(h.signDetailV1))      // GetFlowSignDetail
	e1.POST("/process/start", v1(h.startURL))             // GetProcessStartUrl
	e1.POST("/signs/notice/url", v1(h.signNoticeURL))     // GetSignNoticeUrl
	e1.POST("/files/getUploadUrl", v1(h.uploadURLV1))     // GetUploadUrl
	e1.GET("/users/:userId", v1(h.userInfoV1))            // GetUserInfo
	e1.POST("/users/realname", v1(h.userRealname))        // GetUserRealnameUrl
	e1.GET("/flows/docs", v1(h.flowDocsV1))               // ListFlowDocs
	e1.GET("/seals/approval/list", v1(h.sealApprovalsV1)) // ListSealApproval
	e1.POST("/orders/resale", v1(h.orderResaleV1))        // OrderResale

	e2 := r.Group("/v2.0/esign", auth, limit)
	e2.GET("/approvals/:taskId", handle(h.approvalList))                    // ApprovalList
	e2.POST("/auths/cancel", handle(h.cancelAuth))                          // CancelCorpAuth
	e2.POST("/orders/channel", handle(h.channelOrders))                     // ChannelOrders
	e2.POST("/corps/realnames", handle(h.corpRealname))                     // CorpRealname
	e2.POST("/developers", handle(h.createDevelopers))                      // CreateDevelopers
	e2.POST("/process/startAtOnce", handle(h.createProcess))                // CreateProcess
	e2.GET("/dingInstances/:instanceId/attachments", handle(h.attachments)) // GetAttachsApproval
	e2.POST("/auths/urls", handle(h.authURL))                               // GetAuthUrl
	e2.GET("/margins", handle(h.margin))                                    // GetContractMargin
	e2.GET("/corps/consoles", handle(h.corpConsole))                        // GetCorpConsole
	e2.GET("/corps/infos", handle(h.corpInfo))                              // GetCorpInfo
	e2.POST("/process/executeUrls", handle(h.executeURL))                   // GetExecuteUrl
	e2.GET("/files/:fileId", handle(h.fileInfo))                            // GetFileInfo
	e2.POST("/files/uploadUrls", handle(h.uploadURL))                       // GetFileUploadUrl
	e2.GET("/flowTasks/:taskId", handle(h.flowDetail))                      // GetFlowDetail
	e2.GET("/flowTasks/:taskId/docs", handle(h.flowDocs))                   // GetFlowDocs
	e2.GET("/corps/appStatus", handle(h.appStatus))                         // GetIsvStatus
	e2.GET("/signTasks/:taskId", handle(h.signDetail))                      // GetSignDetail
	e2.GET("/users/:userId", handle(h.userInfo))                            // GetUserInfo
	e2.POST("/processes/startUrls", handle(h.startURL))                     // ProcessStart
	e2.POST("/orders/resale", handle(h.resaleOrder))                        // ResaleOrder
	e2.POST("/users/realnames", handle(h.userRealname))                     // UsersRealname

	// An empty path id reaches these instead of a 404, so the client learns
	// which field is missing (参数错误:<field>), as for query parameters.
	e1.GET("/files/", missingID("fileId"))
	e1.GET("/users/", missingID("userId"))
	e2.GET("/files/", missingID("fileId"))
	e2.GET("/users/", missingID("userId"))
	e2.GET("/flowTasks/", missingID("taskId"))
	e2.GET("/signTasks/", missingID("taskId"))
	e2.GET("/approvals/", missingID("taskId"))

	// Pages opened by browsers: consent, start, done.
	r.GET("/pages/auth/:taskId", h.consentPage)
	r.POST("/pages/auth/:taskId", h.consent)
	r.GET("/pages/start/:taskId", h.startPage)
	r.POST("/pages/start/:taskId", h.start)
	r.GET("/pages/done", h.donePage)

	if d.AdminToken != "" {
		admin := r.Group("/admin", adminAuth(d.AdminToken))
		admin.POST("/v1/tasks", handle(h.bindFlow))
		registerAdmin(admin, d) // GET /admin/status (JSON) and /admin/ (HTML)
	}
	mountDocs(r, d) // /openapi.json and /explorer; last, so the document sees every route
	return r
}

type handlers struct {
	svc *service.Service
}

// identity names the caller for the access log.
func identity(ctx context.Context) (string, string) {
	if c := dingtalk.ClaimsFrom(ctx); c != nil {
		return c.AppKey, c.CorpID
	}
	return "", ""
}

var errAdminAuth = &dingtalk.Error{Status: http.StatusUnauthorized, Code: "Unauthorized", Message: "需要管理员令牌：Authorization: Bearer <admin.token>"}

// adminAuth checks the admin bearer token in constant time.
func adminAuth(token string) gin.HandlerFunc {
	want := []byte("Bearer " + token)
	return func(c *gin.Context) {
		got := []byte(c.GetHeader("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="esign-gateway admin"`)
			_ = c.Error(errAdminAuth)
			c.Abort()
			return
		}
		c.Next()
	}
}
