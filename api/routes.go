package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
)

// Tags of the routes that are not DingTalk e签宝 actions.
const (
	tagOAuth     = "OAuth2 令牌 / tokens"
	tagOps       = "运维 / operations"
	tagPages     = "页面 / pages"
	tagAdmin     = "管理 / admin"
	tagCallbacks = "回调 / callbacks"
	tagDocs      = "文档 / docs"
)

// platform is the table of the gateway's own routes: probes, metrics,
// e签宝 callbacks, the browser pages, admin and the docs. They are not
// DingTalk's, so they carry no action or version.
func (h *handlers) platform() []route {
	html := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"text/html": map[string]any{"schema": map[string]any{"type": "string"}}}}
	}
	pageErrors := map[string]any{"400": html("错误页（任务不存在等）/ error page (no such task and the like)"), "503": html("存储不可用 / store unavailable")}
	redirect := map[string]any{"303": map[string]any{"description": "返回 redirectUrl / back to the redirectUrl",
		"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}}}
	for k, v := range pageErrors {
		redirect[k] = v
	}
	notReadyDoc := map[string]any{"503": map[string]any{"description": "未就绪 / not ready", "x-body": notReady{}}}
	readyDesc := "存储在300毫秒内应答、e签宝熔断器未打开、进程未在启停中。/ The store answers within 300 ms, the e签宝 breaker is not open, and the process is neither starting nor shutting down."
	static := func(path, id, file, media, zh, en string) route {
		return route{Method: http.MethodGet, Path: path, ID: id, Group: tagDocs, Title: "API Explorer " + zh, Summary: "API Explorer " + en,
			Backing: "嵌入二进制的静态文件 / a static file embedded in the binary", serve: explorerFile(file, media), doc: rawDoc{media: media}}
	}
	const pages = "/pages"
	a := newAdminPage(h.s, h.cfg)
	return []route{
		{Method: http.MethodGet, Path: "/livez", ID: "Livez", Group: tagOps, Title: "存活探针", Summary: "Liveness probe",
			Backing: "进程能应答即存活，不检查依赖。/ Alive while the process answers HTTP; checks no dependency.",
			serve:   live, doc: rawDoc{res: liveBody{}}},
		{Method: http.MethodGet, Path: "/readyz", ID: "Readyz", Group: tagOps, Title: "就绪探针", Summary: "Readiness probe", Backing: readyDesc,
			serve: h.readiness, doc: rawDoc{res: readyBody{}, extra: notReadyDoc}, Errors: []*dingtalk.Error{dingtalk.ErrUnavailable}},
		// Deprecated by Kubernetes in favour of livez/readyz, kept for older probes.
		{Method: http.MethodGet, Path: "/healthz", ID: "Healthz", Group: tagOps, Title: "就绪探针（旧名）", Summary: "Readiness probe (older name, same as /readyz)",
			Backing: readyDesc, serve: h.readiness, doc: rawDoc{res: readyBody{}, extra: notReadyDoc}, Errors: []*dingtalk.Error{dingtalk.ErrUnavailable}},
		{Method: http.MethodGet, Path: "/metrics", ID: "Metrics", Group: tagOps, Title: "Prometheus 指标", Summary: "Prometheus metrics",
			Backing: "Prometheus 文本格式 / Prometheus text exposition format.", need: "metrics",
			serve: gin.WrapH(h.cfg.Metrics.Handler()), doc: rawDoc{media: "text/plain"}},

		{Method: http.MethodPost, Path: h.s.Callbacks.Path(), ID: "EsignCallback", Group: tagCallbacks, Access: callback,
			Title: "接收 e签宝 回调", Summary: "Receive an e签宝 callback",
			Backing: "e签宝 推送的流程与实名事件；验签后写入任务日志与状态并排队推送给 ISV 的 noticeUrl，全部持久化后才返回 200；重复回调不产生变化。\n" +
				"e签宝's flow and identity events: verified, written to the task's log and status and queued for the ISV's noticeUrl, all durably " +
				"before the 200; a repeated callback changes nothing. Unknown actions and flows are acknowledged and ignored.",
			serve: h.esignCallback, doc: rawDoc{res: callbackOK},
			Errors: []*dingtalk.Error{dingtalk.ErrCallbackSignature, dingtalk.ErrInvalidParam, dingtalk.ErrBodyTooLarge, dingtalk.ErrUnavailable}},
		{Method: http.MethodGet, Path: h.s.Callbacks.Path(), ID: "EsignCallbackProbe", Group: tagCallbacks, Title: "回调地址探测", Summary: "Callback URL probe",
			Backing: "e签宝 页面可能对通知地址发 GET；无操作。/ e签宝's pages may GET the notify URL; nothing happens.",
			serve:   esignCallbackProbe, doc: rawDoc{res: callbackOK}},

		{Method: http.MethodGet, Path: pages + "/auth/:taskId", ID: "ConsentPage", Group: tagPages, Title: "授权同意页", Summary: "Consent page (AuthUrl)",
			Backing: "浏览器打开，无需令牌；任务ID即凭证。/ Opened by browsers without a token; the unguessable task id is the capability.",
			serve:   h.consentPage, doc: rawDoc{media: "text/html", extra: pageErrors}},
		{Method: http.MethodPost, Path: pages + "/auth/:taskId", ID: "Consent", Group: tagPages, Title: "同意授权", Summary: "Consent",
			Backing: "企业同意授权：创建 e签宝 机构账号并标记已授权。/ The corp consents: its e签宝 organization is created and it is marked authorized.",
			serve:   h.consent, doc: rawDoc{media: "text/html", extra: redirect}},
		{Method: http.MethodGet, Path: pages + "/start/:taskId", ID: "StartPage", Group: tagPages, Title: "发起页", Summary: "Start page (GetProcessStartUrl, ProcessStart)",
			Backing: "显示待发起流程的文件与签署人。/ Shows the prepared flow's files and signers.",
			serve:   h.startPage, doc: rawDoc{media: "text/html", extra: pageErrors}},
		{Method: http.MethodPost, Path: pages + "/start/:taskId", ID: "StartFlow", Group: tagPages, Title: "发起签署", Summary: "Start the flow",
			Backing: "e签宝 `PUT /v1/signflows/{flowId}/start`。", serve: h.start, doc: rawDoc{media: "text/html", extra: redirect}},
		{Method: http.MethodGet, Path: pages + "/done", ID: "DonePage", Group: tagPages, Title: "完成页", Summary: "Done page",
			Backing: "实名等流程的默认返回页。/ Where identity flows return by default.", serve: h.donePage, doc: rawDoc{media: "text/html"}},

		{Method: http.MethodPost, Path: "/admin/v1/tasks", ID: "BindFlow", Group: tagAdmin, Access: admin, need: "admin",
			Title: "绑定已有 e签宝 流程", Summary: "Bind an existing e签宝 flow to a task",
			Backing: "迁移用：把网关之前发起的 e签宝 流程绑定为企业的任务（可关联审批实例）；背后 e签宝 `GET /v1/signflows/{flowId}`。\n" +
				"For migration: binds a flow started before the gateway to a new task of a corp, optionally linked to an approval instance; backed by e签宝 `GET /v1/signflows/{flowId}`.",
			ep: op(h.bindFlow), Errors: append([]*dingtalk.Error{dingtalk.ErrAdminAuth, dingtalk.ErrTaskNotFound, dingtalk.ErrInvalidParam, dingtalk.ErrBodyTooLarge}, upstreamErrs...)},
		{Method: http.MethodGet, Path: "/admin/v1/events/dead", ID: "DeadEvents", Group: tagAdmin, Access: admin, need: "admin",
			Title: "死信事件", Summary: "Dead events",
			Backing: "因企业无 noticeUrl 或多次投递失败而搁置的事件。/ Events set aside because the corp has no noticeUrl or delivery kept failing.",
			ep:      op(h.deadEvents), Errors: []*dingtalk.Error{dingtalk.ErrAdminAuth, dingtalk.ErrInvalidParam}},
		{Method: http.MethodPost, Path: "/admin/v1/events/replay", ID: "ReplayEvents", Group: tagAdmin, Access: admin, need: "admin",
			Title: "重放事件", Summary: "Replay events",
			Backing: "让事件立即重新投递并重置退避：按事件（其任务）、按企业，或全部死信。/ Makes events due now with their backoff reset: by event (its task), by corp, or every dead event.",
			ep:      op(h.replayEvents), Errors: []*dingtalk.Error{dingtalk.ErrAdminAuth, dingtalk.ErrInvalidParam, dingtalk.ErrBodyTooLarge}},
		{Method: http.MethodGet, Path: "/admin/status", ID: "AdminStatus", Group: tagAdmin, Access: admin, need: "admin", Title: "网关状态", Summary: "Gateway status",
			Backing: "版本、运行时间、存储往返、e签宝 调用统计与熔断器、投递队列、签名密钥ID、计数。/ Version, uptime, store round trip, e签宝 call stats and breaker, outbox, signing key ids, counts.",
			serve:   a.json, doc: rawDoc{res: adminStatus{}}, Errors: []*dingtalk.Error{dingtalk.ErrAdminAuth}},
		{Method: http.MethodGet, Path: "/admin/", ID: "AdminPage", Group: tagAdmin, Access: admin, need: "admin", Title: "网关状态页", Summary: "Gateway status page",
			Backing: "同 /admin/status 的 HTML 视图 / /admin/status as HTML.", serve: a.html, doc: rawDoc{media: "text/html"},
			Errors: []*dingtalk.Error{dingtalk.ErrAdminAuth}},

		{Method: http.MethodGet, Path: "/openapi.json", ID: "OpenAPI", Group: tagDocs, Title: "本文档", Summary: "This document",
			Backing: "启动时生成一次 / built once at startup.", serve: h.openapi, doc: rawDoc{media: "application/json"}},
		{Method: http.MethodGet, Path: "/explorer", ID: "Explorer", Group: tagDocs, Title: "API Explorer", Summary: "API Explorer",
			Backing: "仿钉钉 API Explorer 的调试页，嵌入二进制，仅加载同源资源。/ A page modelled on DingTalk's API Explorer, embedded in the binary, loading nothing but its own origin.",
			serve:   explorerFile("index.html", "text/html; charset=utf-8"), doc: rawDoc{media: "text/html"}},
		static("/explorer/explorer.js", "ExplorerScript", "explorer.js", "text/javascript; charset=utf-8", "脚本", "script"),
		static("/explorer/explorer.css", "ExplorerStyle", "explorer.css", "text/css; charset=utf-8", "样式", "style"),
		static("/explorer/favicon.svg", "ExplorerIcon", "favicon.svg", "image/svg+xml", "图标", "icon"),
		{Method: http.MethodGet, Path: "/explorer/config.json", ID: "ExplorerConfig", Group: tagDocs, Title: "API Explorer 配置", Summary: "API Explorer settings",
			Backing: "演示模式下带演示凭证，用于预填令牌表单。/ In demo mode, the demo credentials that prefill the token form.",
			serve:   explorerSettings(h.cfg.Demo), doc: rawDoc{res: explorerConfig{}}},
	}
}
