package api

// The 42 DingTalk e签宝 actions (dingtalk-contract.md §4), grouped as in
// DingTalk's documentation tree (e签宝1.0 / e签宝2.0 → 鉴权, 套餐, 用户,
// 文件, 签署流程). Titles are the SDK's verbatim, slips included.

// twins are the action names both versions use; their operationIds get a
// version suffix.
var twins = map[string]bool{"CancelCorpAuth": true, "GetFlowDetail": true, "GetUserInfo": true}

// taskQuery is esign_1.0's ?taskId=: the SDK marks it optional, the gateway
// needs it.
var taskQuery = []param{{name: "taskId", required: true, s: str(""),
	desc: "任务ID（SDK 标为可选，网关必需）/ task id (optional in the SDK model, required by the gateway)"}}

// finish fills what every action shares: version, path prefix, tag,
// operationId, token auth and the error codes every authenticated route has.
func finish(version string, ops []op) []op {
	prefix, tree, suffix := "/v1.0/esign", "e签宝1.0/", "_v1"
	if version == "esign_2.0" {
		prefix, tree, suffix = "/v2.0/esign", "e签宝2.0/", "_v2"
	}
	for i := range ops {
		o := &ops[i]
		o.version, o.path, o.tag, o.auth = version, prefix+o.path, tree+o.tag, authToken
		o.id = o.action
		if twins[o.action] {
			o.id += suffix
		}
		o.errs = append(append(append([]string{}, tokenErrors...), baseErrors...), o.errs...)
		if o.body != nil {
			o.errs = append(o.errs, bodyErrors...)
		}
		if len(o.query) > 0 || o.method == "POST" {
			o.errs = append(o.errs, paramErrors...)
		}
	}
	return ops
}

func join(sets ...[]string) []string {
	var out []string
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

func esignV1() []op {
	consoleHeader := map[string]any{"x-esign-org-console-url": map[string]any{"schema": str(""),
		"description": "企业控制台地址（esign_1.0 的 data 不含 orgConsoleUrl）/ the console URL (esign_1.0's data has no orgConsoleUrl)"}}
	devQuery := []param{
		{name: "noticeUrl", s: str(""), desc: "事件推送地址；SDK 的 GET 不发送请求体，故网关也从查询参数读取 / event URL; the SDK's GET sends no body, so the gateway reads the query too"},
		{name: "redirectUrl", s: str(""), desc: redirectDesc},
	}
	return finish("esign_1.0", []op{
		{method: "POST", path: "/auths/url", action: "AuthUrl", tag: "鉴权", zh: "获取授权的页面地址", en: "Get the authorization page URL",
			desc: backAuthURL, body: redirectBody(), resp: ref("PageURLs"), errs: storeErrors},
		{method: "GET", path: "/corps/auth/cancel", action: "CancelCorpAuth", tag: "鉴权", zh: "取消企业的授权", en: "Cancel the corp's authorization",
			desc: backCancel, resp: ref("Result"), errs: storeErrors},
		{method: "POST", path: "/orders/channel", action: "ChannelOrder", tag: "套餐", zh: "套餐转售1（分润模式）", en: "Resell a plan 1 (revenue sharing)",
			desc: backOrder, body: channelOrderBody(true), resp: ref("OrderID"), errs: join(storeErrors, []string{"invalidRequest.duplicateClientToken"})},
		{method: "GET", path: "/contracts/margin", action: "ContractMargin", tag: "套餐", zh: "查询套餐余量", en: "Query the quota left",
			desc: backMargin, resp: ref("Margin"), errs: storeErrors},
		{method: "GET", path: "/corps/console", action: "CorpConsole", tag: "用户", zh: "查询个人信息", en: "Get the corp console URL (the SDK's title says 'query personal info', a slip)",
			desc: backConsole + "\n\n" + "**决定 / decision:** data 为空对象，地址在响应头 `x-esign-org-console-url`。/ data is {} and the URL is in the `x-esign-org-console-url` header.",
			resp: ref("CorpConsoleV1"), respHeaders: consoleHeader, errs: join(corpErrors, upstreamErrors)},
		{method: "GET", path: "/corps/info", action: "CorpInfo", tag: "用户", zh: "查询企业信息", en: "Query the corp's real-name state",
			desc: backCorpInfo, resp: ref("CorpInfoV1"), errs: join(corpErrors, upstreamErrors)},
		{method: "GET", path: "/developers/create", action: "CreateDeveloper", tag: "鉴权", zh: "钉钉ISV服务商的数据初始化", en: "Initialise the ISV's settings",
			desc: backDeveloper, query: devQuery, resp: boolean("是否成功 / succeeded"), errs: storeErrors},
		{method: "POST", path: "/corps/realname", action: "GetCorpRealnameUrl", tag: "用户", zh: "获取跳转到个人实名的地址", en: "Get the corp real-name page URL (the SDK's title says 'personal', a slip)",
			desc: backCorpRealname, body: userPageBody(false), resp: ref("PageURLs"), errs: join(corpErrors, upstreamErrors)},
		{method: "GET", path: "/corps/statuses", action: "GetCropStatus", tag: "鉴权", zh: "获取企业e签宝微应用状态", en: "Get the corp's e签宝 app status",
			desc: backStatus, resp: ref("AppStatus"), errs: storeErrors},
		{method: "GET", path: "/files/:fileId", action: "GetFile", tag: "文件", zh: "查询文件详情/下载文件", en: "Get a file's details and download URL",
			desc: backFile, resp: ref("FileInfo"), errs: join(paramErrors, []string{"fileNotExists"}, upstreamErrors)},
		{method: "GET", path: "/flows/detail", action: "GetFlowDetail", tag: "签署流程", zh: "获取对应流程任务详情", en: "Get a flow task's details and log",
			desc: backFlowDetail, query: taskQuery, resp: ref("FlowDetailV1"), errs: join(taskErrors, upstreamErrors)},
		{method: "GET", path: "/flows/sign/detail", action: "GetFlowSignDetail", tag: "签署流程", zh: "获取对应流程任务详情", en: "Get a flow task's signers (the SDK repeats GetFlowDetail's title)",
			desc: backSignDetail, query: taskQuery, resp: ref("SignDetailV1"), errs: join(taskErrors, upstreamErrors)},
		{method: "POST", path: "/process/start", action: "GetProcessStartUrl", tag: "签署流程", zh: "发起签署的地址", en: "Get the page to start signing",
			desc: backStart, body: startBody(false), example: startExample(false), resp: ref("PageURLs"), errs: join(startErrors, upstreamErrors)},
		{method: "POST", path: "/signs/notice/url", action: "GetSignNoticeUrl", tag: "签署流程", zh: "获取签署人签署地址", en: "Get the next signer's signing URL",
			desc: backSignURL, body: obj("", must("taskId", str("任务ID / task id"))), resp: ref("SignNoticeURLs"),
			errs: join(taskErrors, []string{"invalidRequest.notParticipant"}, upstreamErrors)},
		{method: "POST", path: "/files/getUploadUrl", action: "GetUploadUrl", tag: "文件", zh: "通过上传方式创建文件", en: "Create a file by upload",
			desc: backUpload, body: uploadBody(), resp: ref("UploadURL"), errs: join(corpErrors, upstreamErrors)},
		{method: "GET", path: "/users/:userId", action: "GetUserInfo", tag: "用户", zh: "查询个人信息", en: "Query a user's real-name state",
			desc: backUser, resp: ref("UserInfoV1"), errs: join(paramErrors, corpErrors, upstreamErrors)},
		{method: "POST", path: "/users/realname", action: "GetUserRealnameUrl", tag: "用户", zh: "获取跳转到个人实名的地址", en: "Get the personal real-name page URL",
			desc: backUserRealname, body: userPageBody(true), resp: ref("PageURLs"), errs: join(corpErrors, upstreamErrors)},
		{method: "GET", path: "/flows/docs", action: "ListFlowDocs", tag: "签署流程", zh: "获取流程任务合同列表", en: "List a flow task's signed contracts",
			desc: backDocs, query: taskQuery, resp: arr(ref("Doc"), "合同列表 / contracts"), errs: join(taskErrors, upstreamErrors)},
		{method: "GET", path: "/seals/approval/list", action: "ListSealApproval", tag: "签署流程", zh: "获取流程任务用印审批列表", en: "List a flow task's seal approvals",
			desc: backApprovals + "\n\napprovalTime: number (ms) in esign_1.0.", query: taskQuery, resp: arr(ref("Approval"), "用印审批 / seal approvals"),
			errs: join(taskErrors, upstreamErrors)},
		{method: "POST", path: "/orders/resale", action: "OrderResale", tag: "套餐", zh: "套餐转售2（底价结算模式）", en: "Resell a plan 2 (floor-price settlement)",
			desc: backOrder, body: resaleOrderBody(true), resp: ref("OrderID"), errs: join(storeErrors, []string{"invalidRequest.duplicateClientToken"})},
	})
}
