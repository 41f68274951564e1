package api

// The routes that are not DingTalk e签宝 actions: tokens, probes, metrics,
// e签宝 callbacks, the browser pages, admin and the docs themselves.

func platformModels() map[string]*schema {
	checks := out("", may("store", str("\"ok\" 或 \"error: …\" / \"ok\" or \"error: …\"")),
		may("upstream", withEnum(str("e签宝熔断器状态 / e签宝 circuit breaker state"), "closed", "half-open", "open", "unknown")),
		may("shutdown", boolean("正在启动或关闭 / starting or shutting down")))
	when := func(desc string) *schema { s := str(desc); s.Format = "date-time"; return s }
	return map[string]*schema{
		"Live":        out("", may("status", withEnum(str(""), "ok"))),
		"ReadyChecks": checks,
		"Ready":       out("", may("status", withEnum(str(""), "ready")), may("checks", ref("ReadyChecks"))),
		"NotReady": obj("钉钉错误体加检查结果 / DingTalk's error body plus the checks", must("code", withEnum(str(""), "ServiceUnavailable")),
			must("message", str("失败的检查 / the failing checks")), must("requestid", str("")), must("checks", ref("ReadyChecks"))),
		"CorpTokenRequest": obj("", must("authCorpId", str("授权企业的 corpId / the authorizing corp's id")), must("suiteKey", str("应用的 suiteKey")),
			must("suiteSecret", str("应用的 suiteSecret")), must("suiteTicket", str("钉钉推送的 suiteTicket（网关只要求非空）/ the suite ticket (the gateway only needs it non-empty)"))),
		"AppTokenRequest":   obj("", must("appKey", str("应用的 appKey")), must("appSecret", str("应用的 appSecret"))),
		"SuiteTokenRequest": obj("", must("suiteKey", str("应用的 suiteKey")), must("suiteSecret", str("应用的 suiteSecret")), must("suiteTicket", str("suiteTicket"))),
		"BindFlowRequest": obj("", must("corpId", str("企业ID / corp id")), must("flowId", str("已有的 e签宝 流程ID / an existing e签宝 flow id")),
			may("instanceId", str("关联的钉钉审批实例ID / DingTalk approval instance to link"))),
		"CallbackAck": out("e签宝 只读取状态码 / e签宝 reads only the status", may("code", withEnum(str(""), "200")), may("msg", withEnum(str(""), "success"))),
		"AdminStatus": obj("网关状态 / gateway status",
			must("version", str("版本 / version")),
			must("build", obj("", must("goVersion", str("")), may("vcsRevision", str("")), may("vcsTime", str("")), may("vcsModified", boolean("")))),
			must("startedAt", when("启动时间 / start time")), must("uptimeSeconds", integer("运行秒数 / uptime in seconds")),
			must("store", obj("", must("kind", str("embedded / redis")), must("roundTripMs", number("往返耗时 / round trip in ms")), may("error", str("")))),
			must("upstream", obj("最近五分钟的 e签宝 调用 / e签宝 calls of the last five minutes",
				may("lastSuccess", when("")), must("calls", integer("")), must("errorRate", number("")), must("p50Ms", number("")), must("p99Ms", number("")),
				must("breaker", str("熔断器状态 / breaker state")), may("tokenExpiry", when("令牌模式下的 e签宝 令牌到期 / e签宝 token expiry in token mode")))),
			must("outbox", obj("", must("depth", integer("待投递事件数 / events waiting")), must("oldestAgeMs", integer("")), may("error", str("")))),
			must("signingKeyIds", arr(str(""), "令牌签名密钥ID（不含密钥）/ token signing key ids, never the keys")),
			must("counts", obj("", must("corps", integer("")), must("tasks", integer("")), must("files", integer("")), may("error", str(""))))),
		"ExplorerConfig": obj("", must("demo", boolean("是否演示模式 / demo mode")), may("suiteKey", str("")), may("suiteSecret", str("")), may("corpId", str(""))),
	}
}

const backToken = "**背后 / backing:** 网关自有——网关用自己的密钥签发 JWT（HS256，7200秒，记录企业授权纪元）；应用来自 dingtalk.apps 配置。\n" +
	"Gateway-owned: the gateway signs a JWT (HS256, 7200 s, carrying the corp's authorization epoch) with its own keys; apps come from the dingtalk.apps setting."

func platformRoutes(callbackPath string) []op {
	html := func(desc string) *schema { return str(desc) }
	htmlErrors := map[string]any{
		"400": map[string]any{"description": "错误页（任务不存在等）/ error page (no such task and the like)", "content": map[string]any{"text/html": map[string]any{"schema": str("")}}},
		"503": map[string]any{"description": "存储不可用 / store unavailable", "content": map[string]any{"text/html": map[string]any{"schema": str("")}}},
	}
	redirect := map[string]any{"303": map[string]any{"description": "返回 redirectUrl / back to the redirectUrl",
		"headers": map[string]any{"Location": map[string]any{"schema": str("")}}}}
	for k, v := range htmlErrors {
		redirect[k] = v
	}
	tokenErrs := func(codes ...string) []string { return join(codes, bodyErrors, baseErrors, storeErrors) }
	ready := map[string]any{"503": map[string]any{"description": "未就绪 / not ready", "headers": requestIDHeader(),
		"content": map[string]any{"application/json": map[string]any{"schema": ref("NotReady")}}}}
	readyDesc := "存储在300毫秒内应答、e签宝熔断器未打开、进程未在启停中。/ The store answers within 300 ms, the e签宝 breaker is not open, and the process is neither starting nor shutting down."
	file := func(path, id, media, zh, en string) op {
		return op{method: "GET", path: path, id: id, tag: tagDocs, zh: "API Explorer " + zh, en: "API Explorer " + en, media: media, resp: str(""),
			desc: "嵌入二进制的静态文件 / a static file embedded in the binary", errs: baseErrors}
	}
	return []op{
		{method: "POST", path: "/v1.0/oauth2/corpAccessToken", id: "GetCorpAccessToken", action: "GetCorpAccessToken", version: "oauth2_1.0", tag: tagOAuth,
			zh: "获取企业accessToken(应用商店应用)", en: "Get a corp access token (third-party enterprise app)", desc: backToken,
			body: ref("CorpTokenRequest"), resp: ref("AccessToken"), errs: tokenErrs("invalidSuiteKey", "invalidSuiteTicket", "invalidAuthInfo")},
		{method: "POST", path: "/v1.0/oauth2/accessToken", id: "GetAccessToken", action: "GetAccessToken", version: "oauth2_1.0", tag: tagOAuth,
			zh: "获取企业accessToken(企业内部应用)", en: "Get an access token (internal app)",
			desc: backToken + "\n\n此令牌不能调用 e签宝 接口（403）。/ Such tokens may not call e签宝 actions (403).",
			body: ref("AppTokenRequest"), resp: ref("AccessToken"), errs: tokenErrs("invalidClientIdOrSecret")},
		{method: "POST", path: "/v1.0/oauth2/suiteAccessToken", id: "GetSuiteAccessToken", action: "GetSuiteAccessToken", version: "oauth2_1.0", tag: tagOAuth,
			zh: "获取isvAccessToken（三方企业应用）", en: "Get a suite access token (third-party enterprise app)", desc: backToken,
			body: ref("SuiteTokenRequest"), resp: ref("AccessToken"), errs: tokenErrs("invalidClientIdOrSecret", "invalidSuiteTicket")},

		{method: "GET", path: "/livez", id: "Livez", tag: tagOps, zh: "存活探针", en: "Liveness probe",
			desc: "进程能应答即存活，不检查依赖。/ Alive while the process answers HTTP; checks no dependency.", resp: ref("Live"), errs: baseErrors},
		{method: "GET", path: "/readyz", id: "Readyz", tag: tagOps, zh: "就绪探针", en: "Readiness probe", desc: readyDesc, resp: ref("Ready"), extra: ready, errs: baseErrors},
		{method: "GET", path: "/healthz", id: "Healthz", tag: tagOps, zh: "就绪探针（旧名）", en: "Readiness probe (older name, same as /readyz)", desc: readyDesc,
			resp: ref("Ready"), extra: ready, errs: baseErrors},
		{method: "GET", path: "/metrics", id: "Metrics", tag: tagOps, zh: "Prometheus 指标", en: "Prometheus metrics", media: "text/plain",
			desc: "Prometheus 文本格式 / Prometheus text exposition format.", resp: str(""), errs: baseErrors},

		{method: "POST", path: callbackPath, id: "EsignCallback", tag: tagCallbacks, auth: authCallback, zh: "接收 e签宝 回调", en: "Receive an e签宝 callback",
			desc: "e签宝 推送的流程与实名事件；验签后写入任务日志与状态并排队推送给 ISV 的 noticeUrl，全部持久化后才返回 200；重复回调不产生变化。\n" +
				"e签宝's flow and identity events: verified, written to the task's log and status and queued for the ISV's noticeUrl, all durably " +
				"before the 200; a repeated callback changes nothing. Unknown actions and flows are acknowledged and ignored.",
			body: obj("e签宝 回调体（action、flowId 等）/ e签宝's callback body (action, flowId, …)"), resp: ref("CallbackAck"),
			errs: join([]string{"InvalidSignature"}, bodyErrors, storeErrors, baseErrors)},
		{method: "GET", path: callbackPath, id: "EsignCallbackProbe", tag: tagCallbacks, zh: "回调地址探测", en: "Callback URL probe",
			desc: "e签宝 页面可能对通知地址发 GET；无操作。/ e签宝's pages may GET the notify URL; nothing happens.", resp: ref("CallbackAck"), errs: baseErrors},

		{method: "GET", path: "/pages/auth/:taskId", id: "ConsentPage", tag: tagPages, zh: "授权同意页", en: "Consent page (AuthUrl)", media: "text/html",
			desc: "浏览器打开，无需令牌；任务ID即凭证。/ Opened by browsers without a token; the unguessable task id is the capability.",
			resp: html("HTML"), extra: htmlErrors, errs: baseErrors},
		{method: "POST", path: "/pages/auth/:taskId", id: "Consent", tag: tagPages, zh: "同意授权", en: "Consent", media: "text/html",
			desc: "企业同意授权：创建 e签宝 机构账号并标记已授权。/ The corp consents: its e签宝 organization is created and it is marked authorized.",
			resp: html("HTML"), extra: redirect, errs: baseErrors},
		{method: "GET", path: "/pages/start/:taskId", id: "StartPage", tag: tagPages, zh: "发起页", en: "Start page (GetProcessStartUrl, ProcessStart)", media: "text/html",
			desc: "显示待发起流程的文件与签署人。/ Shows the prepared flow's files and signers.", resp: html("HTML"), extra: htmlErrors, errs: baseErrors},
		{method: "POST", path: "/pages/start/:taskId", id: "StartFlow", tag: tagPages, zh: "发起签署", en: "Start the flow", media: "text/html",
			desc: "e签宝 `PUT /v1/signflows/{flowId}/start`。", resp: html("HTML"), extra: redirect, errs: baseErrors},
		{method: "GET", path: "/pages/done", id: "DonePage", tag: tagPages, zh: "完成页", en: "Done page", media: "text/html",
			desc: "实名等流程的默认返回页。/ Where identity flows return by default.", resp: html("HTML"), errs: baseErrors},

		{method: "POST", path: "/admin/v1/tasks", id: "BindFlow", tag: tagAdmin, auth: authAdmin, zh: "绑定已有 e签宝 流程", en: "Bind an existing e签宝 flow to a task",
			desc: "迁移用：把网关之前发起的 e签宝 流程绑定为企业的任务（可关联审批实例）；背后 e签宝 `GET /v1/signflows/{flowId}`。\n" +
				"For migration: binds a flow started before the gateway to a new task of a corp, optionally linked to an approval instance; backed by e签宝 `GET /v1/signflows/{flowId}`.",
			body: ref("BindFlowRequest"), resp: ref("TaskID"), errs: join([]string{"Unauthorized", "flowNotExists"}, bodyErrors, upstreamErrors, baseErrors)},
		{method: "GET", path: "/admin/status", id: "AdminStatus", tag: tagAdmin, auth: authAdmin, zh: "网关状态", en: "Gateway status",
			desc: "版本、运行时间、存储往返、e签宝 调用统计与熔断器、投递队列、签名密钥ID、计数。/ Version, uptime, store round trip, e签宝 call stats and breaker, outbox, signing key ids, counts.",
			resp: ref("AdminStatus"), errs: join([]string{"Unauthorized"}, baseErrors)},
		{method: "GET", path: "/admin/", id: "AdminPage", tag: tagAdmin, auth: authAdmin, zh: "网关状态页", en: "Gateway status page", media: "text/html",
			desc: "同 /admin/status 的 HTML 视图 / /admin/status as HTML.", resp: html("HTML"), errs: join([]string{"Unauthorized"}, baseErrors)},

		{method: "GET", path: "/openapi.json", id: "OpenAPI", tag: tagDocs, zh: "本文档", en: "This document",
			desc: "启动时生成一次 / built once at startup.", resp: obj("OpenAPI 3.1"), errs: baseErrors},
		{method: "GET", path: "/explorer", id: "Explorer", tag: tagDocs, zh: "API Explorer", en: "API Explorer", media: "text/html",
			desc: "仿钉钉 API Explorer 的调试页，嵌入二进制，仅加载同源资源。/ A page modelled on DingTalk's API Explorer, embedded in the binary, loading nothing but its own origin.",
			resp: html("HTML"), errs: baseErrors},
		file("/explorer/explorer.js", "ExplorerScript", "text/javascript", "脚本", "script"),
		file("/explorer/explorer.css", "ExplorerStyle", "text/css", "样式", "style"),
		file("/explorer/favicon.svg", "ExplorerIcon", "image/svg+xml", "图标", "icon"),
		{method: "GET", path: "/explorer/config.json", id: "ExplorerConfig", tag: tagDocs, zh: "API Explorer 配置", en: "API Explorer settings",
			desc: "演示模式下带演示凭证，用于预填令牌表单。/ In demo mode, the demo credentials that prefill the token form.", resp: ref("ExplorerConfig"), errs: baseErrors},
	}
}
