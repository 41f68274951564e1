package esign

// Upstream request and response types, named as e签宝 names them
// (esign-openapi.md §3). JSON names are e签宝's exactly.

// Flow is GET /v1/signflows/{flowId} data.
type Flow struct {
	FlowID                       string `json:"flowId"`
	AppID                        string `json:"appId,omitempty"`
	BusinessScene                string `json:"businessScene"`
	FlowStatus                   int    `json:"flowStatus"`
	FlowDesc                     string `json:"flowDesc,omitempty"`
	FlowStartTime                int64  `json:"flowStartTime,omitempty"`
	FlowEndTime                  int64  `json:"flowEndTime,omitempty"`
	InitiatorAccountID           string `json:"initiatorAccountId,omitempty"`
	InitiatorAuthorizedAccountID string `json:"initiatorAuthorizedAccountId,omitempty"`
}

// Signer is one entry of GET /v1/signflows/{flowId}/signers.
type Signer struct {
	SignOrder                       int    `json:"signOrder"`
	SignStatus                      int    `json:"signStatus"`
	SignerAccountID                 string `json:"signerAccountId"`
	SignerName                      string `json:"signerName"`
	SignerRealName                  bool   `json:"signerRealName"`
	SignerAuthorizedAccountID       string `json:"signerAuthorizedAccountId,omitempty"`
	SignerAuthorizedAccountName     string `json:"signerAuthorizedAccountName,omitempty"`
	SignerAuthorizedAccountRealName bool   `json:"signerAuthorizedAccountRealName,omitempty"`
	SignerAuthorizedAccountType     int    `json:"signerAuthorizedAccountType"`
	ThirdOrderNo                    string `json:"thirdOrderNo,omitempty"`
}

// Document is one entry of GET /v1/signflows/{flowId}/documents.
type Document struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
	FileURL  string `json:"fileUrl"`
}

// CreatePersonRequest is POST /v1/accounts/createByThirdPartyUserId.
type CreatePersonRequest struct {
	ThirdPartyUserID string `json:"thirdPartyUserId"`
	Name             string `json:"name,omitempty"`
	IDType           string `json:"idType,omitempty"`
	IDNumber         string `json:"idNumber,omitempty"`
	Mobile           string `json:"mobile,omitempty"`
	Email            string `json:"email,omitempty"`
}

// Person is an e签宝 person account (GET /v1/accounts/getByThirdId, /v1/accounts/{accountId}).
type Person struct {
	AccountID        string `json:"accountId"`
	Name             string `json:"name"`
	IDType           string `json:"idType,omitempty"`
	IDNumber         string `json:"idNumber,omitempty"`
	Mobile           string `json:"mobile,omitempty"`
	Email            string `json:"email,omitempty"`
	ThirdPartyUserID string `json:"thirdPartyUserId"`
}

// CreateOrgRequest is POST /v1/organizations/createByThirdPartyUserId.
type CreateOrgRequest struct {
	ThirdPartyUserID string `json:"thirdPartyUserId"`
	Creator          string `json:"creator"` // required: a v1 person accountId

	Name     string `json:"name,omitempty"`
	IDType   string `json:"idType,omitempty"`
	IDNumber string `json:"idNumber,omitempty"`
}

// Organization is an e签宝 organization account.
type Organization struct {
	OrgID            string `json:"orgId"`
	Name             string `json:"name"`
	IDType           string `json:"idType,omitempty"`
	IDNumber         string `json:"idNumber,omitempty"`
	ThirdPartyUserID string `json:"thirdPartyUserId"`
}

// IdentityInfo is the realname state from GET /v3/persons/identity-info or
// /v3/organizations/identity-info (realnameStatus 1 = real-name verified).
// PsnID and OrgID are v3 SaaS ids. PsnName is psnInfo.psnName, given only
// when the person granted get_psn_identity_info (AuthorizeUserInfo).
type IdentityInfo struct {
	RealnameStatus    int    `json:"realnameStatus"`
	AuthorizeUserInfo bool   `json:"authorizeUserInfo"`
	PsnID             string `json:"psnId,omitempty"`
	OrgID             string `json:"orgId,omitempty"`
	OrgName           string `json:"orgName,omitempty"`
	PsnName           string `json:"-"`
}

// PersonLookup says how identity-info finds a person: by v3 psnId, by
// account (mobile or e-mail), or by id number and type; the first given wins.
type PersonLookup struct {
	PsnID, Account, IDCardNum, IDCardType string
}

// OrgLookup finds an organization: by v3 orgId, by name, or by id number
// and type.
type OrgLookup struct {
	OrgID, Name, IDCardNum, IDCardType string
}

// OneStepDoc, OneStepFlowInfo, OneStepSigner... make up
// POST /api/v2/signflows/createFlowOneStep.
//
// OneStepDoc is one file of the flow.
type OneStepDoc struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
}

// FlowConfigInfo is flowInfo.flowConfigInfo: callback URL, notices, redirect.
// NoticeType nil leaves e签宝's default (1, SMS); a pointer to "" sends ""
// and turns e签宝's notices off.
type FlowConfigInfo struct {
	NoticeDeveloperURL string  `json:"noticeDeveloperUrl,omitempty"`
	NoticeType         *string `json:"noticeType,omitempty"`
	RedirectURL        string  `json:"redirectUrl,omitempty"`
	SignPlatform       string  `json:"signPlatform,omitempty"`
}

// OneStepFlowInfo is the flow-wide part of a one-step flow.
type OneStepFlowInfo struct {
	BusinessScene                string         `json:"businessScene"`
	AutoArchive                  bool           `json:"autoArchive"`
	AutoInitiate                 bool           `json:"autoInitiate"`
	SignValidity                 int64          `json:"signValidity,omitempty"`
	InitiatorAccountID           string         `json:"initiatorAccountId,omitempty"`
	InitiatorAuthorizedAccountID string         `json:"initiatorAuthorizedAccountId,omitempty"`
	FlowConfigInfo               FlowConfigInfo `json:"flowConfigInfo"`
}

// PosBean places a sign field on a page.
type PosBean struct {
	PosPage string  `json:"posPage,omitempty"`
	PosX    float64 `json:"posX,omitempty"`
	PosY    float64 `json:"posY,omitempty"`
}

// SignDateBean is where and how the signing date is stamped ([SDK]: not
// in the stored page; see esigntest's sources).
type SignDateBean struct {
	Format string `json:"format,omitempty"`
}

// SignField is one place a signer signs. SignDateBeanType 1 stamps the
// date (0 never, 2 the signer chooses).
type SignField struct {
	FileID             string        `json:"fileId"`
	AutoExecute        bool          `json:"autoExecute"`
	ActorIndentityType int           `json:"actorIndentityType,omitempty"` // sic; 2 = organization
	SignType           int           `json:"signType,omitempty"`           // 1 single page, 2 cross page
	PosBean            *PosBean      `json:"posBean,omitempty"`
	SignDateBeanType   int           `json:"signDateBeanType,omitempty"`
	SignDateBean       *SignDateBean `json:"signDateBean,omitempty"`
}

// SignerAccount names who signs, and for which organization.
type SignerAccount struct {
	SignerAccountID     string `json:"signerAccountId"`
	AuthorizedAccountID string `json:"authorizedAccountId,omitempty"`
}

// OneStepSigner is one signer with its sign fields.
type OneStepSigner struct {
	PlatformSign  bool          `json:"platformSign"`
	SignOrder     int           `json:"signOrder,omitempty"`
	SignerAccount SignerAccount `json:"signerAccount"`
	Signfields    []SignField   `json:"signfields"`
	ThirdOrderNo  string        `json:"thirdOrderNo,omitempty"`
}

// Copier is someone who receives a copy of the flow.
type Copier struct {
	CopierAccountID           string `json:"copierAccountId"`
	CopierIdentityAccountType int    `json:"copierIdentityAccountType"`
	CopierIdentityAccountID   string `json:"copierIdentityAccountId,omitempty"`
}

// Attachment is a file to read, not to sign: no sign fields, not billed as
// a contract.
type Attachment struct {
	FileID         string `json:"fileId"`
	AttachmentName string `json:"attachmentName"`
}

// CreateFlowOneStepRequest is the body of POST /api/v2/signflows/createFlowOneStep.
type CreateFlowOneStepRequest struct {
	Docs        []OneStepDoc    `json:"docs"`
	Attachments []Attachment    `json:"attachments,omitempty"`
	Copiers     []Copier        `json:"copiers,omitempty"`
	FlowInfo    OneStepFlowInfo `json:"flowInfo"`
	Signers     []OneStepSigner `json:"signers"`
}

// UploadURLRequest is POST /v1/files/getUploadUrl.
type UploadURLRequest struct {
	ContentMd5  string `json:"contentMd5"`
	ContentType string `json:"contentType"`
	Convert2Pdf bool   `json:"convert2Pdf"`
	FileName    string `json:"fileName"`
	FileSize    int64  `json:"fileSize"`
}

// UploadURL is the answer to POST /v1/files/getUploadUrl.
type UploadURL struct {
	FileID    string `json:"fileId"`
	UploadURL string `json:"uploadUrl"`
}

// File is GET /v1/files/{fileId} data.
type File struct {
	FileID        string `json:"fileId"`
	Name          string `json:"name"`
	Size          int64  `json:"size"`
	Status        int    `json:"status"`
	DownloadURL   string `json:"downloadUrl"`
	PdfTotalPages int    `json:"pdfTotalPages"`
}

// ExecuteURL is GET /v1/signflows/{flowId}/executeUrl data.
type ExecuteURL struct {
	URL      string `json:"url"`
	ShortURL string `json:"shortUrl"`
}

// IdentityContext is contextInfo of the v2 identity URL requests.
type IdentityContext struct {
	ContextID      string `json:"contextId,omitempty"`
	NotifyURL      string `json:"notifyUrl,omitempty"`
	Origin         string `json:"origin,omitempty"`
	RedirectURL    string `json:"redirectUrl"`
	ShowResultPage bool   `json:"showResultPage,omitempty"`
}

// OrgIdentityRequest is POST /v2/identity/auth/web/{orgId}/orgIdentityUrl.
type OrgIdentityRequest struct {
	AgentAccountID string          `json:"agentAccountId"`
	AuthType       string          `json:"authType,omitempty"`
	ContextInfo    IdentityContext `json:"contextInfo"`
}

// IndivIdentityRequest is POST /v2/identity/auth/web/{accountId}/indivIdentityUrl.
type IndivIdentityRequest struct {
	AuthType    string          `json:"authType,omitempty"`
	ContextInfo IdentityContext `json:"contextInfo"`
}

// IdentityURL is the answer to both identity URL requests.
type IdentityURL struct {
	FlowID    string `json:"flowId"`
	URL       string `json:"url"`
	ShortLink string `json:"shortLink"`
}

// IdentityParty is organInfo / indivInfo of an identity detail: who was
// verified, with the id number identity-info can find them by.
type IdentityParty struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	CertNo    string `json:"certNo"`
	CertType  string `json:"certType"`
}

// IdentityDetail is GET /v2/identity/auth/api/common/{flowId}/detail data.
type IdentityDetail struct {
	OrganInfo  *IdentityParty `json:"organInfo,omitempty"`
	IndivInfo  *IdentityParty `json:"indivInfo,omitempty"`
	FlowID     string         `json:"flowId"`
	Status     string         `json:"status"` // INIT, ING, SUCCESS, FAIL
	ObjectType string         `json:"objectType"`
	StartTime  int64          `json:"startTime,omitempty"`
	EndTime    int64          `json:"endTime,omitempty"`
	FailReason string         `json:"failReason,omitempty"`
}

// ApprovalFlow is one entry of POST /v3/approval/approval-task-list.
type ApprovalFlow struct {
	SignFlowID             string `json:"signFlowId"`
	ApprovalFlowID         string `json:"approvalFlowId"`
	ApprovalFlowStatus     int    `json:"approvalFlowStatus"`
	ApprovalFlowCreateTime int64  `json:"approvalFlowCreateTime"`
	ApprovalFlowUpdateTime int64  `json:"approvalFlowUpdateTime"`
}

// ApprovalListRequest is POST /v3/approval/approval-task-list.
type ApprovalListRequest struct {
	PageNum  int    `json:"pageNum"`
	PageSize int    `json:"pageSize"`
	OrgID    string `json:"orgId"` // v3
	// OperatorPsnID (v3) is required with QueryType (1453000).
	OperatorPsnID string `json:"operatorPsnId,omitempty"`
	QueryType     int    `json:"queryType,omitempty"`
}

// Approver is one approver of an approval node.
type Approver struct {
	PsnID               string `json:"psnId"`
	PsnName             string `json:"psnName"`
	ApprovalOperateTime int64  `json:"approvalOperateTime"`
}

// ApprovalNode is one step of an approval.
type ApprovalNode struct {
	ApprovalNodeNum    int        `json:"approvalNodeNum"`
	ApprovalNodeID     string     `json:"approvalNodeId"`
	ApprovalNodeType   int        `json:"approvalNodeType"`
	ApprovalNodeStatus int        `json:"approvalNodeStatus"`
	Approvers          []Approver `json:"approvers"`
}

// ApprovalDetail is GET /v3/approval/{approvalFlowId}/detail data.
type ApprovalDetail struct {
	SignFlowID         string         `json:"signFlowId"`
	OrgID              string         `json:"orgId"`
	OrgName            string         `json:"orgName"`
	ApprovalFlowStatus int            `json:"approvalFlowStatus"`
	ApprovalNodes      []ApprovalNode `json:"approvalNodes"`
}
