package dingtalk

// Wire types shared by esign_1.0 and esign_2.0 (dingtalk-contract.md §4).
// JSON names and types are the SDK's exactly: a number where the model says
// number, a string where it says string.

// Envelope is the esign_1.0 success body {"code":0,"message":"ok","data":...}.
type Envelope struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// OK wraps data in the esign_1.0 envelope.
func OK(data any) Envelope { return Envelope{Code: 0, Message: "ok", Data: data} }

// PageURLs is the {mobileUrl, pcUrl, taskId} answer of the page actions:
// AuthUrl/GetAuthUrl, the real-name pages and the start pages.
type PageURLs struct {
	MobileURL string `json:"mobileUrl"`
	PCURL     string `json:"pcUrl"`
	TaskID    string `json:"taskId"`
}

// Result is CancelCorpAuth's answer.
type Result struct {
	Result bool `json:"result"`
}

// DataBool is CreateDevelopers' answer; esign_1.0 CreateDeveloper sends the bool as data.
type DataBool struct {
	Data bool `json:"data"`
}

// OrderID is the answer of the four order actions.
type OrderID struct {
	EsignOrderID string `json:"esignOrderId"`
}

// Margin is ContractMargin/GetContractMargin's answer.
type Margin struct {
	Margin int64 `json:"margin"`
}

// TaskID is CreateProcess's answer.
type TaskID struct {
	TaskID string `json:"taskId"`
}

// UploadURL is GetUploadUrl/GetFileUploadUrl's answer.
type UploadURL struct {
	FileID    string `json:"fileId"`
	UploadURL string `json:"uploadUrl"`
}

// FileInfo is GetFile/GetFileInfo's answer.
type FileInfo struct {
	DownloadURL   string `json:"downloadUrl"`
	FileID        string `json:"fileId"`
	Name          string `json:"name"`
	PdfTotalPages int    `json:"pdfTotalPages"`
	Size          int64  `json:"size"`
	Status        int    `json:"status"`
}

// Doc is one contract of ListFlowDocs/GetFlowDocs.
type Doc struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
	FileURL  string `json:"fileUrl"`
}

// Docs is esign_2.0 GetFlowDocs' answer; esign_1.0 sends the array as data.
type Docs struct {
	Data []Doc `json:"data"`
}

// Log is one entry of a flow's operation log.
type Log struct {
	LogType             string `json:"logType"`
	OperateDescription  string `json:"operateDescription"`
	OperateTime         int64  `json:"operateTime"`
	OperatorAccountName string `json:"operatorAccountName"`
}

// FlowDetail is esign_2.0 GetFlowDetail's answer.
type FlowDetail struct {
	BusinessScene           string `json:"businessScene"`
	FlowStatus              int    `json:"flowStatus"`
	InitiatorAuthorizedName string `json:"initiatorAuthorizedName"`
	InitiatorName           string `json:"initiatorName"`
	Logs                    []Log  `json:"logs"`
}

// FlowDetailV1 is esign_1.0 GetFlowDetail's data: businessSense, sic.
type FlowDetailV1 struct {
	BusinessSense           string `json:"businessSense"`
	FlowStatus              int    `json:"flowStatus"`
	InitiatorAuthorizedName string `json:"initiatorAuthorizedName"`
	InitiatorName           string `json:"initiatorName"`
	Logs                    []Log  `json:"logs"`
}

// V1 returns the esign_1.0 shape of d.
func (d *FlowDetail) V1() FlowDetailV1 {
	return FlowDetailV1{d.BusinessScene, d.FlowStatus, d.InitiatorAuthorizedName, d.InitiatorName, d.Logs}
}

// SignerState is one signer of GetFlowSignDetail/GetSignDetail.
type SignerState struct {
	SignStatus int    `json:"signStatus"`
	SignerName string `json:"signerName"`
}

// SignDetail is esign_2.0 GetSignDetail's answer.
type SignDetail struct {
	BusinessScene string        `json:"businessScene"`
	FlowStatus    int           `json:"flowStatus"`
	Signers       []SignerState `json:"signers"`
}

// SignDetailV1 is esign_1.0 GetFlowSignDetail's data.
type SignDetailV1 struct {
	BusinessSense string        `json:"businessSense"`
	FlowStatus    int           `json:"flowStatus"`
	Signers       []SignerState `json:"signers"`
}

// V1 returns the esign_1.0 shape of d.
func (d *SignDetail) V1() SignDetailV1 { return SignDetailV1{d.BusinessScene, d.FlowStatus, d.Signers} }

// AppStatus is GetCropStatus/GetIsvStatus' answer.
type AppStatus struct {
	AuthStatus    string `json:"authStatus"`
	InstallStatus string `json:"installStatus"`
}

// CorpInfo is esign_2.0 GetCorpInfo's answer: isRealName is a string there.
type CorpInfo struct {
	IsRealName  string `json:"isRealName"`
	OrgRealName string `json:"orgRealName"`
}

// CorpInfoV1 is esign_1.0 CorpInfo's data: realName is a bool there.
type CorpInfoV1 struct {
	OrgRealName string `json:"orgRealName"`
	RealName    bool   `json:"realName"`
}

// UserInfo is esign_2.0 GetUserInfo's answer.
type UserInfo struct {
	IsRealName   string `json:"isRealName"`
	UserRealName string `json:"userRealName"`
}

// UserInfoV1 is esign_1.0 GetUserInfo's data.
type UserInfoV1 struct {
	RealName     bool   `json:"realName"`
	UserRealName string `json:"userRealName"`
}

// CorpConsole is esign_2.0 GetCorpConsole's answer.
type CorpConsole struct {
	OrgConsoleURL string `json:"orgConsoleUrl"`
}

// CorpConsoleV1 is esign_1.0 CorpConsole's data. The SDK models
// orgConsoleUrl as a number (contract §1.9), so a URL string would make every
// SDK throw; the gateway leaves the field out and sends the address in the
// ConsoleURLHeader response header instead (README, OpenAPI).
type CorpConsoleV1 struct{}

// ConsoleURLHeader carries esign_1.0 CorpConsole's address.
const ConsoleURLHeader = "x-esign-org-console-url"

// SignURLs is esign_2.0 GetExecuteUrl's answer.
type SignURLs struct {
	LongURL   string `json:"longUrl"`
	MobileURL string `json:"mobileUrl"`
	PCURL     string `json:"pcUrl"`
	ShortURL  string `json:"shortUrl"`
}

// SignNoticeURLs is esign_1.0 GetSignNoticeUrl's data.
type SignNoticeURLs struct {
	MobileURL string `json:"mobileUrl"`
	PCURL     string `json:"pcUrl"`
}

// ApprovalNode is one node of a seal approval. ApprovalTime is a number in
// esign_1.0 and a string in esign_2.0, so it is kept as ms and shaped per version.
type ApprovalNode struct {
	ApprovalTime int64  `json:"approvalTime"`
	ApproverName string `json:"approverName"`
	StartTime    int64  `json:"startTime"`
	Status       string `json:"status"`
}

// Approval is one seal approval of ListSealApproval (esign_1.0 shape).
type Approval struct {
	ApprovalName       string         `json:"approvalName"`
	ApprovalNodes      []ApprovalNode `json:"approvalNodes"`
	EndTime            int64          `json:"endTime"`
	RefuseReason       string         `json:"refuseReason"`
	SealIDImg          string         `json:"sealIdImg"`
	SponsorAccountName string         `json:"sponsorAccountName"`
	StartTime          int64          `json:"startTime"`
	Status             string         `json:"status"`
}

// ApprovalNodeV2 is ApprovalNode with approvalTime as a string (esign_2.0).
type ApprovalNodeV2 struct {
	ApprovalTime string `json:"approvalTime"`
	ApproverName string `json:"approverName"`
	StartTime    int64  `json:"startTime"`
	Status       string `json:"status"`
}

// ApprovalV2 is one seal approval of ApprovalList.
type ApprovalV2 struct {
	ApprovalName       string           `json:"approvalName"`
	ApprovalNodes      []ApprovalNodeV2 `json:"approvalNodes"`
	EndTime            int64            `json:"endTime"`
	RefuseReason       string           `json:"refuseReason"`
	SealIDImg          string           `json:"sealIdImg"`
	SponsorAccountName string           `json:"sponsorAccountName"`
	StartTime          int64            `json:"startTime"`
	Status             string           `json:"status"`
}

// Approvals is esign_2.0 ApprovalList's answer.
type Approvals struct {
	Data []ApprovalV2 `json:"data"`
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
	FileName          string `json:"fileName"`
	OriginalFileURL   string `json:"originalFileUrl"`
	SignFinishFileURL string `json:"signFinishFileUrl"`
}

// Attach is one task linked to an approval instance.
type Attach struct {
	Files  []AttachFile `json:"files"`
	FlowID string       `json:"flowId"`
	Status string       `json:"status"`
}

// Attachs is GetAttachsApproval's answer.
type Attachs struct {
	Data []Attach `json:"data"`
}

// AccessToken is the answer of the oauth2 token endpoints.
type AccessToken struct {
	AccessToken string `json:"accessToken"`
	ExpireIn    int64  `json:"expireIn"`
}
