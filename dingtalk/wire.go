package dingtalk

// Answers of the e签宝 actions and the token endpoints
// (dingtalk-contract.md §4). JSON names and types are the SDK's exactly: a
// number where the model says number, a string where it says string. Every
// field is always sent (no omitempty). The doc tags describe each field in
// the OpenAPI document, which reflects these types.

// Envelope is the esign_1.0 success body {"code":0,"message":"ok","data":...}.
type Envelope struct {
	Code    int    `json:"code" doc:"返回码，成功为0 / 0 on success"`
	Message string `json:"message" doc:"返回码描述，成功为 ok / \"ok\" on success"`
	Data    any    `json:"data" doc:"返回的数据 / the answer"`
}

// OK wraps data in the esign_1.0 envelope.
func OK(data any) Envelope { return Envelope{Code: 0, Message: "ok", Data: data} }

// PageURLs is the {mobileUrl, pcUrl, taskId} answer of the page actions:
// AuthUrl/GetAuthUrl, the real-name pages and the start pages.
type PageURLs struct {
	MobileURL string `json:"mobileUrl" doc:"移动端地址 / mobile URL"`
	PCURL     string `json:"pcUrl" doc:"PC端地址 / desktop URL"`
	TaskID    string `json:"taskId" doc:"任务ID / task id"`
}

// Result is CancelCorpAuth's answer.
type Result struct {
	Result bool `json:"result" doc:"是否成功 / succeeded"`
}

// DataBool is CreateDevelopers' answer; esign_1.0 CreateDeveloper sends the bool as data.
type DataBool struct {
	Data bool `json:"data" doc:"是否成功 / succeeded"`
}

// OrderID is the answer of the four order actions.
type OrderID struct {
	EsignOrderID string `json:"esignOrderId" doc:"订单号（网关账本）/ order id in the gateway's ledger"`
}

// Margin is ContractMargin/GetContractMargin's answer.
type Margin struct {
	Margin int64 `json:"margin" doc:"剩余可发起合同份数 / contracts left in the corp's quota"`
}

// TaskID is CreateProcess's answer.
type TaskID struct {
	TaskID string `json:"taskId" doc:"任务ID / task id"`
}

// UploadURL is GetUploadUrl/GetFileUploadUrl's answer.
type UploadURL struct {
	FileID    string `json:"fileId" doc:"文件ID / file id"`
	UploadURL string `json:"uploadUrl" doc:"文件上传地址，客户端自行PUT文件 / where the client PUTs the bytes"`
}

// FileInfo is GetFile/GetFileInfo's answer.
type FileInfo struct {
	DownloadURL   string `json:"downloadUrl" doc:"下载地址 / download URL"`
	FileID        string `json:"fileId" doc:"文件ID / file id"`
	Name          string `json:"name" doc:"文件名 / file name"`
	PdfTotalPages int    `json:"pdfTotalPages" doc:"PDF页数 / PDF pages"`
	Size          int64  `json:"size" doc:"文件大小（字节）/ size in bytes"`
	Status        int    `json:"status" enum:"0,1,2,3,4,5,6,7" doc:"文件状态 / file status: 0 文件未上传, 1 文件上传中, 2 文件上传已完成, 3 文件上传失败, 4 文件等待转pdf, 5 文件已转换pdf, 6 加水印中, 7 加水印完毕. e签宝's 8 转换中 is sent as 4, its 9 转换失败 as 3 (DingTalk lists neither)."`
}

// Doc is one contract of ListFlowDocs/GetFlowDocs.
type Doc struct {
	FileID   string `json:"fileId" doc:"文件ID / file id"`
	FileName string `json:"fileName" doc:"文件名 / file name"`
	FileURL  string `json:"fileUrl" doc:"签署后文件下载地址 / signed file URL"`
}

// Docs is esign_2.0 GetFlowDocs' answer; esign_1.0 sends the array as data.
type Docs struct {
	Data []Doc `json:"data" doc:"合同列表 / contracts"`
}

// Log is one entry of a flow's operation log.
type Log struct {
	LogType             string `json:"logType" enum:"1,4,5,6,7,8,23,26" doc:"日志类型，钉钉文档的取值中网关会写的 / log type, those of DingTalk's documented codes the gateway writes: 1 创建流程, 4 开启流程, 5 撤回流程 (e签宝 撤销/终止), 6 流程过期, 7 归档流程 (完成), 8 查看流程, 23 签署, 26 拒绝签署."`
	OperateDescription  string `json:"operateDescription" doc:"操作描述 / what happened"`
	OperateTime         int64  `json:"operateTime" doc:"操作时间，毫秒时间戳 / Unix time in ms"`
	OperatorAccountName string `json:"operatorAccountName" doc:"操作人 / who"`
}

// FlowDetail is esign_2.0 GetFlowDetail's answer.
type FlowDetail struct {
	BusinessScene           string `json:"businessScene" doc:"流程主题 / the flow's subject"`
	FlowStatus              int    `json:"flowStatus" enum:"0,1,2,3,4,5,6,7" doc:"流程状态 / flow status: 0 草稿, 1 签署中, 2 完成, 3 撤销, 4 终止, 5 过期, 6 删除, 7 拒签. e签宝's 12 已解约 (rescinded after completion) is sent as 3."`
	InitiatorAuthorizedName string `json:"initiatorAuthorizedName" doc:"发起主体名称 / the initiating organization"`
	InitiatorName           string `json:"initiatorName" doc:"发起人 / the initiator"`
	Logs                    []Log  `json:"logs" doc:"操作记录 / operation log"`
}

// FlowDetailV1 is esign_1.0 GetFlowDetail's data: businessSense, sic.
type FlowDetailV1 struct {
	BusinessSense           string `json:"businessSense" doc:"流程主题；esign_1.0 字段名为 businessSense（SDK 原样）/ the flow's subject; esign_1.0 spells it businessSense, as the SDK does"`
	FlowStatus              int    `json:"flowStatus" enum:"0,1,2,3,4,5,6,7" doc:"流程状态 / flow status: 0 草稿, 1 签署中, 2 完成, 3 撤销, 4 终止, 5 过期, 6 删除, 7 拒签. e签宝's 12 已解约 (rescinded after completion) is sent as 3."`
	InitiatorAuthorizedName string `json:"initiatorAuthorizedName" doc:"发起主体名称 / the initiating organization"`
	InitiatorName           string `json:"initiatorName" doc:"发起人 / the initiator"`
	Logs                    []Log  `json:"logs" doc:"操作记录 / operation log"`
}

// V1 returns the esign_1.0 shape of d.
func (d *FlowDetail) V1() FlowDetailV1 {
	return FlowDetailV1{d.BusinessScene, d.FlowStatus, d.InitiatorAuthorizedName, d.InitiatorName, d.Logs}
}

// SignerState is one signer of GetFlowSignDetail/GetSignDetail.
type SignerState struct {
	SignStatus int    `json:"signStatus" enum:"0,1,2,3,4" doc:"签署人状态 / signer status: 0 待签, 1 未签, 2 已签, 3 待审批, 4 拒签."`
	SignerName string `json:"signerName" doc:"签署人；代企业签署时为“企业（经办人）”/ signer; \"org（agent）\" when signing for the organization"`
}

// SignDetail is esign_2.0 GetSignDetail's answer.
type SignDetail struct {
	BusinessScene string        `json:"businessScene" doc:"流程主题 / the flow's subject"`
	FlowStatus    int           `json:"flowStatus" enum:"0,1,2,3,4,5,6,7" doc:"流程状态 / flow status: 0 草稿, 1 签署中, 2 完成, 3 撤销, 4 终止, 5 过期, 6 删除, 7 拒签. e签宝's 12 已解约 (rescinded after completion) is sent as 3."`
	Signers       []SignerState `json:"signers" doc:"签署人 / signers"`
}

// SignDetailV1 is esign_1.0 GetFlowSignDetail's data.
type SignDetailV1 struct {
	BusinessSense string        `json:"businessSense" doc:"流程主题（businessSense，SDK 原样）/ the flow's subject (businessSense, as the SDK spells it)"`
	FlowStatus    int           `json:"flowStatus" enum:"0,1,2,3,4,5,6,7" doc:"流程状态 / flow status: 0 草稿, 1 签署中, 2 完成, 3 撤销, 4 终止, 5 过期, 6 删除, 7 拒签. e签宝's 12 已解约 (rescinded after completion) is sent as 3."`
	Signers       []SignerState `json:"signers" doc:"签署人 / signers"`
}

// V1 returns the esign_1.0 shape of d.
func (d *SignDetail) V1() SignDetailV1 { return SignDetailV1{d.BusinessScene, d.FlowStatus, d.Signers} }

// AppStatus is GetCropStatus/GetIsvStatus' answer.
type AppStatus struct {
	AuthStatus    string `json:"authStatus" enum:"AUTH,UNAUTH" doc:"授权状态 / authorization: AUTH 已授权e签宝微应用, UNAUTH 未授权 (also after CancelCorpAuth)"`
	InstallStatus string `json:"installStatus" enum:"OPEN,CLOSE" doc:"安装状态 / installation: OPEN e签宝微应用已经安装, CLOSE 停止或已卸载"`
}

// CorpInfo is esign_2.0 GetCorpInfo's answer: isRealName is a string there.
type CorpInfo struct {
	IsRealName  string `json:"isRealName" enum:"true,false" doc:"企业是否实名，字符串 / real-name state as a string"`
	OrgRealName string `json:"orgRealName" doc:"企业名称 / organization name"`
}

// CorpInfoV1 is esign_1.0 CorpInfo's data: realName is a bool there.
type CorpInfoV1 struct {
	OrgRealName string `json:"orgRealName" doc:"企业名称 / organization name"`
	RealName    bool   `json:"realName" doc:"企业是否实名，布尔 / real-name state as a boolean"`
}

// UserInfo is esign_2.0 GetUserInfo's answer.
type UserInfo struct {
	IsRealName   string `json:"isRealName" enum:"true,false" doc:"用户是否实名，字符串 / real-name state as a string"`
	UserRealName string `json:"userRealName" doc:"用户姓名 / user's name"`
}

// UserInfoV1 is esign_1.0 GetUserInfo's data.
type UserInfoV1 struct {
	RealName     bool   `json:"realName" doc:"用户是否实名，布尔 / real-name state as a boolean"`
	UserRealName string `json:"userRealName" doc:"用户姓名 / user's name"`
}

// CorpConsole is esign_2.0 GetCorpConsole's answer.
type CorpConsole struct {
	OrgConsoleURL string `json:"orgConsoleUrl" doc:"e签宝企业控制台地址 / the organization's e签宝 console URL"`
}

// CorpConsoleV1 is esign_1.0 CorpConsole's data. The SDK models
// orgConsoleUrl as a number (contract §1.9), so a URL string would make every
// SDK throw; the gateway leaves the field out and sends the address in the
// ConsoleURLHeader response header instead (README, OpenAPI).
type CorpConsoleV1 struct {
	url string
}

// NewCorpConsoleV1 is the esign_1.0 answer for the console at url.
func NewCorpConsoleV1(url string) *CorpConsoleV1 { return &CorpConsoleV1{url: url} }

// ResponseHeaders carries the address.
func (c *CorpConsoleV1) ResponseHeaders() map[string]string {
	return map[string]string{ConsoleURLHeader: c.url}
}

// ConsoleURLHeader carries esign_1.0 CorpConsole's address.
const ConsoleURLHeader = "x-esign-org-console-url"

// SignURLs is esign_2.0 GetExecuteUrl's answer.
type SignURLs struct {
	LongURL   string `json:"longUrl" doc:"长链接 / long URL"`
	MobileURL string `json:"mobileUrl" doc:"移动端地址 / mobile URL"`
	PCURL     string `json:"pcUrl" doc:"PC端地址 / desktop URL"`
	ShortURL  string `json:"shortUrl" doc:"短链接 / short URL"`
}

// SignNoticeURLs is esign_1.0 GetSignNoticeUrl's data.
type SignNoticeURLs struct {
	MobileURL string `json:"mobileUrl" doc:"移动端地址 / mobile URL"`
	PCURL     string `json:"pcUrl" doc:"PC端地址 / desktop URL"`
}

// ApprovalNode is one node of a seal approval. ApprovalTime is a number in
// esign_1.0 and a string in esign_2.0, so it is kept as ms and shaped per version.
type ApprovalNode struct {
	ApprovalTime int64  `json:"approvalTime" doc:"审批时间，esign_1.0 为 number，毫秒时间戳 / approval time in ms; 0 if not yet"`
	ApproverName string `json:"approverName" doc:"审批人 / approver"`
	StartTime    int64  `json:"startTime" doc:"开始时间，毫秒时间戳 / start, Unix time in ms"`
	Status       string `json:"status" enum:"WAIT,APPROVING,AGREED,REFUSED" doc:"审批节点状态 / node status: WAIT 等待审批 (e签宝 0 未开始), APPROVING 审批中 (1 待审批), AGREED 审批通过 (2), REFUSED 审批拒绝 (3)."`
}

// Approval is one seal approval of ListSealApproval (esign_1.0 shape).
type Approval struct {
	ApprovalName       string         `json:"approvalName" doc:"审批名称 / approval name"`
	ApprovalNodes      []ApprovalNode `json:"approvalNodes" doc:"审批节点 / approval nodes"`
	EndTime            int64          `json:"endTime" doc:"结束时间，毫秒时间戳 / end, Unix time in ms; 0 while open"`
	RefuseReason       string         `json:"refuseReason" doc:"驳回原因 / why it was refused"`
	SealIDImg          string         `json:"sealIdImg" doc:"印章图片地址 / the seal's image URL"`
	SponsorAccountName string         `json:"sponsorAccountName" doc:"发起人 / who asked"`
	StartTime          int64          `json:"startTime" doc:"开始时间，毫秒时间戳 / start, Unix time in ms"`
	Status             string         `json:"status" enum:"WAIT,APPROVING,AGREED,REFUSED" doc:"用印审批状态 / approval status: APPROVING 审批中 (e签宝 1), AGREED 审批通过 (2), REFUSED 审批拒绝 (3 驳回; also 4 撤回 and 5 终止, which DingTalk does not list). WAIT is documented but e签宝 has no such approval state."`
}

// ApprovalNodeV2 is ApprovalNode with approvalTime as a string (esign_2.0).
type ApprovalNodeV2 struct {
	ApprovalTime string `json:"approvalTime" doc:"审批时间，esign_2.0 为 string：毫秒数字串，未审批时为空串 / approval time as a string of ms digits, \"\" if not yet"`
	ApproverName string `json:"approverName" doc:"审批人 / approver"`
	StartTime    int64  `json:"startTime" doc:"开始时间，毫秒时间戳 / start, Unix time in ms"`
	Status       string `json:"status" enum:"WAIT,APPROVING,AGREED,REFUSED" doc:"审批节点状态 / node status: WAIT 等待审批 (e签宝 0 未开始), APPROVING 审批中 (1 待审批), AGREED 审批通过 (2), REFUSED 审批拒绝 (3)."`
}

// ApprovalV2 is one seal approval of ApprovalList.
type ApprovalV2 struct {
	ApprovalName       string           `json:"approvalName" doc:"审批名称 / approval name"`
	ApprovalNodes      []ApprovalNodeV2 `json:"approvalNodes" doc:"审批节点 / approval nodes"`
	EndTime            int64            `json:"endTime" doc:"结束时间，毫秒时间戳 / end, Unix time in ms; 0 while open"`
	RefuseReason       string           `json:"refuseReason" doc:"驳回原因 / why it was refused"`
	SealIDImg          string           `json:"sealIdImg" doc:"印章图片地址 / the seal's image URL"`
	SponsorAccountName string           `json:"sponsorAccountName" doc:"发起人 / who asked"`
	StartTime          int64            `json:"startTime" doc:"开始时间，毫秒时间戳 / start, Unix time in ms"`
	Status             string           `json:"status" enum:"WAIT,APPROVING,AGREED,REFUSED" doc:"用印审批状态 / approval status: APPROVING 审批中 (e签宝 1), AGREED 审批通过 (2), REFUSED 审批拒绝 (3 驳回; also 4 撤回 and 5 终止, which DingTalk does not list). WAIT is documented but e签宝 has no such approval state."`
}

// Approvals is esign_2.0 ApprovalList's answer.
type Approvals struct {
	Data []ApprovalV2 `json:"data" doc:"用印审批 / seal approvals"`
}

// V2 returns the esign_2.0 shape of a.
func (a Approval) V2() ApprovalV2 {
	nodes := make([]ApprovalNodeV2, len(a.ApprovalNodes))
	for i, n := range a.ApprovalNodes {
		t := ""
		if n.ApprovalTime > 0 {
			t = itoa(n.ApprovalTime)
		}
		nodes[i] = ApprovalNodeV2{t, n.ApproverName, n.StartTime, n.Status}
	}
	return ApprovalV2{a.ApprovalName, nodes, a.EndTime, a.RefuseReason, a.SealIDImg, a.SponsorAccountName, a.StartTime, a.Status}
}

// AttachFile is one file of GetAttachsApproval.
type AttachFile struct {
	FileName          string `json:"fileName" doc:"文件名 / file name"`
	OriginalFileURL   string `json:"originalFileUrl" doc:"原文件地址 / original file URL"`
	SignFinishFileURL string `json:"signFinishFileUrl" doc:"签署完成文件地址，流程完成前为空串 / signed file URL, \"\" until the flow completes"`
}

// Attach is one task linked to an approval instance.
type Attach struct {
	Files  []AttachFile `json:"files" doc:"文件 / files"`
	FlowID string       `json:"flowId" doc:"e签宝流程ID / e签宝 flow id"`
	Status string       `json:"status" enum:"0,1,2,3,4,5,6,7" doc:"流程状态（字符串），取值同 flowStatus / flow status as a string, the values of flowStatus"`
}

// Attachs is GetAttachsApproval's answer.
type Attachs struct {
	Data []Attach `json:"data" doc:"关联的签署任务 / linked tasks"`
}

// AccessToken is the answer of the oauth2 token endpoints.
type AccessToken struct {
	AccessToken string `json:"accessToken" doc:"访问凭证 / the access token"`
	ExpireIn    int64  `json:"expireIn" doc:"有效期（秒）/ lifetime in seconds"`
}
