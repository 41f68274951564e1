package api_test

// Documented facts about DingTalk's e签宝 API (esign_1.0, esign_2.0) and the
// OAuth2 token endpoints, one entry per SDK action, for tests that hold the
// gateway to what DingTalk documents.
//
// Where the facts come from
//
//   - ../shared/reference/dingtalk-docs: DingTalk's own pages. esign_1.0 is
//     1493-1513 (历史文档（不推荐） > e签宝 1.0), esign_2.0 is 1071-1092
//     (e签宝 2.0), the token endpoints are oauth-0033 and oauth-0034, the
//     events pushed to an ISV are 0372, the global error codes are 0013.
//   - ../shared/reference/dingtalk-contract.md §4/§5: the SDK
//     (@alicloud/dingtalk@2.2.27) action names, paths and models. A page is
//     mapped to its action by its HTTP URL and method; every one of them
//     matches the SDK except GetCorpAccessToken (see docConflicts).
//
// How they were taken
//
//   - The tables of each page (基本信息, 路径参数, 查询参数, 请求体, 响应体,
//     错误码) were read by a throwaway script; the values here are the
//     page's, restructured, not its prose. Markdown is removed: escapes
//     (DING\_USER -> DING_USER, access\_token -> access_token), bold markers
//     and backticks. Everything else is verbatim, typos and odd punctuation
//     included (invalidAguemnts, FALL, "终止（由于某些异常情况，无法完成签署)").
//   - The pages flatten nested request/response rows into one table; the
//     nesting ("files[].fileId", "participants[].signPosList[].signDate.format",
//     "data.logs[].logType") was added by hand from the row order and the SDK
//     model, then every field name, JSON type and required mark was compared
//     with contract §4 by script. Every difference is in docConflicts; page
//     Float/Long/Integer/double against SDK number is not a difference.
//   - Required/Optional: path, query and body fields (headers excluded), in
//     page order, including container rows ("files", "participants",
//     "sourceInfo", "participants[].signPosList[].signDate").
//   - Enums: every value list a page gives for a request or response field,
//     in page order. Meaning is the page's label ("" when the page lists bare
//     values, e.g. contentType, signDate.format). Boolean fields whose values
//     the page labels (true：成功 - false：失败) are included with "true"/"false".
//     esign_1.0 response fields are under "data." ("data.flowStatus"), or
//     "data[]." where data is an array (ListSealApproval, ListFlowDocs).
//   - AppTypes codes: "internal" = 企业内部应用, "isv_enterprise" = 第三方企业应用,
//     "internal_delegated" = 企业内部应用（委托产品服务商）.
//   - Scope is the permission code of 权限要求 (permission-<code>-<label>);
//     the esign_1.0 pages say 不支持新增申请 instead (ScopeNote).
//
// Coverage
//
//   - 43 entries, not 45: no page in the folder documents esign_2.0
//     GetAttachsApproval or oauth2 GetSuiteAccessToken (oauth-0038 is a second
//     page for POST /v1.0/oauth2/corpAccessToken, 获取定制应用的accessToken).
//   - Pages that are not actions: 1070 (overview), 1083 and 1505 (uploading the
//     file itself: an HTTP PUT to the uploadUrl, an OSS address, not a DingTalk
//     API).
//
// docFact is what DingTalk's page for one action documents.
type docFact struct {
	Action    string   // SDK action name, e.g. "GetFlowDetail" (esign_1.0 "GetCropStatus" keeps its SDK spelling)
	Version   string   // "esign_1.0", "esign_2.0" or "oauth2_1.0"
	Page      string   // file name in ../shared/reference/dingtalk-docs, e.g. "1091-obtains-the-task-details.md"
	Method    string   // as the page says
	Path      string   // path of the page's HTTP URL without host, with {param} as on the page, e.g. "/v2.0/esign/flowTasks/{taskId}"
	AppTypes  []string // from 支持的应用类型: "internal" (企业内部应用), "isv_enterprise" (第三方企业应用), ... in page order
	Scope     string   // from 权限要求: the permission code (e.g. "Esign.Common.ReadWrite"); "" when the page says 不支持新增申请 or nothing
	ScopeNote string   // the page's literal 权限要求 text when it is not a permission code (e.g. "不支持新增申请"), else ""
	Required  []string // request fields the page marks 是否必填=是: query/path/body fields, nested as "files[].fileId", "signDate.format"; headers excluded
	Optional  []string // every other documented request field, same notation (so Required+Optional = every documented request field)
	Enums     []docEnum
	Errors    []docErrorRow // the page's 错误码 table, in page order
}

// docEnum is one enumeration the page documents for a request or response field.
type docEnum struct {
	Field  string     // "logs[].logType", "flowStatus", "files[].fileType", "installStatus", request or response field path; esign_1.0 response fields are under "data." exactly as the page nests them (e.g. "data.flowStatus")
	In     string     // "request" or "response"
	Values []docValue // in page order
}

type docValue struct {
	Value   string // the wire value as text: "1", "OPEN", "1,2"
	Meaning string // the page's label, e.g. "创建流程", "微应用已经安装"
}

// docErrorRow is one row of a page's 错误码 table.
type docErrorRow struct {
	Status  int    // HttpCode
	Code    string // 错误码, exactly (typos included, e.g. "invalidRequest.invalidAguemnts")
	Message string // 错误信息, exactly (may contain %s)
}

// docEvent is one event type of 0372-esign-events.md. DingTalk POSTs it to the
// ISV (the page does not say to which address; the data-initialization pages
// call noticeUrl/redirectUrl 通知回调地址), so its enums are In "request".
type docEvent struct {
	Action string   // the body's "action" value
	Fields []string // body fields, nested as "bizData.status"
	Enums  []docEnum
	Notes  string
}

// docConflict is one disagreement between a page and the SDK contract (§4/§5).
// Page and SDK say what each side says; Note says which side wins under the
// rule: the SDK decides the JSON type, the page decides the value.
type docConflict struct {
	Action, Version, Field, Page, SDK, Note string
}

var docFacts = []docFact{
	// ---- esign_1.0 (pages 1493-1513, 历史文档（不推荐） > e签宝 1.0), SDK order ----
	// redirectUrl: the page appends status=SUCCESS|FAIL and taskid to it; see docRedirectParams.
	{
		Action: "AuthUrl", Version: "esign_1.0",
		Page:   "1494-authurl.md",
		Method: "POST", Path: "/v1.0/esign/auths/url",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"redirectUrl"},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	{
		Action: "CancelCorpAuth", Version: "esign_1.0",
		Page:   "1495-e-sign-has-revoked-the-enterprise-authorization.md",
		Method: "GET", Path: "/v1.0/esign/corps/auth/cancel",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: nil,
		Enums: []docEnum{
			{Field: "data.result", In: "response", Values: []docValue{
				{"true", "成功"},
				{"false", "失败"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "ChannelOrder", Version: "esign_1.0",
		Page:   "1497-package-resale-profit-distribution-model-1.md",
		Method: "POST", Path: "/v1.0/esign/orders/channel",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"itemCode", "itemName", "orderId", "payFee", "quantity"},
		Optional: []string{"orderCreateTime"},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "ContractMargin", Version: "esign_1.0",
		Page:   "1499-get-package-margin.md",
		Method: "GET", Path: "/v1.0/esign/contracts/margin",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	// The page types data.orgConsoleUrl as Long (the SDK: number), yet describes it as 企业控制台地址 and its
	// example is "data": { }. Page and SDK agree (number), so it is not in docConflicts; the esign_2.0 page
	// (1079) types orgConsoleUrl as String.
	{
		Action: "CorpConsole", Version: "esign_1.0",
		Page:   "1502-get-the-address-enterprise-console-through-e-sign.md",
		Method: "GET", Path: "/v1.0/esign/corps/console",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "CorpInfo", Version: "esign_1.0",
		Page:   "1500-check-whether-enterprise-registered-realname-e-sign-treasure.md",
		Method: "GET", Path: "/v1.0/esign/corps/info",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: nil,
		Enums: []docEnum{
			{Field: "data.realName", In: "response", Values: []docValue{
				{"true", "已实名"},
				{"false", "未实名"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	// GET with a documented request body (redirectUrl); the SDK never sends GET bodies: see docConflicts.
	{
		Action: "CreateDeveloper", Version: "esign_1.0",
		Page:   "1493-offline-isv-service-provider-data-initialization.md",
		Method: "GET", Path: "/v1.0/esign/developers/create",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"redirectUrl"},
		Enums: []docEnum{
			{Field: "data", In: "response", Values: []docValue{
				{"true", "成功"},
				{"false", "失败"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "GetCorpRealnameUrl", Version: "esign_1.0",
		Page:   "1503-obtain-enterprise-real-name-address.md",
		Method: "POST", Path: "/v1.0/esign/corps/realname",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"userId"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "GetCropStatus", Version: "esign_1.0",
		Page:   "1496-obtain-the-status-of-enterprise-e-sign-treasure-micro-application.md",
		Method: "GET", Path: "/v1.0/esign/corps/statuses",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: nil,
		Enums: []docEnum{
			{Field: "data.authStatus", In: "response", Values: []docValue{
				{"AUTH", "已授权e签宝微应用"},
				{"UNAUTH", "未授权已授权e签宝微应用"},
			}},
			{Field: "data.installStatus", In: "response", Values: []docValue{
				{"OPEN", "e签宝微应用已经安装"},
				{"CLOSE", "e签宝微应用停止或已卸载"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	// The page marks the path parameter fileId 是否必填=否 (so it is in Optional); see docConflicts.
	{
		Action: "GetFile", Version: "esign_1.0",
		Page:   "1507-query-file-details.md",
		Method: "GET", Path: "/v1.0/esign/files/{fileId}",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"fileId"},
		Enums: []docEnum{
			{Field: "data.status", In: "response", Values: []docValue{
				{"0", "文件未上传"},
				{"1", "文件上传中"},
				{"2", "文件上传已完成"},
				{"3", "文件上传失败"},
				{"4", "文件等待转pdf"},
				{"5", "文件已转换pdf"},
				{"6", "加水印中"},
				{"7", "加水印完毕"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "GetFlowDetail", Version: "esign_1.0",
		Page:   "1510-obtain-the-task-details-of-the-corresponding-process.md",
		Method: "GET", Path: "/v1.0/esign/flows/detail",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"taskId"},
		Enums: []docEnum{
			{Field: "data.flowStatus", In: "response", Values: []docValue{
				{"0", "草稿"},
				{"1", "签署中"},
				{"2", "完成"},
				{"3", "撤销"},
				{"4", "终止（由于某些异常情况，无法完成签署)"},
				{"5", "过期（签署截至日志到期后触发)"},
				{"7", "拒签"},
			}},
			{Field: "data.logs[].logType", In: "response", Values: []docValue{
				{"1", "创建流程"},
				{"2", "删除流程"},
				{"3", "更新流程"},
				{"4", "开启流程"},
				{"5", "撤回流程"},
				{"6", "流程过期"},
				{"7", "归档流程"},
				{"8", "查看流程"},
				{"9", "转交"},
				{"20", "添加签署区"},
				{"21", "删除签署区"},
				{"22", "更新签署区"},
				{"23", "签署"},
				{"24", "转签"},
				{"25", "通知签署"},
				{"26", "拒绝签署"},
				{"27", "发起用印审批"},
				{"28", "同意用印审批"},
				{"29", "拒绝用印审批"},
				{"40", "添加文档"},
				{"41", "删除文档"},
				{"42", "更新文档"},
				{"50", "添加附件"},
				{"51", "删除附件"},
				{"52", "更新附件"},
				{"60", "添加参与人"},
				{"61", "删除参与人"},
				{"62", "更新参与人"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	{
		Action: "GetFlowSignDetail", Version: "esign_1.0",
		Page:   "1513-get-process-sign-off-details.md",
		Method: "GET", Path: "/v1.0/esign/flows/sign/detail",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"taskId"},
		Enums: []docEnum{
			{Field: "data.flowStatus", In: "response", Values: []docValue{
				{"0", "草稿"},
				{"1", "签署中"},
				{"2", "完成"},
				{"3", "撤销"},
				{"4", "终止"},
				{"5", "过期"},
				{"6", "删除"},
				{"7", "拒签"},
			}},
			{Field: "data.signers[].signStatus", In: "response", Values: []docValue{
				{"0", "待签"},
				{"1", "未签"},
				{"2", "已签"},
				{"3", "待审批"},
				{"4", "拒签"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	// The page flattens nested rows into one table; nesting below follows the row order and the SDK model.
	{
		Action: "GetProcessStartUrl", Version: "esign_1.0",
		Page:   "1508-obtain-the-address-of-the-initiating-signing-task.md",
		Method: "POST", Path: "/v1.0/esign/process/start",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"files", "files[].fileId", "files[].fileName", "initiatorUserId", "participants", "participants[].accountType", "participants[].signRequirements", "participants[].userId", "participants[].account", "participants[].accountName", "participants[].orgName", "redirectUrl", "sourceInfo", "sourceInfo.mobileUrl", "sourceInfo.pcUrl", "sourceInfo.showText", "taskName", "ccs", "ccs[].accountType", "ccs[].userId", "ccs[].account", "ccs[].accountName", "ccs[].orgName"},
		Enums: []docEnum{
			{Field: "participants[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
			{Field: "participants[].signRequirements", In: "request", Values: []docValue{
				{"1", "企业章"},
				{"2", "个人章"},
				{"1,2", "个人章和企业章"},
			}},
			{Field: "ccs[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "GetSignNoticeUrl", Version: "esign_1.0",
		Page:   "1509-obtain-signing-address-of-signatory-1.md",
		Method: "POST", Path: "/v1.0/esign/signs/notice/url",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"taskId"},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "GetUploadUrl", Version: "esign_1.0",
		Page:   "1506-obtain-the-file-upload-address-1.md",
		Method: "POST", Path: "/v1.0/esign/files/getUploadUrl",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"contentType", "contentMd5", "convert2Pdf", "fileName", "fileSize"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "contentType", In: "request", Values: []docValue{
				{"application/octet-stream", ""},
				{"application/pdf", ""},
			}},
			{Field: "convert2Pdf", In: "request", Values: []docValue{
				{"true", "转换"},
				{"false", "不转换（默认值）"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
			{500, "fail.failToCreateCorpAccount", "创建企业账号异常"},
		},
	},
	{
		Action: "GetUserInfo", Version: "esign_1.0",
		Page:   "1501-query-whether-a-user-has-a-real-name.md",
		Method: "GET", Path: "/v1.0/esign/users/{userId}",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"userId"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "data.realName", In: "response", Values: []docValue{
				{"true", "已完成实名认证"},
				{"false", "未完成实名认证"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	{
		Action: "GetUserRealnameUrl", Version: "esign_1.0",
		Page:   "1504-obtain-personal-real-name-address.md",
		Method: "POST", Path: "/v1.0/esign/users/realname",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"userId"},
		Optional: []string{"redirectUrl"},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	{
		Action: "ListFlowDocs", Version: "esign_1.0",
		Page:   "1512-obtain-the-process-task-contract-list.md",
		Method: "GET", Path: "/v1.0/esign/flows/docs",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"taskId"},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	{
		Action: "ListSealApproval", Version: "esign_1.0",
		Page:   "1511-obtain-the-process-task-print-approval-list-1.md",
		Method: "GET", Path: "/v1.0/esign/seals/approval/list",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: nil,
		Optional: []string{"taskId"},
		Enums: []docEnum{
			{Field: "data[].status", In: "response", Values: []docValue{
				{"WAIT", "等待审批"},
				{"APPROVING", "审批中"},
				{"AGREED", "审批通过"},
				{"REFUSED", "审批拒绝"},
			}},
			{Field: "data[].approvalNodes[].status", In: "response", Values: []docValue{
				{"WAIT", "等待审批"},
				{"APPROVING", "审批中"},
				{"AGREED", "审批通过"},
				{"REFUSED", "审批拒绝"},
			}},
		},
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "invalid arguments"},
		},
	},
	{
		Action: "OrderResale", Version: "esign_1.0",
		Page:   "1498-package-resale-base-price-settlement-mode-1.md",
		Method: "POST", Path: "/v1.0/esign/orders/resale",
		AppTypes: []string{"isv_enterprise"},
		Scope:    "", ScopeNote: "不支持新增申请",
		Required: []string{"serviceStartTime", "serviceStopTime", "orderCreateTime", "orderId", "quantity"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidRequest.invalidAguemnts", "参数错误:%s"},
		},
	},
	// ---- esign_2.0 (pages 1071-1092, e签宝 2.0), SDK order ----
	// The app types on this page are separated by a full-width space; same two types.
	{
		Action: "ApprovalList", Version: "esign_2.0",
		Page:   "1090-obtains-the-print-approval-list-for-process-tasks.md",
		Method: "GET", Path: "/v2.0/esign/approvals/{taskId}",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"taskId"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "data[].status", In: "response", Values: []docValue{
				{"WAIT", "等待审批"},
				{"APPROVING", "审批中"},
				{"AGREED", "审批通过"},
				{"REFUSED", "审批拒绝"},
			}},
			{Field: "data[].approvalNodes[].status", In: "response", Values: []docValue{
				{"WAIT", "等待审批"},
				{"APPROVING", "审批中"},
				{"AGREED", "审批通过"},
				{"REFUSED", "审批拒绝"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getFlowInfoError", "查询流程信息异常"},
		},
	},
	// The page's 请求体 table has one row with an empty name, type Map, 是否必填=是 (请求参数).
	// It names no field, so Required/Optional are empty; see docConflicts (the SDK sends no body).
	{
		Action: "CancelCorpAuth", Version: "esign_2.0",
		Page:   "1073-cancel-enterprise-authorization.md",
		Method: "POST", Path: "/v2.0/esign/auths/cancel",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: nil,
		Enums: []docEnum{
			{Field: "result", In: "response", Values: []docValue{
				{"true", "成功"},
				{"false", "失败"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "cancelCorpAuthError", "取消授权异常"},
		},
	},
	{
		Action: "ChannelOrders", Version: "esign_2.0",
		Page:   "1074-package-resale-1-distribution-mode.md",
		Method: "POST", Path: "/v2.0/esign/orders/channel",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"orderId", "itemCode", "itemName", "quantity", "orderCreateTime"},
		Optional: []string{"payFee"},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getOpenIsvInfoError", "获取对接服务商信息异常"},
			{400, "requestTooMuch", "请求太频繁了，稍后再试"},
			{400, "getResaleOrderInfoError", "获取转售订单信息异常"},
			{400, "doRepeatOrderError", "请勿重复下单"},
			{400, "doResaleOrderError", "下转售订单失败"},
		},
	},
	{
		Action: "CorpRealname", Version: "esign_2.0",
		Page:   "1082-obtain-the-address-that-is-redirected-to-the-enterprise-s-real.md",
		Method: "POST", Path: "/v2.0/esign/corps/realnames",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"userId"},
		Optional: []string{"redirectUrl"},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getOpenIsvInfoError", "获取对接服务商信息异常"},
			{400, "createUserError", "创建用户账号异常"},
			{400, "isDingAdminError", "判断钉钉管理员异常"},
			{400, "dingAdminAuthError", "非钉钉管理员无法操作"},
			{400, "saveTaskError", "保存任务信息异常"},
		},
	},
	{
		Action: "CreateDevelopers", Version: "esign_2.0",
		Page:   "1071-isv-service-provider-data-initialization.md",
		Method: "POST", Path: "/v2.0/esign/developers",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: []string{"noticeUrl"},
		Enums: []docEnum{
			{Field: "data", In: "response", Values: []docValue{
				{"true", "成功"},
				{"false", "失败"},
			}},
		},
		Errors: []docErrorRow{
			{400, "illegalArgument", "非法参数 %s"},
			{400, "getUserInfoError", "获取用户信息异常"},
			{400, "orgNotRealname", "%s"},
			{400, "getOpenIsvInfoError", "查询服务商信息异常"},
			{400, "openIsvExist", "%s"},
			{400, "orgNoAdmin", "数据异常,企业无管理员"},
			{400, "esignOpenPlatformCreateAppFail", "E签宝开放平台开发者账号创建失败"},
			{400, "saveIsvInfoError", "保存服务商信息异常"},
			{400, "openIsvNotInit", "未初始化，请初始化后调用"},
		},
	},
	// The page flattens nested rows into one table; nesting below follows the row order and the SDK model.
	// thirdBizId follows sourceInfo.mobileUrl in the flat table; it is taken as top-level (as on the
	// ProcessStart page, where it follows the top-level autoStart). The SDK has no thirdBizId: see docConflicts.
	// The page lists no serviceGroup header (the SDK has none on this action either).
	{
		Action: "CreateProcess", Version: "esign_2.0",
		Page:   "1086-use-the-api-to-initiate-a-signature-process.md",
		Method: "POST", Path: "/v2.0/esign/process/startAtOnce",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"initiatorUserId", "taskName", "files[].fileId", "files[].fileType", "files[].fileName", "participants[].signRequirements", "participants[].accountType", "ccs[].accountType"},
		Optional: []string{"signEndTime", "redirectUrl", "files", "participants", "participants[].signOrder", "participants[].account", "participants[].userId", "participants[].accountName", "participants[].orgName", "participants[].signPosList", "participants[].signPosList[].fileId", "participants[].signPosList[].isCrossPage", "participants[].signPosList[].needSignDate", "participants[].signPosList[].page", "participants[].signPosList[].signDate", "participants[].signPosList[].signDate.format", "participants[].signPosList[].signRequirement", "participants[].signPosList[].x", "participants[].signPosList[].y", "ccs", "ccs[].account", "ccs[].userId", "ccs[].accountName", "ccs[].orgName", "sourceInfo", "sourceInfo.showText", "sourceInfo.pcUrl", "sourceInfo.mobileUrl", "thirdBizId"},
		Enums: []docEnum{
			{Field: "files[].fileType", In: "request", Values: []docValue{
				{"1", "合同文件"},
				{"2", "附件"},
			}},
			{Field: "participants[].signRequirements", In: "request", Values: []docValue{
				{"1", "企业章"},
				{"2", "个人章"},
				{"1,2", "个人和企业章"},
			}},
			{Field: "participants[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
			{Field: "participants[].signPosList[].signDate.format", In: "request", Values: []docValue{
				{"yyyy/MM/dd", ""},
				{"yyyy-MM-dd", ""},
				{"yyyy年MM月dd日", ""},
			}},
			{Field: "participants[].signPosList[].signRequirement", In: "request", Values: []docValue{
				{"1", "企业章"},
				{"2", "经办人"},
			}},
			{Field: "ccs[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createUserAccountError", "创建用户账号异常"},
			{400, "getUserInfoFail", "获取用户信息失败,%s，%s"},
			{400, "accountNotRealname", "发起人账号在e签宝未实名发起人账号在e签宝未实名"},
			{400, "createOrgAccountError", "创建企业账号异常"},
			{400, "corpNotRealname", "发起人企业在e签宝未实名"},
			{400, "createFlowError", "创建流程失败: %s"},
			{400, "getOpenIsvInfoError", "获取对接服务商信息异常"},
			{400, "saveTaskError", "保存任务信息异常"},
		},
	},
	// GetAttachsApproval (GET /v2.0/esign/dingInstances/{instanceId}/attachments, 获取钉钉审批实例-电子附件信息):
	// no page in the folder documents it, so it has no entry.
	// redirectUrl: on success the page appends status (SUCCESS/FAIL) and taskid to it; see docRedirectParams.
	{
		Action: "GetAuthUrl", Version: "esign_2.0",
		Page:   "1072-obtain-the-address-of-the-authorized-page.md",
		Method: "POST", Path: "/v2.0/esign/auths/urls",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: []string{"redirectUrl"},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getOpenIsvInfoError", "获取对接服务商信息异常"},
			{400, "saveTaskError", "保存任务信息异常"},
			{400, "openIsvNotInit", "未初始化，请初始化后调用"},
		},
	},
	{
		Action: "GetContractMargin", Version: "esign_2.0",
		Page:   "1076-query-package-balance.md",
		Method: "GET", Path: "/v2.0/esign/margins",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: nil,
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "corpNotRealName", "企业未实名"},
			{400, "getCorpMarginError", "获取企业套餐余量异常"},
		},
	},
	{
		Action: "GetCorpConsole", Version: "esign_2.0",
		Page:   "1079-get-enterprise-console-address.md",
		Method: "GET", Path: "/v2.0/esign/corps/consoles",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: nil,
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createOrgAccountError", "创建企业账号异常"},
		},
	},
	{
		Action: "GetCorpInfo", Version: "esign_2.0",
		Page:   "1078-query-enterprise-information.md",
		Method: "GET", Path: "/v2.0/esign/corps/infos",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: nil,
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createOrgAccountError", "创建企业账号异常"},
			{400, "getUserInfoError", "获取用户信息异常"},
		},
	},
	{
		Action: "GetExecuteUrl", Version: "esign_2.0",
		Page:   "1087-get-signatory-address.md",
		Method: "POST", Path: "/v2.0/esign/process/executeUrls",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"taskId"},
		Optional: []string{"signContainer", "account"},
		Enums: []docEnum{
			{Field: "signContainer", In: "request", Values: []docValue{
				{"1", "钉钉"},
				{"2", "浏览器"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getFlowInfoError", "获取流程信息失败"},
			{400, "queryFlowError", "查询流程详情异常"},
			{400, "getUserInfoFail", "获取用户信息失败,%s，%s"},
			{400, "getSignUrlError", "获取签署链接失败: %s"},
		},
	},
	{
		Action: "GetFileInfo", Version: "esign_2.0",
		Page:   "1084-gets-the-file-details.md",
		Method: "GET", Path: "/v2.0/esign/files/{fileId}",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"fileId"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "status", In: "response", Values: []docValue{
				{"0", "文件未上传"},
				{"1", "文件上传中"},
				{"2", "文件上传已完成"},
				{"3", "文件上传失败"},
				{"4", "文件等待转pdf"},
				{"5", "文件已转换pdf"},
				{"6", "加水印中"},
				{"7", "加水印完毕"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createOrgAccountError", "创建企业账号异常"},
			{400, "getFileInfoError", "获取文件信息失败: %s"},
		},
	},
	{
		Action: "GetFileUploadUrl", Version: "esign_2.0",
		Page:   "1085-obtain-the-upload-url-of-a-file-1.md",
		Method: "POST", Path: "/v2.0/esign/files/uploadUrls",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: []string{"contentMd5", "contentType", "fileName", "fileSize", "convert2Pdf"},
		Enums: []docEnum{
			{Field: "contentType", In: "request", Values: []docValue{
				{"application/octet-stream", ""},
				{"application/pdf", ""},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createOrgAccountError", "创建企业账号异常"},
			{400, "getUserInfoError", "获取用户信息异常"},
			{400, "getFileUploadUrlError", "获取文件上传地址异常"},
		},
	},
	{
		Action: "GetFlowDetail", Version: "esign_2.0",
		Page:   "1091-obtains-the-task-details.md",
		Method: "GET", Path: "/v2.0/esign/flowTasks/{taskId}",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"taskId"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "flowStatus", In: "response", Values: []docValue{
				{"0", "草稿"},
				{"1", "签署中"},
				{"2", "完成"},
				{"3", "撤销"},
				{"4", "终止（由于某些异常情况，无法完成签署）"},
				{"5", "过期（签署截至日志到期后触发）"},
				{"7", "拒签"},
			}},
			{Field: "logs[].logType", In: "response", Values: []docValue{
				{"1", "创建流程"},
				{"2", "删除流程"},
				{"3", "更新流程"},
				{"4", "开启流程"},
				{"5", "撤回流程"},
				{"6", "流程过期"},
				{"7", "归档流程"},
				{"8", "查看流程"},
				{"9", "转交"},
				{"20", "添加签署区"},
				{"21", "删除签署区"},
				{"22", "更新签署区"},
				{"23", "签署"},
				{"24", "转签"},
				{"25", "通知签署"},
				{"26", "拒绝签署"},
				{"27", "发起用印审批"},
				{"28", "同意用印审批"},
				{"29", "拒绝用印审批"},
				{"40", "添加文档"},
				{"41", "删除文档"},
				{"42", "更新文档"},
				{"50", "添加附件"},
				{"51", "删除附件"},
				{"52", "更新附件"},
				{"60", "添加参与人"},
				{"61", "删除参与人"},
				{"62", "更新参与人"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getFlowInfoError", "查询流程信息异常"},
			{400, "queryFlowDetailError", "查询流程详情异常"},
			{400, "flowNotExists", "流程信息不存在"},
			{400, "userInfoError", "用户信息异常"},
		},
	},
	// The app types on this page are separated by a full-width space; same two types.
	{
		Action: "GetFlowDocs", Version: "esign_2.0",
		Page:   "1092-get-a-list-of-all-contracts-for-the-process-task.md",
		Method: "GET", Path: "/v2.0/esign/flowTasks/{taskId}/docs",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"taskId"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getFlowInfoError", "查询流程信息异常"},
			{400, "queryFlowDocInfoError", "查询流程文档信息详情异常"},
		},
	},
	{
		Action: "GetIsvStatus", Version: "esign_2.0",
		Page:   "1077-obtain-the-current-status-of-the-company-s-e-sign-micro-application.md",
		Method: "GET", Path: "/v2.0/esign/corps/appStatus",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: nil,
		Optional: nil,
		Enums: []docEnum{
			{Field: "installStatus", In: "response", Values: []docValue{
				{"OPEN", "微应用已经安装"},
				{"CLOSE", "微应用停止或卸载"},
			}},
			{Field: "authStatus", In: "response", Values: []docValue{
				{"AUTH", "微应用授权"},
				{"UNAUTH", "微应用未授权"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getOpenAuthCorpError", "获取授权用户信息异常"},
		},
	},
	{
		Action: "GetSignDetail", Version: "esign_2.0",
		Page:   "1088-get-the-details-of-process-signing.md",
		Method: "GET", Path: "/v2.0/esign/signTasks/{taskId}",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"taskId"},
		Optional: nil,
		Enums: []docEnum{
			{Field: "flowStatus", In: "response", Values: []docValue{
				{"0", "草稿"},
				{"1", "签署中"},
				{"2", "完成"},
				{"3", "撤销"},
				{"4", "终止"},
				{"5", "过期"},
				{"6", "删除"},
				{"7", "拒签"},
			}},
			{Field: "signers[].signStatus", In: "response", Values: []docValue{
				{"0", "待签"},
				{"1", "未签"},
				{"2", "已签"},
				{"3", "待审批"},
				{"4", "拒签"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getFlowInfoError", "查询流程信息异常"},
			{400, "queryFlowDetailError", "查询流程详情异常"},
			{400, "flowNotExists", "流程信息不存在"},
			{400, "queryFlowSignersError", "查询流程签署人信息异常"},
		},
	},
	{
		Action: "GetUserInfo", Version: "esign_2.0",
		Page:   "1080-query-personal-information.md",
		Method: "GET", Path: "/v2.0/esign/users/{userId}",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"userId"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "createUserError", "创建用户账号异常"},
			{400, "getUserInfoError", "获取用户信息异常"},
		},
	},
	// The page flattens nested rows into one table; nesting below follows the row order and the SDK model.
	// thirdBizId is not in the SDK model: see docConflicts.
	{
		Action: "ProcessStart", Version: "esign_2.0",
		Page:   "1089-obtain-the-address-used-to-initiate-a-signed-task.md",
		Method: "POST", Path: "/v2.0/esign/processes/startUrls",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"initiatorUserId", "files", "files[].fileId", "files[].fileName", "participants[].accountType", "ccs[].accountType"},
		Optional: []string{"taskName", "redirectUrl", "participants", "participants[].signRequirements", "participants[].userId", "participants[].account", "participants[].accountName", "participants[].orgName", "ccs", "ccs[].userId", "ccs[].account", "ccs[].accountName", "ccs[].orgName", "sourceInfo", "sourceInfo.showText", "sourceInfo.pcUrl", "sourceInfo.mobileUrl", "autoStart", "thirdBizId"},
		Enums: []docEnum{
			{Field: "participants[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
			{Field: "participants[].signRequirements", In: "request", Values: []docValue{
				{"1", "企业章"},
				{"2", "个人章"},
				{"1,2", "个人和企业章"},
			}},
			{Field: "ccs[].accountType", In: "request", Values: []docValue{
				{"DING_USER", "钉钉用户"},
				{"OUTER_USER", "外部用户"},
			}},
		},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "serviceError", "服务错误"},
			{400, "saveOrgTaskError", "保存任务信息异常,盖企业印章,请传入企业名称"},
			{400, "saveTaskError", "保存任务信息异常"},
		},
	},
	{
		Action: "ResaleOrder", Version: "esign_2.0",
		Page:   "1075-package-resale-2-reserve-price-settlement-mode.md",
		Method: "POST", Path: "/v2.0/esign/orders/resale",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"orderId", "quantity", "orderCreateTime", "serviceStopTime"},
		Optional: []string{"serviceStartTime"},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "getOpenIsvInfoError", "获取对接服务商信息异常"},
			{400, "requestTooMuch", "请求太频繁了，稍后再试"},
			{400, "getResaleOrderInfoError", "获取转售订单信息异常"},
			{400, "doRepeatOrderError", "请勿重复下单"},
			{400, "doResaleOrderError", "下转售订单失败"},
		},
	},
	{
		Action: "UsersRealname", Version: "esign_2.0",
		Page:   "1081-obtain-the-address-that-is-redirected-to-the-user-s-real.md",
		Method: "POST", Path: "/v2.0/esign/users/realnames",
		AppTypes: []string{"internal", "isv_enterprise"},
		Scope:    "Esign.Common.ReadWrite", ScopeNote: "",
		Required: []string{"userId"},
		Optional: []string{"redirectUrl"},
		Errors: []docErrorRow{
			{400, "requestParamError", "%s"},
			{400, "serviceError", "服务错误"},
			{400, "saveTaskError", "保存任务信息异常"},
		},
	},
	// ---- oauth2_1.0 token endpoints ----
	// The page documents this one endpoint. Scope is the page's qyapi\_base with the markdown escape removed.
	{
		Action: "GetAccessToken", Version: "oauth2_1.0",
		Page:   "oauth-0033-obtain-the-access-token-of-an-internal-app.md",
		Method: "POST", Path: "/v1.0/oauth2/accessToken",
		AppTypes: []string{"internal"},
		Scope:    "qyapi_base", ScopeNote: "",
		Required: []string{"appKey", "appSecret"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret"},
		},
	},
	// Two pages document POST corpAccessToken: oauth-0034 (获取第三方应用授权企业的accessToken, the page the
	// e签宝 pages link to for third-party apps and the one the contract cites) and oauth-0038 (获取定制应用的
	// accessToken: HTTP URL /v1.0/oauth2/corpAccessToken, app types internal+isv_enterprise, same four
	// required fields, same three error rows). 0034 is used. Its HTTP URL row says /oauth2/corpAccessToken
	// (no /v1.0) while its own HTTP example uses /v1.0/oauth2/corpAccessToken: see docConflicts.
	{
		Action: "GetCorpAccessToken", Version: "oauth2_1.0",
		Page:   "oauth-0034-obtain-the-access-token-of-the-authorized-enterprise-1.md",
		Method: "POST", Path: "/oauth2/corpAccessToken",
		AppTypes: []string{"internal_delegated", "isv_enterprise"},
		Scope:    "isvapi_base", ScopeNote: "",
		Required: []string{"suiteKey", "suiteSecret", "authCorpId", "suiteTicket"},
		Optional: nil,
		Errors: []docErrorRow{
			{400, "invalidSuiteKey", "suitekey不合法"},
			{400, "invalidSuiteTicket", "suiteTicket无效"},
			{400, "invalidAuthInfo", "授权关系不存在"},
		},
	},
	// GetSuiteAccessToken (POST /v1.0/oauth2/suiteAccessToken): no page in the folder documents it (oauth-0034 and
	// oauth-0038 both document POST corpAccessToken), so it has no entry.
}

// docPlatformErrors are the rows of 0013-server-api-error-codes.md (全局错误码)
// an e签宝 gateway needs where an action page lists no code for a case: bad or
// missing token, permission, IP whitelist, QPS/QPM limits, not found, method,
// idempotency, system busy/unknown, unavailable, timeouts. Page order; a row
// whose HttpCode lists several statuses ("500/503") becomes one row per status.
// Code "-" is how the page writes the generic per-status rows (no code).
//
// Not on the page (searched: MissingParameter, AuthenticationFailed,
// InvalidAction, NotFound, ServiceUnavailable, 413, TooLarge, body):
//   - no code for a missing token header: only InvalidAuthentication (400) and
//     the generic 401 "-" Unauthorized (access_token缺失或无效). The code
//     AuthenticationFailed.MissingParameter (contract §1, from a third-party
//     probe) is not documented; lower-case missingParameter rows (缺少必填参数
//     etc.) exist but are business-level, not the token check.
//   - no InvalidAction.NotFound: the not-found rows are 404 "-" Not Found and
//     404 error.notFound (接口路径错误 %s).
//   - no ServiceUnavailable code: only 503 "-" Service Unavailable,
//     serviceBusy (500/503) and invalid.system.errror (服务不可用).
//   - no request-body-too-large code (sizeTooLarge and
//     forbidden.document.sizeOverLimit are product-specific, not about the body).
var docPlatformErrors = []docErrorRow{
	// generic 400, no code (the table writes 错误码 as "-") (0013 line 41)
	{400, "-", "Bad Request"},
	// no permission to call this API (0013 line 60)
	{400, "apiPermissionDenied", "无权限访问此接口"},
	// idempotency: same client token, different request (0013 line 443)
	{400, "IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical."},
	// daily call quota of the API used up (0013 line 536)
	{400, "integrated.qps.exceed", "本接口调用次数超过今日上限，请明日再试"},
	// access token expired or unknown (0013 line 605)
	{400, "InvalidAuthentication", "不合法的access_token"},
	// concurrency/QPS limit (0013 line 1470)
	{400, "qps.exceed.limit", "请求过于频繁"},
	// throttled (请求过于频繁) (0013 line 1620, HttpCode 400/500 split into one row per status)
	{400, "system.busy", "system busy"},
	{500, "system.busy", "system busy"},
	// generic 401, no code: access token missing or invalid (0013 line 1757)
	{401, "-", "Unauthorized"},
	// generic 403, no code: permission or throttling (0013 line 1767)
	{403, "-", "Forbidden"},
	// the token lacks the API permission (0013 line 1777)
	{403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", "没有调用该接口的权限"},
	// caller IP not in the app/suite IP whitelist (0013 line 1778)
	{403, "Forbidden.AccessDenied.IpNotInWhiteList", "访问ip不在白名单之中"},
	// QPM limit, internal app x API (0013 line 1780)
	{403, "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi", "您的企业应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了"},
	// QPM limit, ISV suite x corp x API (0013 line 1781)
	{403, "Forbidden.AccessDenied.QpmLimitForSuitekeyAndOrgAndApi", "您的ISV应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了"},
	// global QPS limit of the API (0013 line 1782)
	{403, "Forbidden.AccessDenied.QpsLimitForApi", "您的服务器调用钉钉开放平台当前接口的所有请求都被暂时禁用了"},
	// QPS limit, internal app x API (0013 line 1783)
	{403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "您的企业应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了"},
	// QPS limit, ISV suite x corp x API (0013 line 1784)
	{403, "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi", "您的ISV应用调用钉钉开放平台当前接口的所有请求都被暂时禁用了"},
	// no permission to call this API (0013 line 1800)
	{403, "permissions.error", "没有调用该接口的权限"},
	// generic 404, no code (0013 line 1807)
	{404, "-", "Not Found"},
	// wrong API path (0013 line 1813)
	{404, "error.notFound", "接口路径错误 %s"},
	// generic 405, no code (0013 line 1841)
	{405, "-", "Method Not Allowed"},
	// idempotency key reused (0013 line 1843)
	{409, "invalidRequest.duplicateClientToken", "Duplicate ClientToken detected. Please generate a new client token and retry."},
	// throttled (sic "frequest") (0013 line 1844)
	{429, "system.busy", "system busy, request too frequest"},
	// throttled (0013 line 1845)
	{429, "systemBusy", "请求太频繁"},
	// generic 500, no code (0013 line 1846)
	{500, "-", "Internal Server Error"},
	// system error (0013 line 1901)
	{500, "error.systemError", "系统异常"},
	// internal server error (0013 line 1902)
	{500, "error.unknownerror", "服务器内部错误 %s"},
	// internal server error (0013 line 1925)
	{500, "innerSystemError", "The system is busy, please try again later"},
	// service unavailable (sic "errror") (0013 line 1931)
	{500, "invalid.system.errror", "服务不可用"},
	// service busy (0013 line 2049, HttpCode 500/503 split into one row per status)
	{500, "serviceBusy", "The server is busy and unable to complete your request. Please try again later."},
	{503, "serviceBusy", "The server is busy and unable to complete your request. Please try again later."},
	// system error (0013 line 2101)
	{500, "systemError", "systemError"},
	// system busy (0013 line 2103)
	{500, "systemError", "系统繁忙"},
	// the fallback code (兜底错误码) (0013 line 2104)
	{500, "systemError", "系统繁忙，请稍后再试"},
	// throttled (0013 line 2105)
	{500, "systemError.busy", "请求太频繁"},
	// unknown error (0013 line 2130)
	{500, "unknown.error", "Unknown Error"},
	// unknown error (0013 line 2131)
	{500, "unknown.error", "unknownError"},
	// unknown error (0013 line 2132, HttpCode 500/502/503 split into one row per status)
	{500, "unknownError", "Unknown Error"},
	{502, "unknownError", "Unknown Error"},
	{503, "unknownError", "Unknown Error"},
	// unknown error (0013 line 2133, HttpCode 500/503 split into one row per status)
	{500, "unknownError", "未知错误"},
	{503, "unknownError", "未知错误"},
	// generic 502, no code (0013 line 2139)
	{502, "-", "Bad Gateway"},
	// generic 503, no code: overloaded (0013 line 2141)
	{503, "-", "Service Unavailable"},
	// generic 504, no code (0013 line 2144)
	{504, "-", "Gateway Timeout"},
	// request timed out (0013 line 2145)
	{504, "service.timeout", "The server is busy and unable to complete your request. Please try again later."},
}

// docRedirectParams are the query parameters the authorization pages append
// to the caller's redirectUrl when authorization ends (from the redirectUrl
// row of the request table; they are not fields of the API itself). The
// esign_2.0 page adds that the address is valid for 2 hours.
var docRedirectParams = []struct {
	Action, Version, Param string
	Values                 []docValue // nil when the page gives no value list
}{
	{"AuthUrl", "esign_1.0", "status", []docValue{{"SUCCESS", "成功"}, {"FAIL", "失败"}}},
	{"AuthUrl", "esign_1.0", "taskid", nil},
	{"GetAuthUrl", "esign_2.0", "status", []docValue{{"SUCCESS", "成功"}, {"FAIL", "失败"}}},
	{"GetAuthUrl", "esign_2.0", "taskid", nil},
}

// docEvents is 0372-esign-events.md: the two callbacks DingTalk pushes (HTTP
// POST, JSON body {"action", "taskId", "bizData": {...}}). The action labels
// drop the table's trailing "。".
var docEvents = []docEvent{
	{
		Action: "SIGN",
		Fields: []string{"action", "taskId", "bizData", "bizData.status", "bizData.finishTime"},
		Enums: []docEnum{
			{Field: "action", In: "request", Values: []docValue{{"SIGN", "签署事件回调"}}},
			{Field: "bizData.status", In: "request", Values: []docValue{
				{"RUNNING", "签署中"},
				{"FINISH", "签署完成"},
				{"REVOKE", "撤销"},
				{"REFUSE", "拒签"},
			}},
		},
		Notes: "Signing result. taskId is the signing task id; bizData.finishTime (签署完成时间, a number in the example) " +
			"has a value only when bizData.status is FINISH. Delivery: POST, 5 s timeout, retried 3 s after the first " +
			"failure and 6 s after the second, then dropped; the receiver must answer HTTP 200 (see docEventDelivery).",
	},
	{
		Action: "CORP_AUTH",
		Fields: []string{"action", "taskId", "bizData", "bizData.status"},
		Enums: []docEnum{
			{Field: "action", In: "request", Values: []docValue{{"CORP_AUTH", "授权事件回调"}}},
			{Field: "bizData.status", In: "request", Values: []docValue{
				{"SUCCESS", "授权成功"},
				{"FALL", "授权失败"}, // sic: FALL, not FAIL (the redirect parameters use FAIL)
			}},
		},
		Notes: "Authorization result. The page describes taskId as 签署任务id here too. Delivery: POST, 5 s timeout, " +
			"retried 3 s after the first failure and 6 s after the second, then dropped; the receiver must answer " +
			"HTTP 200 (see docEventDelivery).",
	},
}

// docEventDelivery is the 注意事项 section of 0372-esign-events.md.
var docEventDelivery = struct {
	Method             string // DingTalk pushes with this method
	TimeoutSeconds     int    // per attempt
	RetryDelaysSeconds []int  // wait after the 1st failure, after the 2nd; after the 3rd failure no more attempts
	Attempts           int    // so at most 3 deliveries
	AckStatus          int    // the receiver must answer this HTTP status
	AckBodyNote        string
}{
	Method:             "POST",
	TimeoutSeconds:     5,
	RetryDelaysSeconds: []int{3, 6},
	Attempts:           3,
	AckStatus:          200,
	AckBodyNote: "the JSON the receiver returns must not contain spaces, \\ or / (不包含`空格\\ /`等特殊字符); " +
		"the page also advises doing little work in the handler and processing asynchronously",
}

// docConflicts lists every disagreement found between a page and the SDK
// contract (field names, JSON types, required marks, presence, path, method;
// request and response). Request/response field names and JSON types agree
// everywhere else: no String-vs-number or Boolean-vs-string case exists (page
// Float/Long/Integer/double vs SDK number is not a conflict; esign_1.0
// businessSense and esign_2.0 businessScene are each spelled the same on the
// page and in the SDK).
var docConflicts = []docConflict{
	{
		Action: "CancelCorpAuth", Version: "esign_2.0", Field: "(request body)",
		Page: "请求体 has one row with no name: type Map, 是否必填=是, 请求参数",
		SDK:  "CancelCorpAuthRequest has no fields: the POST is sent with no body and no content-type",
		Note: "SDK wins: the gateway must accept the POST with an empty body and no Content-Type, and must not require a body.",
	},
	{
		Action: "CreateProcess", Version: "esign_2.0", Field: "thirdBizId",
		Page: "request body field, String, 是否必填=否 (三方业务Id, echoed back in the callback notice)",
		SDK:  "absent: CreateProcessRequest has no thirdBizId",
		Note: "Page-only field; SDK clients can never send it. No SDK type to follow: accept a JSON string when present, never require it. " +
			"The callback page (0372) lists no thirdBizId field, so where it is echoed is not documented.",
	},
	{
		Action: "ProcessStart", Version: "esign_2.0", Field: "thirdBizId",
		Page: "request body field, String, 是否必填=否 (三方业务Id, echoed back in the callback notice)",
		SDK:  "absent: ProcessStartRequest has no thirdBizId",
		Note: "Page-only field; SDK clients can never send it. No SDK type to follow: accept a JSON string when present, never require it. " +
			"The callback page (0372) lists no thirdBizId field, so where it is echoed is not documented.",
	},
	{
		Action: "CreateDeveloper", Version: "esign_1.0", Field: "redirectUrl",
		Page: "request body field of a GET, String, 是否必填=否 (通知回调地址, 目前需要手动传入)",
		SDK:  "modelled as a JSON body field, but the request is a GET and the SDK never sends GET bodies: only the content-type header goes out",
		Note: "SDK wins on the wire: the gateway must accept the GET with no body (redirectUrl missing) and must not require it.",
	},
	{
		Action: "GetFile", Version: "esign_1.0", Field: "fileId",
		Page: "path parameter, 是否必填=否",
		SDK:  "positional path argument getFile(fileId), always interpolated into /v1.0/esign/files/{fileId}",
		Note: "Required-ness differs. A path segment cannot be left out (an empty one is another URL), so the SDK's shape wins: " +
			"fileId is always present; the page decides which values are valid.",
	},
	{
		Action: "GetAccessToken", Version: "oauth2_1.0", Field: "appSecret",
		Page: "String, 是否必填=是",
		SDK:  "string, optional (no required mark in the .d.ts)",
		Note: "Required-ness differs; both say string. The page decides the value: a missing or empty appSecret is not valid " +
			"(the page's only error row is 400 invalidClientIdOrSecret).",
	},
	{
		Action: "GetCorpAccessToken", Version: "oauth2_1.0", Field: "(path)",
		Page: "HTTP URL https://api.dingtalk.com/oauth2/corpAccessToken (no /v1.0); the same page's HTTP request example uses POST /v1.0/oauth2/corpAccessToken",
		SDK:  "POST /v1.0/oauth2/corpAccessToken",
		Note: "SDK wins: serve /v1.0/oauth2/corpAccessToken (oauth-0038 also says /v1.0/oauth2/corpAccessToken). docFacts keeps the page's Path.",
	},
	{
		Action: "GetCorpAccessToken", Version: "oauth2_1.0", Field: "x-acs-dingtalk-access-token (header)",
		Page: "the HTTP request example sends x-acs-dingtalk-access-token:1cc1bb3xxxx (the parameter tables list no header)",
		SDK:  "authType Anonymous: no token header is sent",
		Note: "SDK wins: the gateway must not require a token header on the token endpoints.",
	},
}
