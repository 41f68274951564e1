package api

import (
	"net/http"

	"esign-gateway/dingtalk"
)

// The app types whose tokens may call each version's actions.
var (
	appsV1 = []string{dingtalk.AppTypeISVEnterprise}
	appsV2 = []string{dingtalk.AppTypeInternal, dingtalk.AppTypeISVEnterprise}
)

// Error sets many actions share: what can happen on them, before the row's
// Codes say what the client gets for it.
var (
	storeErrs    = []*dingtalk.Error{dingtalk.ErrUnavailable}
	upstreamErrs = []*dingtalk.Error{dingtalk.ErrUpstreamRefused, dingtalk.ErrUpstream, dingtalk.ErrUnavailable, dingtalk.ErrUpstreamTimeout}
	corpErrs     = append([]*dingtalk.Error{dingtalk.ErrNotAuthorized, dingtalk.ErrOrgRefused}, upstreamErrs...)
	userErrs     = append([]*dingtalk.Error{dingtalk.ErrInvalidParam, dingtalk.ErrAccountRefused}, corpErrs...)
	taskErrs     = append([]*dingtalk.Error{dingtalk.ErrInvalidParam, dingtalk.ErrTaskNotFound}, upstreamErrs...)
	detailErrs   = append([]*dingtalk.Error{dingtalk.ErrAccountRefused, dingtalk.ErrOrgRefused}, taskErrs...)
	orderErrs    = []*dingtalk.Error{dingtalk.ErrUnavailable, dingtalk.ErrDuplicateOrder}
	startErrs    = append([]*dingtalk.Error{dingtalk.ErrInvalidParam, dingtalk.ErrNoQuota, dingtalk.ErrAccountRefused}, corpErrs...)
	fileErrs     = append([]*dingtalk.Error{dingtalk.ErrInvalidParam, dingtalk.ErrFileNotFound}, upstreamErrs...)
	signURLErrs  = append([]*dingtalk.Error{dingtalk.ErrNotSigner, dingtalk.ErrAccountRefused}, taskErrs...)
)

// orderCodes are the esign_2.0 order actions' documented codes.
var orderCodes = codes(dingtalk.ErrDuplicateOrder, dingtalk.DoRepeatOrder, dingtalk.ErrQPSLimit, dingtalk.RequestTooMuch)

// actions is the table of DingTalk's API: the 42 e签宝 actions
// (dingtalk-contract.md §4: esign_1.0's 20, esign_2.0's 22) and the 3 token
// endpoints, one row each. A row names the action, its version, method and
// path, its handler (whose request and answer types the OpenAPI document
// reflects), the app types and scope it accepts, the errors it answers and
// what backs it. Titles are the SDK's verbatim, slips included.
func (h *handlers) actions() []route {
	return []route{
		// esign_1.0
		{Action: "AuthUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/auths/url", Group: "鉴权",
			Title: "获取授权的页面地址", Summary: "Get the authorization page URL", Calls: callsAuthURL, Backing: backAuthURL,
			Access: token, Apps: appsV1, ep: op(h.authURL), Errors: storeErrs},
		{Action: "CancelCorpAuth", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/corps/auth/cancel", Group: "鉴权",
			Title: "取消企业的授权", Summary: "Cancel the corp's authorization", Calls: callsCancel, Backing: backCancel,
			Access: token, Apps: appsV1, ep: op(h.cancelAuthV1), Errors: storeErrs},
		{Action: "ChannelOrder", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/orders/channel", Group: "套餐",
			Title: "套餐转售1（分润模式）", Summary: "Resell a plan 1 (revenue sharing)", Calls: callsOrder, Backing: backOrder,
			Access: token, Apps: appsV1, ep: op(h.channelOrder), Errors: orderErrs},
		{Action: "ContractMargin", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/contracts/margin", Group: "套餐",
			Title: "查询套餐余量", Summary: "Query the quota left", Calls: callsMargin, Backing: backMargin,
			Access: token, Apps: appsV1, ep: op(h.margin), Errors: storeErrs},
		{Action: "CorpConsole", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/corps/console", Group: "用户",
			Title: "查询个人信息", Summary: "Get the corp console URL (the SDK's title says 'query personal info', a slip)",
			Calls: callsConsole, Backing: backConsole + "\n\n**决定 / decision:** data 为空对象，地址在响应头 `x-esign-org-console-url`。/ data is {} and the URL is in the `x-esign-org-console-url` header.",
			Access: token, Apps: appsV1, ep: op(h.corpConsoleV1), Errors: corpErrs},
		{Action: "CorpInfo", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/corps/info", Group: "用户",
			Title: "查询企业信息", Summary: "Query the corp's real-name state", Calls: callsCorpInfo, Backing: backCorpInfo,
			Access: token, Apps: appsV1, ep: op(h.corpInfoV1), Errors: corpErrs},
		{Action: "CreateDeveloper", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/developers/create", Group: "鉴权",
			Title: "钉钉ISV服务商的数据初始化", Summary: "Initialise the ISV's settings", Calls: callsDeveloper, Backing: backDeveloper,
			Access: token, Apps: appsV1, ep: op(h.createDeveloperV1), Errors: storeErrs},
		{Action: "GetCorpRealnameUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/corps/realname", Group: "用户",
			Title: "获取跳转到个人实名的地址", Summary: "Get the corp real-name page URL (the SDK's title says 'personal', a slip)", Calls: callsCorpRealname, Backing: backCorpRealname,
			Access: token, Apps: appsV1, ep: op(h.corpRealname), Errors: userErrs},
		{Action: "GetCropStatus", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/corps/statuses", Group: "鉴权",
			Title: "获取企业e签宝微应用状态", Summary: "Get the corp's e签宝 app status", Calls: callsStatus, Backing: backStatus,
			Access: token, Apps: appsV1, ep: op(h.appStatus), Errors: storeErrs},
		{Action: "GetFile", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/files/:fileId", Group: "文件",
			Title: "查询文件详情/下载文件", Summary: "Get a file's details and download URL", Calls: callsFile, Backing: backFile,
			Access: token, Apps: appsV1, ep: op(h.fileInfo), Errors: fileErrs},
		{Action: "GetFlowDetail", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/flows/detail", Group: "签署流程",
			Title: "获取对应流程任务详情", Summary: "Get a flow task's details and log", Calls: callsFlowDetail, Backing: backFlowDetail,
			Access: token, Apps: appsV1, ep: op(h.flowDetailV1), Errors: detailErrs},
		{Action: "GetFlowSignDetail", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/flows/sign/detail", Group: "签署流程",
			Title: "获取对应流程任务详情", Summary: "Get a flow task's signers (the SDK repeats GetFlowDetail's title)", Calls: callsSignDetail, Backing: backSignDetail,
			Access: token, Apps: appsV1, ep: op(h.signDetailV1), Errors: taskErrs},
		{Action: "GetProcessStartUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/process/start", Group: "签署流程",
			Title: "发起签署的地址", Summary: "Get the page to start signing", Calls: callsStart, Backing: backStart,
			Access: token, Apps: appsV1, ep: op(h.startURLV1), Errors: startErrs, Example: startExample(false)},
		{Action: "GetSignNoticeUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/signs/notice/url", Group: "签署流程",
			Title: "获取签署人签署地址", Summary: "Get the next signer's signing URL", Calls: callsSignURL, Backing: backSignURL,
			Access: token, Apps: appsV1, ep: op(h.signNoticeURL), Errors: signURLErrs},
		{Action: "GetUploadUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/files/getUploadUrl", Group: "文件",
			Title: "通过上传方式创建文件", Summary: "Create a file by upload", Calls: callsUpload, Backing: backUpload,
			Access: token, Apps: appsV1, Codes: codes(dingtalk.ErrOrgRefused, dingtalk.V1FailToCreateCorpAccount),
			ep: op(h.uploadURL), Errors: corpErrs},
		{Action: "GetUserInfo", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/users/:userId", Group: "用户",
			Title: "查询个人信息", Summary: "Query a user's real-name state", Calls: callsUser, Backing: backUser,
			Access: token, Apps: appsV1, ep: op(h.userInfoV1), Errors: userErrs},
		{Action: "GetUserRealnameUrl", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/users/realname", Group: "用户",
			Title: "获取跳转到个人实名的地址", Summary: "Get the personal real-name page URL", Calls: callsUserRealname, Backing: backUserRealname,
			Access: token, Apps: appsV1, ep: op(h.userRealname), Errors: userErrs},
		{Action: "ListFlowDocs", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/flows/docs", Group: "签署流程",
			Title: "获取流程任务合同列表", Summary: "List a flow task's signed contracts", Calls: callsDocs, Backing: backDocs,
			Access: token, Apps: appsV1, ep: op(h.flowDocsV1), Errors: taskErrs},
		{Action: "ListSealApproval", Version: esign1, Method: http.MethodGet, Path: "/v1.0/esign/seals/approval/list", Group: "签署流程",
			Title: "获取流程任务用印审批列表", Summary: "List a flow task's seal approvals", Calls: callsApprovals, Backing: backApprovals + "\n\napprovalTime: number (ms) in esign_1.0.",
			Access: token, Apps: appsV1, ep: op(h.sealApprovalsV1), Errors: taskErrs},
		{Action: "OrderResale", Version: esign1, Method: http.MethodPost, Path: "/v1.0/esign/orders/resale", Group: "套餐",
			Title: "套餐转售2（底价结算模式）", Summary: "Resell a plan 2 (floor-price settlement)", Calls: callsOrder, Backing: backOrder,
			Access: token, Apps: appsV1, ep: op(h.resaleOrder), Errors: orderErrs},

		// esign_2.0
		{Action: "ApprovalList", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/approvals/:taskId", Group: "签署流程",
			Title: "获取流程任务用印审批列表", Summary: "List a flow task's seal approvals",
			Calls: callsApprovals, Backing: backApprovals + "\n\napprovalTime: string in esign_2.0 (digits of ms, \"\" when not yet approved).",
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrTaskNotFound, dingtalk.GetFlowInfoError, dingtalk.ErrUpstreamRefused, dingtalk.GetFlowInfoError),
			ep: op(h.approvalList), Errors: taskErrs},
		{Action: "CancelCorpAuth", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/auths/cancel", Group: "鉴权",
			Title: "取消企业的授权", Summary: "Cancel the corp's authorization", Calls: callsCancel, Backing: backCancel + "\n\nSDK 不发送请求体 / the SDK sends no body.",
			Access: token, Apps: appsV2, Scope: scopeEsign, ep: op(h.cancelAuth), Errors: storeErrs},
		{Action: "ChannelOrders", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/orders/channel", Group: "套餐",
			Title: "套餐转售1（分润模式）", Summary: "Resell a plan 1 (revenue sharing)", Calls: callsOrder, Backing: backOrder,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: orderCodes,
			ep: op(h.channelOrder), Errors: orderErrs},
		{Action: "CorpRealname", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/corps/realnames", Group: "用户",
			Title: "生成企业实名的跳转地址", Summary: "Get the corp real-name page URL", Calls: callsCorpRealname, Backing: backCorpRealname,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrAccountRefused, dingtalk.CreateUserError, dingtalk.ErrOrgRefused, dingtalk.CreateUserError),
			ep: op(h.corpRealname), Errors: userErrs},
		{Action: "CreateDevelopers", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/developers", Group: "鉴权",
			Title: "钉钉ISV服务商数据初始化", Summary: "Initialise the ISV's settings", Calls: callsDeveloper, Backing: backDeveloper,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrInvalidParam, dingtalk.IllegalArgument),
			ep: op(h.createDevelopers), Errors: storeErrs},
		{Action: "CreateProcess", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/process/startAtOnce", Group: "签署流程",
			Title: "通过API发起签署流程", Summary: "Create and start a signing flow", Calls: callsCreate, Backing: backCreate,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrAccountRefused, dingtalk.CreateUserAccount, dingtalk.ErrOrgRefused, dingtalk.CreateOrgAccount, dingtalk.ErrUpstreamRefused, dingtalk.CreateFlowError, dingtalk.ErrNoQuota, dingtalk.CreateFlowError),
			ep: op(h.createProcess), Errors: startErrs, Example: startExample(true)},
		{Action: "GetAttachsApproval", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/dingInstances/:instanceId/attachments", Group: "签署流程",
			Title: "获取钉钉审批实例-电子附件信息", Summary: "Get the e-sign attachments of a DingTalk approval instance",
			Calls: callsAttachs, Backing: backAttachs + "\n\n钉钉文档目录未列出此接口，归入签署流程。/ DingTalk's tree does not list this action; it is filed under 签署流程.",
			Access: token, Apps: appsV2, Scope: scopeEsign, ep: op(h.attachments),
			Errors: append([]*dingtalk.Error{dingtalk.ErrInvalidParam, dingtalk.ErrInstanceNotFound}, upstreamErrs...)},
		{Action: "GetAuthUrl", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/auths/urls", Group: "鉴权",
			Title: "生成授权页面地址", Summary: "Get the authorization page URL", Calls: callsAuthURL, Backing: backAuthURL,
			Access: token, Apps: appsV2, Scope: scopeEsign, ep: op(h.authURL), Errors: storeErrs},
		{Action: "GetContractMargin", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/margins", Group: "套餐",
			Title: "查询套餐余量", Summary: "Query the quota left", Calls: callsMargin, Backing: backMargin,
			Access: token, Apps: appsV2, Scope: scopeEsign, ep: op(h.margin), Errors: storeErrs},
		{Action: "GetCorpConsole", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/corps/consoles", Group: "用户",
			Title: "获取企业控制台地址", Summary: "Get the corp console URL", Calls: callsConsole, Backing: backConsole,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrOrgRefused, dingtalk.CreateOrgAccount, dingtalk.ErrUpstreamRefused, dingtalk.CreateOrgAccount),
			ep: op(h.corpConsole), Errors: corpErrs},
		{Action: "GetCorpInfo", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/corps/infos", Group: "用户",
			Title: "查询企业信息", Summary: "Query the corp's real-name state",
			Calls: callsCorpInfo, Backing: backCorpInfo + "\n\nisRealName 为字符串 \"true\"/\"false\"（esign_1.0 为布尔 realName）/ isRealName is a string (esign_1.0 sends a boolean realName).",
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrOrgRefused, dingtalk.CreateOrgAccount, dingtalk.ErrUpstreamRefused, dingtalk.GetUserInfoError),
			ep: op(h.corpInfo), Errors: corpErrs},
		{Action: "GetExecuteUrl", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/process/executeUrls", Group: "签署流程",
			Title: "获取签署人签署地址", Summary: "Get a signer's signing URL", Calls: callsSignURL, Backing: backSignURL,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrTaskNotFound, dingtalk.GetFlowInfoFailed, dingtalk.ErrNotSigner, dingtalk.GetSignURLError, dingtalk.ErrAccountRefused, dingtalk.GetUserInfoFail, dingtalk.ErrUpstreamRefused, dingtalk.GetSignURLError),
			ep: op(h.executeURL), Errors: signURLErrs},
		{Action: "GetFileInfo", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/files/:fileId", Group: "文件",
			Title: "获取文件详情", Summary: "Get a file's details", Calls: callsFile, Backing: backFile,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrFileNotFound, dingtalk.GetFileInfoError, dingtalk.ErrOrgRefused, dingtalk.CreateOrgAccount, dingtalk.ErrUpstreamRefused, dingtalk.GetFileInfoError),
			ep: op(h.fileInfo), Errors: fileErrs},
		{Action: "GetFileUploadUrl", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/files/uploadUrls", Group: "文件",
			Title: "获取文件上传地址", Summary: "Get a file upload URL", Calls: callsUpload, Backing: backUpload,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrOrgRefused, dingtalk.CreateOrgAccount, dingtalk.ErrAccountRefused, dingtalk.GetUserInfoError, dingtalk.ErrUpstreamRefused, dingtalk.GetUploadURLError),
			ep: op(h.uploadURL), Errors: corpErrs},
		{Action: "GetFlowDetail", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/flowTasks/:taskId", Group: "签署流程",
			Title: "获取流程详细信息及操作记录", Summary: "Get a flow's details and operation log", Calls: callsFlowDetail, Backing: backFlowDetail,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrTaskNotFound, dingtalk.FlowNotExists, dingtalk.ErrAccountRefused, dingtalk.UserInfoError, dingtalk.ErrUpstreamRefused, dingtalk.QueryFlowDetail),
			ep: op(h.flowDetail), Errors: detailErrs},
		{Action: "GetFlowDocs", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/flowTasks/:taskId/docs", Group: "签署流程",
			Title: "获取流程任务的所有合同列表，收到签署完成消息后查询", Summary: "List a flow task's contracts, once signing is complete", Calls: callsDocs, Backing: backDocs,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrTaskNotFound, dingtalk.GetFlowInfoError, dingtalk.ErrUpstreamRefused, dingtalk.QueryFlowDocInfo),
			ep: op(h.flowDocs), Errors: taskErrs},
		{Action: "GetIsvStatus", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/corps/appStatus", Group: "用户",
			Title: "获取企业的e签宝微应用当前状态", Summary: "Get the corp's e签宝 app status", Calls: callsStatus, Backing: backStatus,
			Access: token, Apps: appsV2, Scope: scopeEsign, ep: op(h.appStatus), Errors: storeErrs},
		{Action: "GetSignDetail", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/signTasks/:taskId", Group: "签署流程",
			Title: "获取流程签署的详细信息", Summary: "Get a flow's signers", Calls: callsSignDetail, Backing: backSignDetail,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrTaskNotFound, dingtalk.FlowNotExists, dingtalk.ErrUpstreamRefused, dingtalk.QueryFlowSigners),
			ep: op(h.signDetail), Errors: taskErrs},
		{Action: "GetUserInfo", Version: esign2, Method: http.MethodGet, Path: "/v2.0/esign/users/:userId", Group: "用户",
			Title: "查询个人信息", Summary: "Query a user's real-name state",
			Calls: callsUser, Backing: backUser + "\n\nisRealName 为字符串（esign_1.0 为布尔 realName）/ isRealName is a string (esign_1.0 sends a boolean realName).",
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrAccountRefused, dingtalk.CreateUserError, dingtalk.ErrUpstreamRefused, dingtalk.GetUserInfoError),
			ep: op(h.userInfo), Errors: userErrs},
		{Action: "ProcessStart", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/processes/startUrls", Group: "签署流程",
			Title: "获取发起签署任务的地址", Summary: "Get the page to start a signing task", Calls: callsStart, Backing: backStart,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrNoQuota, dingtalk.ServiceError, dingtalk.ErrUpstreamRefused, dingtalk.ServiceError, dingtalk.ErrAccountRefused, dingtalk.ServiceError, dingtalk.ErrOrgRefused, dingtalk.ServiceError),
			ep: op(h.startURL), Errors: startErrs, Example: startExample(false)},
		{Action: "ResaleOrder", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/orders/resale", Group: "套餐",
			Title: "套餐转售2（底价结算模式）", Summary: "Resell a plan 2 (floor-price settlement)", Calls: callsOrder, Backing: backOrder,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: orderCodes,
			ep: op(h.resaleOrder), Errors: orderErrs},
		{Action: "UsersRealname", Version: esign2, Method: http.MethodPost, Path: "/v2.0/esign/users/realnames", Group: "用户",
			Title: "获取跳转到个人实名的地址", Summary: "Get the personal real-name page URL", Calls: callsUserRealname, Backing: backUserRealname,
			Access: token, Apps: appsV2, Scope: scopeEsign, Codes: codes(dingtalk.ErrAccountRefused, dingtalk.ServiceError, dingtalk.ErrUpstreamRefused, dingtalk.ServiceError),
			ep: op(h.userRealname), Errors: userErrs},

		// oauth2_1.0: anonymous, as DingTalk's.
		{Action: "GetCorpAccessToken", Version: oauth2, Method: http.MethodPost, Path: "/v1.0/oauth2/corpAccessToken", Group: tagOAuth,
			Title: "获取企业accessToken(应用商店应用)", Summary: "Get a corp access token (third-party enterprise app)", Calls: callsToken, Backing: backToken,
			ep: op(h.corpToken), FieldErrors: map[string]*dingtalk.Error{"suiteKey": dingtalk.ErrInvalidSuiteKey, "suiteSecret": dingtalk.ErrInvalidSuiteKey,
				"suiteTicket": dingtalk.ErrInvalidSuiteTicket, "authCorpId": dingtalk.ErrInvalidAuthInfo}, Errors: []*dingtalk.Error{dingtalk.ErrInvalidSuiteKey, dingtalk.ErrInvalidSuiteTicket, dingtalk.ErrInvalidAuthInfo, dingtalk.ErrUnavailable}},
		{Action: "GetAccessToken", Version: oauth2, Method: http.MethodPost, Path: "/v1.0/oauth2/accessToken", Group: tagOAuth,
			Title: "获取企业accessToken(企业内部应用)", Summary: "Get an access token (internal app)",
			Calls: callsToken, Backing: backToken + "\n\n此令牌不能调用 e签宝 接口（403）。/ Such tokens may not call e签宝 actions (403).",
			ep: op(h.appToken), FieldErrors: map[string]*dingtalk.Error{"appKey": dingtalk.ErrInvalidClient, "appSecret": dingtalk.ErrInvalidClient},
			Errors: []*dingtalk.Error{dingtalk.ErrInvalidClient, dingtalk.ErrUnavailable}},
		{Action: "GetSuiteAccessToken", Version: oauth2, Method: http.MethodPost, Path: "/v1.0/oauth2/suiteAccessToken", Group: tagOAuth,
			Title: "获取isvAccessToken（三方企业应用）", Summary: "Get a suite access token (third-party enterprise app)", Calls: callsToken, Backing: backToken,
			ep: op(h.suiteToken), FieldErrors: map[string]*dingtalk.Error{"suiteKey": dingtalk.ErrInvalidClient, "suiteSecret": dingtalk.ErrInvalidClient,
				"suiteTicket": dingtalk.ErrInvalidSuiteTicket}, Errors: []*dingtalk.Error{dingtalk.ErrInvalidClient, dingtalk.ErrInvalidSuiteTicket, dingtalk.ErrUnavailable}},
	}
}

// startExample prefills the explorer's forms; <fileId> comes from GetFileUploadUrl.
func startExample(create bool) map[string]any {
	file := map[string]any{"fileId": "<fileId>", "fileName": "合同.pdf"}
	p := map[string]any{"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "2"}
	if create {
		file["fileType"] = 1
		p["signOrder"] = 1
	}
	return map[string]any{"taskName": "劳动合同", "initiatorUserId": "u1", "files": []any{file}, "participants": []any{p}}
}
