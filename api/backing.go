package api

import (
	"slices"

	"esign-gateway/esign"
)

// What each action is backed by (the service's doc comments say the same),
// shared by the esign_1.0 and esign_2.0 twins. Chinese first, then English.
// The action table (actions.go) gives each route its text.

// Decisions the pages leave open, stated in the descriptions.
const (
	appStatusNote = "installStatus 按钉钉页面：OPEN 已开通 / CLOSE 未开通；authStatus：AUTH 已授权 / UNAUTH 未授权（含取消授权之后）。/ " +
		"As DingTalk's page documents: installStatus OPEN / CLOSE, authStatus AUTH / UNAUTH (also after CancelCorpAuth)."
	logTypeDesc = "logType 按钉钉页面的编码 / DingTalk's documented codes: 1 创建流程 created, 4 开启流程 started, 5 撤回流程 revoked or terminated, " +
		"6 流程过期 expired, 7 归档流程 archived (completed), 8 查看流程 read, 23 签署 signed, 26 拒绝签署 refused. e签宝 shows no other " +
		"event the page lists, so the other codes never appear; a failed signing attempt is not logged."
	approvalStatusDesc = "用印审批状态按钉钉页面 / documented statuses: APPROVING 审批中 (e签宝 1), AGREED 审批通过 (2), REFUSED 审批拒绝 " +
		"(3 驳回; also 4 撤回 and 5 终止, which DingTalk does not list: an approval that did not agree); an unknown number is APPROVING."
	nodeStatusDesc = "审批节点状态 / node status: WAIT 等待审批 (e签宝 0), APPROVING 审批中 (1), AGREED 审批通过 (2), REFUSED 审批拒绝 (3)."
)

const (
	backAuthURL = "**背后 / backing:** 创建授权任务，页面为网关的授权同意页 `/pages/auth/{taskId}`（2 小时内有效、只能提交一次）；提交后管理员转到 e签宝 " +
		"机构认证授权页（`POST /v3/org-auth-url`，申请 manage_org_resource 等权限），e签宝 回调 `AUTHORIZE_FINISH`（或返回时查询 " +
		"`GET /v3/auth-flow/{authFlowId}`）后企业才标记为已授权，推送 `CORP_AUTH`。\n" +
		"An authorization task whose pages are the gateway's consent page `/pages/auth/{taskId}` (usable once, within 2 hours); its " +
		"button sends the admin to e签宝's organization authorization page (`POST /v3/org-auth-url`, asking manage_org_resource and " +
		"more); the corp is authorized, and `CORP_AUTH` pushed, only when e签宝 reports the grant (`AUTHORIZE_FINISH`, or " +
		"`GET /v3/auth-flow/{authFlowId}` when the admin returns)."
	backCancel = "**背后 / backing:** 网关自有状态——企业标记为未授权，已签发的令牌在所有副本上立即失效（授权纪元递增并广播）。e签宝 无对应接口。\n" +
		"Gateway-owned: the corp is marked unauthorized and every token issued for it stops working at once on every replica " +
		"(its epoch moves on and a change notice goes out). e签宝 has no counterpart."
	backDeveloper = "**背后 / backing:** 网关自有状态——保存 ISV 的 noticeUrl（事件推送地址）与 redirectUrl（页面返回地址）。e签宝 无对应接口。\n" +
		"Gateway-owned: stores the ISV's noticeUrl (pushed events) and redirectUrl (where pages return). e签宝 has no counterpart."
	backStatus = "**背后 / backing:** 网关自有状态——企业的安装与授权记录。\nGateway-owned: the corp's installation and authorization record.\n\n" +
		"**决定 / decision:** " + appStatusNote
	backOrder = "**背后 / backing:** 网关账本（e签宝 无对应接口）——每个 orderId 记一次；相同请求体重放返回同一 esignOrderId，不同请求体返回 409。" +
		"购买的份数由 CreateProcess 等发起接口消耗。\n" +
		"Gateway ledger (e签宝 has no counterpart): one entry per orderId; the same body again returns the same esignOrderId, a different " +
		"body under the same orderId is 409 duplicateClientToken. The contracts bought are used by CreateProcess and the start pages."
	backMargin   = "**背后 / backing:** 网关账本——已购份数减已用份数。\nGateway ledger: contracts bought minus contracts used (e签宝 has no counterpart)."
	backCorpInfo = "**背后 / backing:** e签宝 `GET /v3/organizations/identity-info`（企业的 e签宝 机构账号，首次使用时创建）。\n" +
		"e签宝 `GET /v3/organizations/identity-info` for the corp's organization (created on first use)."
	backConsole = "**背后 / backing:** e签宝 `POST /v3/organizations/org-console-url`。\ne签宝 `POST /v3/organizations/org-console-url` for the corp's organization."
	backUser    = "**背后 / backing:** e签宝 `GET /v3/persons/identity-info`（用户的 e签宝 个人账号，首次使用时以 `POST /v1/accounts/createByThirdPartyUserId` 创建）。\n" +
		"e签宝 `GET /v3/persons/identity-info` for the user's person account (created on first use with `POST /v1/accounts/createByThirdPartyUserId`)."
	backCorpRealname = "**背后 / backing:** e签宝 `POST /v2/identity/auth/web/{orgId}/orgIdentityUrl`（以该用户为经办人），并记录一个任务。\n" +
		"e签宝 `POST /v2/identity/auth/web/{orgId}/orgIdentityUrl` with the user as agent, recorded as a task."
	backUserRealname = "**背后 / backing:** e签宝 `POST /v2/identity/auth/web/{accountId}/indivIdentityUrl`，并记录一个任务。\n" +
		"e签宝 `POST /v2/identity/auth/web/{accountId}/indivIdentityUrl`, recorded as a task."
	backUpload = "**背后 / backing:** e签宝 `POST /v1/files/getUploadUrl`；文件归属调用方企业。客户端自行把文件 PUT 到 uploadUrl（带 Content-MD5 与 Content-Type）。\n" +
		"e签宝 `POST /v1/files/getUploadUrl`; the file then belongs to the caller's corp. The client PUTs the bytes to uploadUrl itself " +
		"(with Content-MD5 and Content-Type), as with DingTalk."
	backFile       = "**背后 / backing:** e签宝 `GET /v1/files/{fileId}`（仅限调用方企业的文件）。\ne签宝 `GET /v1/files/{fileId}`, for files of the caller's corp only."
	backFlowDetail = "**背后 / backing:** e签宝 `GET /v1/signflows/{flowId}` + `GET /v1/signflows/{flowId}/signers` + 网关任务日志（由回调与签署人状态写入；" +
		"发起人与发起主体名称来自 `GET /v1/accounts/{id}`、`GET /v1/organizations/{id}`）。\n" +
		"e签宝 `GET /v1/signflows/{flowId}` + `/signers` + the task's log (written by callbacks and by what /signers shows; names from " +
		"`GET /v1/accounts/{id}` and `GET /v1/organizations/{id}`).\n\n**决定 / decision:** " + logTypeDesc + staleNote
	backSignDetail = "**背后 / backing:** e签宝 `GET /v1/signflows/{flowId}` + `GET /v1/signflows/{flowId}/signers`。\n" +
		"e签宝 `GET /v1/signflows/{flowId}` and `GET /v1/signflows/{flowId}/signers`." + staleNote
	backDocs = "**背后 / backing:** e签宝 `GET /v1/signflows/{flowId}/documents`（流程完成前 e签宝 拒绝）。\n" +
		"e签宝 `GET /v1/signflows/{flowId}/documents` (e签宝 refuses before the flow completes)." + staleNote +
		"文件链接仅在其 60 分钟有效期剩余 5 分钟以上时提供。/ Held links are served only while 5 of their 60 minutes are left."
	backStart = "**背后 / backing:** e签宝 `POST /api/v2/signflows/createFlowOneStep`（不自动开启）建草稿流程，发起人在网关发起页 `/pages/start/{taskId}` " +
		"一键开启（`PUT /v1/signflows/{flowId}/start`）；使用企业一份套餐。\n" +
		"e签宝 `POST /api/v2/signflows/createFlowOneStep` without autoInitiate prepares a draft; the initiator starts it on the gateway's " +
		"start page `/pages/start/{taskId}` (`PUT /v1/signflows/{flowId}/start`). Uses one contract of the corp's quota."
	backCreate = "**背后 / backing:** e签宝 `POST /api/v2/signflows/createFlowOneStep`（立即开启、自动归档、回调到网关），先为发起人与签署人建 e签宝 账号；" +
		"使用企业一份套餐。\n" +
		"e签宝 `POST /api/v2/signflows/createFlowOneStep` (started at once, archived automatically, callbacks to the gateway), after " +
		"ensuring e签宝 accounts for the initiator and participants. Uses one contract of the corp's quota."
	backSignURL = "**背后 / backing:** e签宝 `GET /v1/signflows/{flowId}/executeUrl`，签署人为请求指定的参与人，否则为下一位待签署人（`/signers`）。\n" +
		"e签宝 `GET /v1/signflows/{flowId}/executeUrl` for the participant named, or else the next signer still to sign (`/signers`)."
	backApprovals = "**背后 / backing:** e签宝 `POST /v3/approval/approval-task-list`（企业机构）+ `GET /v3/approval/{approvalFlowId}/detail`。\n" +
		"e签宝 `POST /v3/approval/approval-task-list` for the corp's organization, then `GET /v3/approval/{approvalFlowId}/detail`.\n\n" +
		"**决定 / decision:** " + approvalStatusDesc + "\n" + nodeStatusDesc
	backAttachs = "**背后 / backing:** 网关任务与审批实例的关联（sourceInfo 链接中的 procInstId/instanceId，或 POST /admin/v1/tasks）+ e签宝 " +
		"`GET /v1/signflows/{flowId}`、`GET /v1/files/{fileId}`、完成后 `GET /v1/signflows/{flowId}/documents`。\n" +
		"The gateway's links from approval instances to tasks (procInstId/instanceId in sourceInfo URLs, or POST /admin/v1/tasks) + e签宝 " +
		"`GET /v1/signflows/{flowId}`, `GET /v1/files/{fileId}` and, once complete, `GET /v1/signflows/{flowId}/documents`."
)

const backToken = "**背后 / backing:** 网关自有——网关用自己的密钥签发 JWT（HS256，7200秒，记录企业授权纪元）；应用来自 dingtalk.apps 配置。\n" +
	"Gateway-owned: the gateway signs a JWT (HS256, 7200 s, carrying the corp's authorization epoch) with its own keys; apps come from the dingtalk.apps setting."

// The e签宝 endpoints each action may call (none: state the gateway owns),
// beside its backing text; `esign-gateway check` reads them to say which
// actions an e签宝 account is ready for.
var (
	personCalls = []string{esign.EpPersonCreate}
	orgCalls    = []string{esign.EpPersonCreate, esign.EpOrgCreate}

	callsAuthURL      = []string{esign.EpOrgAuthURL, esign.EpAuthFlow} // the consent page's
	callsCancel       []string
	callsDeveloper    []string
	callsStatus       []string
	callsOrder        []string
	callsMargin       []string
	callsToken        []string
	callsCorpInfo     = append(slices.Clone(orgCalls), esign.EpOrgIdentity)
	callsConsole      = append(slices.Clone(orgCalls), esign.EpConsole)
	callsUser         = append(slices.Clone(personCalls), esign.EpPsnIdentity)
	callsCorpRealname = append(slices.Clone(orgCalls), esign.EpOrgRealname)
	callsUserRealname = append(slices.Clone(personCalls), esign.EpIndivRealname)
	callsUpload       = append(slices.Clone(orgCalls), esign.EpUploadURL)
	callsFile         = []string{esign.EpFile}
	callsFlowDetail   = []string{esign.EpFlow, esign.EpSigners, esign.EpPerson, esign.EpOrg}
	callsSignDetail   = []string{esign.EpFlow, esign.EpSigners}
	callsDocs         = []string{esign.EpDocuments}
	callsStart        = append(slices.Clone(orgCalls), esign.EpOneStep, esign.EpStart)
	callsCreate       = append(slices.Clone(orgCalls), esign.EpOneStep)
	callsSignURL      = []string{esign.EpSigners, esign.EpExecuteURL}
	callsApprovals    = []string{esign.EpApprovalList, esign.EpApproval}
	callsAttachs      = []string{esign.EpFlow, esign.EpFile, esign.EpDocuments}
)

// staleNote: what the three reads answer while e签宝 is down
// (service.Staleness).
const staleNote = "\n\n**e签宝 故障时 / while e签宝 is down** (熔断、超时、5xx / breaker open, timeout, 5xx): 以网关最后读到的状态" +
	"（状态与日志来自回调更新的存储）作答，响应体不变，带响应头 `Age`（秒）与 `X-Esigngw-Stale: true`；网关未持有时照常报错。/ " +
	"answered from the state the gateway last read (status and log from the store, kept current by callbacks), body unchanged, " +
	"with the headers `Age` (seconds) and `X-Esigngw-Stale: true`; with nothing held the error stands. "
