package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"

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
	// Ready reports whether the gateway can take traffic (GET /readyz).
	Ready func(ctx context.Context) error
}

// NewRouter returns the gateway's router with every route.
func NewRouter(d Deps) *gin.Engine {
	if d.BodyLimit <= 0 {
		d.BodyLimit = 1 << 20
	}
	h := handlers{svc: d.Service}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(
		middleware.RequestID("x-acs-request-id"),
		middleware.Logger(middleware.LoggerConfig{Log: d.Log, Identity: identity}),
		renderErrors(), // outside Recovery, inside Logger: the log sees the final status
		middleware.Recovery(),
		middleware.BodyLimit(d.BodyLimit, dingtalk.ErrBodyTooLarge),
	)
	r.NoRoute(notFound)
	r.NoMethod(notFound)

	r.GET("/livez", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", ready(d.Ready))

	oauth := r.Group("/v1.0/oauth2")
	oauth.POST("/corpAccessToken", handle(h.corpToken))
	oauth.POST("/accessToken", handle(h.appToken))
	oauth.POST("/suiteAccessToken", handle(h.suiteToken))

	// Every DingTalk e签宝 action, in contract order (dingtalk-contract.md §4).
	auth := middleware.Auth(d.Service)
	e1 := r.Group("/v1.0/esign", auth)
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
	e1.POST("/files/getUploadUrl", v1(h.uploadURL))       // GetUploadUrl
	e1.GET("/users/:userId", v1(h.userInfoV1))            // GetUserInfo
	e1.POST("/users/realname", v1(h.userRealname))        // GetUserRealnameUrl
	e1.GET("/flows/docs", v1(h.flowDocsV1))               // ListFlowDocs
	e1.GET("/seals/approval/list", v1(h.sealApprovalsV1)) // ListSealApproval
	e1.POST("/orders/resale", v1(h.orderResaleV1))        // OrderResale

	e2 := r.Group("/v2.0/esign", auth)
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

	// Pages opened by browsers: consent, start, done.
	r.GET("/pages/auth/:taskId", h.consentPage)
	r.POST("/pages/auth/:taskId", h.consent)
	r.GET("/pages/start/:taskId", h.startPage)
	r.POST("/pages/start/:taskId", h.start)
	r.GET("/pages/done", h.donePage)

	if d.AdminToken != "" {
		admin := r.Group("/admin", adminAuth(d.AdminToken))
		admin.POST("/v1/tasks", handle(h.bindFlow))
	}
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

func ready(check func(ctx context.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if check != nil {
			if err := check(c.Request.Context()); err != nil {
				_ = c.Error(dingtalk.ErrUnavailable.Msg("not ready: %s", strings.TrimSpace(err.Error())))
				return
			}
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
}
