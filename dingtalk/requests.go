package dingtalk

// Requests of the e签宝 actions and the token endpoints
// (dingtalk-contract.md §4, §5). Field names and JSON types are the SDK
// models'. The tags say where a field travels and what it must be (see
// Check, in check.go): the same tags give the OpenAPI document its
// parameters, schemas and required lists, so the two cannot drift.
//
//	json:"name"      a body field (the SDK sends JSON, §2.6)
//	path:"name"      a path parameter; query:"name" a query parameter
//	doc:"…"          the description (Chinese / English)
//	required:"…"     "true", or the versions that require it ("esign_1.0")
//	min, max         bounds of a number; maxItems of a list; enum the values
//
// Every list has a maxItems (TestEveryListBounded): the bound on what one
// request may make the gateway do (README, decisions). Files follow
// e签宝's createFlowOneStep (文件数 ≤ 50); the other lists are the
// gateway's choice where no page states one. MaxSignFields is e签宝's
// 签署区 ≤ 300 per flow, checked across lists by the service.

// MaxSignFields is e签宝's limit of sign fields (签署区) per flow
// (createFlowOneStep: 签署区 ≤ 300): participants × their sign requirements
// × contract files.
const MaxSignFields = 300

// None is the request of an action that takes none (its SDK method has no
// request argument).
type None struct{}

// CancelCorpAuthRequest is esign_2.0 CancelCorpAuth's request model, which
// has no fields (the SDK sends an empty POST).
type CancelCorpAuthRequest struct{}

// TaskPath is a task id in the path (esign_2.0 flow actions).
type TaskPath struct {
	TaskID string `path:"taskId" doc:"任务ID（CreateProcess、ProcessStart 等返回）/ task id returned by CreateProcess, ProcessStart and the like"`
}

// TaskQuery is esign_1.0's ?taskId= (the SDK marks it optional; the
// gateway needs it).
type TaskQuery struct {
	TaskID string `query:"taskId" required:"true" doc:"任务ID（SDK 标为可选，网关必需）/ task id (optional in the SDK model, required by the gateway)"`
}

// FilePath is a file id in the path.
type FilePath struct {
	FileID string `path:"fileId" doc:"文件ID（GetFileUploadUrl 返回）/ file id returned by GetFileUploadUrl"`
}

// UserPath is a DingTalk userId in the path.
type UserPath struct {
	UserID string `path:"userId" doc:"钉钉用户ID / the DingTalk userId"`
}

// InstancePath is a DingTalk approval instance id in the path.
type InstancePath struct {
	InstanceID string `path:"instanceId" doc:"钉钉审批实例ID / DingTalk approval instance id"`
}

const redirectDoc = "完成后跳转地址（http/https）/ where the page returns to (http or https)"

// RedirectRequest is the body of AuthUrl/GetAuthUrl.
type RedirectRequest struct {
	RedirectURL string `json:"redirectUrl" doc:"完成后跳转地址（http/https）/ where the page returns to (http or https)"`
}

// DeveloperQuery is esign_1.0 CreateDeveloper: a GET whose body the SDK
// never sends, so its fields are read from the query too.
type DeveloperQuery struct {
	NoticeURL   string `json:"noticeUrl" query:"noticeUrl" doc:"事件推送地址；SDK 的 GET 不发送请求体，故网关也从查询参数读取 / event URL; the SDK's GET sends no body, so the gateway reads the query too"`
	RedirectURL string `json:"redirectUrl" query:"redirectUrl" doc:"完成后跳转地址（http/https）/ where the page returns to (http or https)"`
}

// DeveloperRequest is esign_2.0 CreateDevelopers.
type DeveloperRequest struct {
	NoticeURL   string `json:"noticeUrl" doc:"事件推送地址（http/https）/ where events are pushed (http or https)"`
	RedirectURL string `json:"redirectUrl" doc:"页面完成后的默认跳转地址（网关扩展，SDK 模型无此字段）/ where pages return by default (a gateway extension; not in the SDK model)"`
}

// UserPageRequest is the body of the real-name page actions (esign_1.0
// GetCorpRealnameUrl's SDK model has no redirectUrl; the gateway takes it
// there too).
type UserPageRequest struct {
	RedirectURL string `json:"redirectUrl" doc:"完成后跳转地址（http/https）/ where the page returns to (http or https)"`
	UserID      string `json:"userId" required:"true" doc:"钉钉用户ID / DingTalk userId"`
}

// UploadURLRequest is GetUploadUrl/GetFileUploadUrl.
type UploadURLRequest struct {
	ContentMd5  string `json:"contentMd5" required:"true" doc:"文件内容MD5的Base64 / base64 of the content's MD5"`
	ContentType string `json:"contentType" required:"true" enum:"application/octet-stream,application/pdf" doc:"MIME类型 / MIME type: application/octet-stream or application/pdf (e签宝 takes these two; the PUT of the bytes must send the same)"`
	Convert2Pdf *bool  `json:"convert2Pdf" required:"esign_1.0" doc:"是否转为PDF，默认false / convert to PDF; default false"`
	FileName    string `json:"fileName" required:"true" doc:"文件名，需带扩展名，不能含 /\\:*\"<>|? / name with an extension, without /\\:*\"<>|?"`
	FileSize    *int64 `json:"fileSize" required:"true" min:"1" doc:"文件大小（字节）/ size in bytes"`
}

// ChannelOrderRequest is ChannelOrder/ChannelOrders (分润模式).
type ChannelOrderRequest struct {
	ItemCode        string `json:"itemCode" required:"true" doc:"商品码 / item code"`
	ItemName        string `json:"itemName" required:"true" doc:"商品名称 / item name"`
	OrderCreateTime *int64 `json:"orderCreateTime" required:"esign_2.0" min:"1" doc:"下单时间，毫秒时间戳 / Unix time in ms"`
	OrderID         string `json:"orderId" required:"true" doc:"订单号，幂等键 / order id, the idempotency key"`
	PayFee          *int64 `json:"payFee" required:"esign_1.0" min:"0" doc:"支付金额（分）/ amount paid, in fen"`
	Quantity        *int64 `json:"quantity" required:"true" min:"1" doc:"合同份数 / number of contracts"`
}

// ResaleOrderRequest is OrderResale/ResaleOrder (底价结算模式).
type ResaleOrderRequest struct {
	OrderCreateTime  *int64 `json:"orderCreateTime" required:"true" min:"1" doc:"下单时间，毫秒时间戳 / Unix time in ms"`
	OrderID          string `json:"orderId" required:"true" doc:"订单号，幂等键 / order id, the idempotency key"`
	Quantity         *int64 `json:"quantity" required:"true" min:"1" doc:"合同份数 / number of contracts"`
	ServiceStartTime *int64 `json:"serviceStartTime" required:"esign_1.0" min:"1" doc:"服务开始时间，毫秒时间戳 / Unix time in ms"`
	ServiceStopTime  *int64 `json:"serviceStopTime" required:"true" min:"1" doc:"服务结束时间，毫秒时间戳 / Unix time in ms"`
}

// bad refuses a service that starts after it stops.
func (r *ResaleOrderRequest) bad(string) string {
	if r.ServiceStartTime != nil && r.ServiceStopTime != nil && *r.ServiceStartTime > *r.ServiceStopTime {
		return "serviceStartTime"
	}
	return ""
}

const (
	accountTypeDoc = "参与人类型 / party type: DING_USER 钉钉用户 (userId), OUTER_USER 外部用户 (account)"
	signReqDoc     = "签署要求 / what the party signs with: \"1\" 企业章 the corp's seal, \"2\" 个人签名 a personal signature, \"1,2\" both"
	partyIDNote    = "userId 与 account 至少填一个 / give userId or account"
)

// Party is a cc of a start or create request, and what a participant is.
type Party struct {
	Account     string `json:"account" doc:"外部用户的手机号或邮箱 / an outside person's mobile or e-mail; userId 与 account 至少填一个 / give userId or account"`
	AccountName string `json:"accountName" doc:"姓名 / name"`
	AccountType string `json:"accountType" required:"true" enum:"DING_USER,OUTER_USER" doc:"参与人类型 / party type: DING_USER 钉钉用户 (userId), OUTER_USER 外部用户 (account)"`
	OrgName     string `json:"orgName" doc:"所属企业名称 / organization name"`
	UserID      string `json:"userId" doc:"钉钉用户ID / DingTalk userId; userId 与 account 至少填一个 / give userId or account"`
}

// bad asks for one of userId and account.
func (p *Party) bad(string) string {
	if p.UserID == "" && p.Account == "" {
		return "userId"
	}
	return ""
}

// StartParticipant is a signer of a start page request.
type StartParticipant struct {
	Party
	SignRequirements string `json:"signRequirements" enum:"1|2|1,2" doc:"签署要求 / what the party signs with: \"1\" 企业章 the corp's seal, \"2\" 个人签名 a personal signature, \"1,2\" both; 默认 / default \"2\""`
}

// CreateParticipant is a signer of CreateProcess.
type CreateParticipant struct {
	Party
	SignOrder        *int64    `json:"signOrder" doc:"签署顺序 / signing order"`
	SignPosList      []SignPos `json:"signPosList" maxItems:"100" doc:"签署位置 / where to sign (至多100 / at most 100: one per file and requirement)"`
	SignRequirements string    `json:"signRequirements" required:"true" enum:"1|2|1,2" doc:"签署要求 / what the party signs with: \"1\" 企业章 the corp's seal, \"2\" 个人签名 a personal signature, \"1,2\" both"`
}

// SignPos is where a participant signs.
type SignPos struct {
	FileID          string    `json:"fileId" doc:"文件ID / file id"`
	IsCrossPage     bool      `json:"isCrossPage" doc:"骑缝章 / seal across pages"`
	NeedSignDate    bool      `json:"needSignDate" doc:"是否显示签署日期 / show the signing date"`
	Page            string    `json:"page" doc:"页码 / page, e.g. \"1\""`
	SignDate        *SignDate `json:"signDate" doc:"签署日期样式 / the signing date's format"`
	SignRequirement string    `json:"signRequirement" enum:"1,2" doc:"签署要求 / what this position is for: \"1\" 企业章 the corp's seal, \"2\" 经办人 the person's signature; 缺省时用于参与方的每种签署要求 / when empty, every requirement of the participant"`
	X               *float64  `json:"x" doc:"X坐标 / x position"`
	Y               *float64  `json:"y" doc:"Y坐标 / y position"`
}

// SignDate is the format of a signing date stamp.
type SignDate struct {
	Format string `json:"format" enum:"yyyy/MM/dd|yyyy-MM-dd|yyyy年MM月dd日" doc:"日期格式 / date format"`
}

// StartFile is a document of a start page request.
type StartFile struct {
	FileID   string `json:"fileId" required:"true" doc:"文件ID / file id"`
	FileName string `json:"fileName" required:"true" doc:"文件名（带扩展名）/ file name with extension"`
}

// CreateFile is a document of CreateProcess.
type CreateFile struct {
	StartFile
	FileType *int64 `json:"fileType" required:"true" enum:"1,2" doc:"文件类型 / file type: 1 合同文件 a contract to sign, 2 附件 an attachment to read (no sign fields, not billed as a contract)"`
}

// SourceInfo links a flow to where it came from in DingTalk; its URLs may
// carry the approval instance id (procInstId / instanceId).
type SourceInfo struct {
	MobileURL string `json:"mobileUrl" doc:"移动端来源地址 / mobile source URL"`
	PCURL     string `json:"pcUrl" doc:"PC端来源地址 / desktop source URL"`
	ShowText  string `json:"showText" doc:"展示文案 / link text"`
}

// StartRequestV1 is esign_1.0 GetProcessStartUrl.
type StartRequestV1 struct {
	Ccs             []Party            `json:"ccs" maxItems:"50" doc:"抄送人，至多50 / people in copy, at most 50"`
	Files           []StartFile        `json:"files" required:"true" maxItems:"50" doc:"待签文件，1至50个（e签宝 每流程文件数 ≤ 50）/ files to sign, 1 to 50 (e签宝's limit per flow)"`
	InitiatorUserID string             `json:"initiatorUserId" required:"true" doc:"发起人钉钉用户ID / the initiator's DingTalk userId"`
	Participants    []StartParticipant `json:"participants" maxItems:"50" doc:"签署人，至多50，缺省时发起人个人签署 / signers, at most 50; the initiator signs personally when none"`
	RedirectURL     string             `json:"redirectUrl" doc:"完成后跳转地址（http/https）/ where the page returns to (http or https)"`
	SignEndTime     *int64             `json:"signEndTime" doc:"签署截止时间，毫秒时间戳（网关扩展，SDK 模型无此字段）/ signing deadline, Unix time in ms (a gateway extension; not in the SDK model)"`
	SourceInfo      *SourceInfo        `json:"sourceInfo" doc:"来源；链接中的 procInstId/instanceId 把任务关联到钉钉审批实例（GetAttachsApproval）/ where the flow comes from; a procInstId or instanceId in the URLs links the task to a DingTalk approval instance (GetAttachsApproval)"`
	TaskName        string             `json:"taskName" doc:"任务名称，缺省为首个文件名 / task name; the first file's name when empty"`
}

// StartRequest is esign_2.0 ProcessStart.
type StartRequest struct {
	StartRequestV1
	AutoStart string `json:"autoStart" doc:"\"true\" 立即发起，否则在发起页确认 / \"true\" starts at once, else on the start page"`
}

// CreateRequest is esign_2.0 CreateProcess.
type CreateRequest struct {
	Ccs             []Party             `json:"ccs" maxItems:"50" doc:"抄送人，至多50 / people in copy, at most 50"`
	Files           []CreateFile        `json:"files" required:"true" maxItems:"50" doc:"待签文件，1至50个（e签宝 每流程文件数 ≤ 50）/ files to sign, 1 to 50 (e签宝's limit per flow)"`
	InitiatorUserID string              `json:"initiatorUserId" required:"true" doc:"发起人钉钉用户ID / the initiator's DingTalk userId"`
	Participants    []CreateParticipant `json:"participants" required:"true" maxItems:"50" doc:"签署人，1至50个 / signers, 1 to 50"`
	RedirectURL     string              `json:"redirectUrl" doc:"完成后跳转地址（http/https）/ where the page returns to (http or https)"`
	SignEndTime     *int64              `json:"signEndTime" doc:"签署截止时间，毫秒时间戳 / signing deadline, Unix time in ms"`
	SourceInfo      *SourceInfo         `json:"sourceInfo" doc:"来源；链接中的 procInstId/instanceId 把任务关联到钉钉审批实例（GetAttachsApproval）/ where the flow comes from; a procInstId or instanceId in the URLs links the task to a DingTalk approval instance (GetAttachsApproval)"`
	TaskName        string              `json:"taskName" required:"true" doc:"任务名称 / task name"`
	ThirdBizID      string              `json:"thirdBizId" doc:"三方业务ID，作为 e签宝 签署方的 thirdOrderNo 传递 / the ISV's business id, sent to e签宝 as each signer's thirdOrderNo"`
}

// SignNoticeRequest is esign_1.0 GetSignNoticeUrl.
type SignNoticeRequest struct {
	TaskID string `json:"taskId" required:"true" doc:"任务ID / task id"`
}

// ExecuteURLRequest is esign_2.0 GetExecuteUrl.
type ExecuteURLRequest struct {
	Account       string `json:"account" doc:"签署人的钉钉 userId 或外部账号；缺省为下一位待签署人 / the signer's userId or outside account; the next signer when empty"`
	SignContainer *int64 `json:"signContainer" enum:"1,2" doc:"签署链接在哪个容器打开 / where the link opens: 1 钉钉 DingTalk (pcUrl, mobileUrl; default), 2 浏览器 a browser (longUrl, shortUrl; account required)"`
	TaskID        string `json:"taskId" required:"true" doc:"任务ID / task id"`
}

// AppTokenRequest is POST /v1.0/oauth2/accessToken.
type AppTokenRequest struct {
	AppKey    string `json:"appKey" required:"true" doc:"应用的 appKey"`
	AppSecret string `json:"appSecret" required:"true" doc:"应用的 appSecret"`
}

// CorpTokenRequest is POST /v1.0/oauth2/corpAccessToken.
type CorpTokenRequest struct {
	AuthCorpID  string `json:"authCorpId" required:"true" doc:"授权企业的 corpId / the authorizing corp"`
	SuiteKey    string `json:"suiteKey" required:"true" doc:"应用的 suiteKey"`
	SuiteSecret string `json:"suiteSecret" required:"true" doc:"应用的 suiteSecret"`
	SuiteTicket string `json:"suiteTicket" required:"true" doc:"钉钉推送的 suiteTicket（网关只要求非空）/ the suite ticket (the gateway only needs it non-empty)"`
}

// SuiteTokenRequest is POST /v1.0/oauth2/suiteAccessToken.
type SuiteTokenRequest struct {
	SuiteKey    string `json:"suiteKey" required:"true" doc:"应用的 suiteKey"`
	SuiteSecret string `json:"suiteSecret" required:"true" doc:"应用的 suiteSecret"`
	SuiteTicket string `json:"suiteTicket" required:"true" doc:"suiteTicket"`
}
