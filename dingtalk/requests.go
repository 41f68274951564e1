package dingtalk

// Request bodies of the esign actions (dingtalk-contract.md §4). The SDK
// validates nothing (§2.7), so each request checks its own required fields
// in Validate and names the first one missing, as DingTalk does:
// 参数错误:<field>.

// RedirectRequest is the body of AuthUrl/GetAuthUrl.
type RedirectRequest struct {
	RedirectURL string `json:"redirectUrl"`
}

// DeveloperRequest is CreateDeveloper/CreateDevelopers. esign_1.0's GET
// never carries a body, so every field is optional.
type DeveloperRequest struct {
	NoticeURL   string `json:"noticeUrl"`
	RedirectURL string `json:"redirectUrl"`
}

// UserPageRequest is the body of the real-name page actions.
type UserPageRequest struct {
	RedirectURL string `json:"redirectUrl"`
	UserID      string `json:"userId"`
}

// Validate checks the required fields.
func (r *UserPageRequest) Validate() error { return required("userId", r.UserID) }

// UploadURLRequest is GetUploadUrl/GetFileUploadUrl.
type UploadURLRequest struct {
	ContentMd5  string `json:"contentMd5"`
	ContentType string `json:"contentType"`
	Convert2Pdf *bool  `json:"convert2Pdf"`
	FileName    string `json:"fileName"`
	FileSize    *int64 `json:"fileSize"`
}

// Validate checks the fields e签宝 cannot create a file without.
func (r *UploadURLRequest) Validate() error {
	if err := required("contentMd5", r.ContentMd5); err != nil {
		return err
	}
	if err := required("contentType", r.ContentType); err != nil {
		return err
	}
	if err := required("fileName", r.FileName); err != nil {
		return err
	}
	if r.FileSize == nil || *r.FileSize <= 0 {
		return Field("fileSize")
	}
	return nil
}

// ValidateV1 adds esign_1.0's required convert2Pdf (optional in esign_2.0).
func (r *UploadURLRequest) ValidateV1() error {
	if r.Convert2Pdf == nil {
		return Field("convert2Pdf")
	}
	return r.Validate()
}

// ChannelOrderRequest is ChannelOrder/ChannelOrders (分润模式).
type ChannelOrderRequest struct {
	ItemCode        string `json:"itemCode"`
	ItemName        string `json:"itemName"`
	OrderCreateTime *int64 `json:"orderCreateTime"`
	OrderID         string `json:"orderId"`
	PayFee          *int64 `json:"payFee"`
	Quantity        *int64 `json:"quantity"`
}

// Validate checks the fields both versions require; v1 also requires payFee
// and v2 orderCreateTime (see ValidateV1, ValidateV2).
func (r *ChannelOrderRequest) Validate() error {
	for _, f := range []struct{ name, v string }{{"itemCode", r.ItemCode}, {"itemName", r.ItemName}, {"orderId", r.OrderID}} {
		if err := required(f.name, f.v); err != nil {
			return err
		}
	}
	return positive("quantity", r.Quantity)
}

// ValidateV1 adds esign_1.0's required payFee.
func (r *ChannelOrderRequest) ValidateV1() error {
	if err := r.Validate(); err != nil {
		return err
	}
	return nonNegative("payFee", r.PayFee)
}

// ValidateV2 adds esign_2.0's required orderCreateTime.
func (r *ChannelOrderRequest) ValidateV2() error {
	if err := r.Validate(); err != nil {
		return err
	}
	return positive("orderCreateTime", r.OrderCreateTime)
}

// ResaleOrderRequest is OrderResale/ResaleOrder (底价结算模式).
type ResaleOrderRequest struct {
	OrderCreateTime  *int64 `json:"orderCreateTime"`
	OrderID          string `json:"orderId"`
	Quantity         *int64 `json:"quantity"`
	ServiceStartTime *int64 `json:"serviceStartTime"`
	ServiceStopTime  *int64 `json:"serviceStopTime"`
}

// Validate checks the fields esign_2.0 requires.
func (r *ResaleOrderRequest) Validate() error {
	if err := required("orderId", r.OrderID); err != nil {
		return err
	}
	if err := positive("orderCreateTime", r.OrderCreateTime); err != nil {
		return err
	}
	if err := positive("quantity", r.Quantity); err != nil {
		return err
	}
	if err := positive("serviceStopTime", r.ServiceStopTime); err != nil {
		return err
	}
	if r.ServiceStartTime != nil && *r.ServiceStartTime > *r.ServiceStopTime {
		return Field("serviceStartTime")
	}
	return nil
}

// ValidateV1 adds esign_1.0's required serviceStartTime.
func (r *ResaleOrderRequest) ValidateV1() error {
	if err := positive("serviceStartTime", r.ServiceStartTime); err != nil {
		return err
	}
	return r.Validate()
}

// Party is a participant or cc of a start or create request.
type Party struct {
	Account          string    `json:"account"`
	AccountName      string    `json:"accountName"`
	AccountType      string    `json:"accountType"`
	OrgName          string    `json:"orgName"`
	SignOrder        *int64    `json:"signOrder"`
	SignPosList      []SignPos `json:"signPosList"`
	SignRequirements string    `json:"signRequirements"`
	UserID           string    `json:"userId"`
}

// SignPos is where a participant signs.
type SignPos struct {
	FileID          string    `json:"fileId"`
	IsCrossPage     bool      `json:"isCrossPage"`
	NeedSignDate    bool      `json:"needSignDate"`
	Page            string    `json:"page"`
	SignDate        *SignDate `json:"signDate"`
	SignRequirement string    `json:"signRequirement"`
	X               *float64  `json:"x"`
	Y               *float64  `json:"y"`
}

// SignDate is the format of a signing date stamp.
type SignDate struct {
	Format string `json:"format"`
}

// ProcessFile is a document of a start or create request.
type ProcessFile struct {
	FileID   string `json:"fileId"`
	FileName string `json:"fileName"`
	FileType *int64 `json:"fileType"`
}

// SourceInfo links a flow to where it came from in DingTalk; its URLs may
// carry the approval instance id (procInstId / instanceId).
type SourceInfo struct {
	MobileURL string `json:"mobileUrl"`
	PCURL     string `json:"pcUrl"`
	ShowText  string `json:"showText"`
}

// ProcessRequest is GetProcessStartUrl, ProcessStart and CreateProcess: the
// three share one model, with different required fields.
type ProcessRequest struct {
	AutoStart       string        `json:"autoStart"`
	Ccs             []Party       `json:"ccs"`
	Files           []ProcessFile `json:"files"`
	InitiatorUserID string        `json:"initiatorUserId"`
	Participants    []Party       `json:"participants"`
	RedirectURL     string        `json:"redirectUrl"`
	SignEndTime     *int64        `json:"signEndTime"`
	SourceInfo      *SourceInfo   `json:"sourceInfo"`
	TaskName        string        `json:"taskName"`
}

// ValidateStart checks what a start page needs: an initiator and at least
// one file (ProcessStart marks both required; GetProcessStartUrl cannot work
// without them either).
func (r *ProcessRequest) ValidateStart() error {
	if err := required("initiatorUserId", r.InitiatorUserID); err != nil {
		return err
	}
	if len(r.Files) == 0 {
		return Field("files")
	}
	for i, f := range r.Files {
		if f.FileID == "" {
			return Field(indexed("files", i, "fileId"))
		}
		if f.FileName == "" {
			return Field(indexed("files", i, "fileName"))
		}
	}
	return r.validateParties()
}

// ValidateCreate checks CreateProcess: it also needs a task name, typed
// files and at least one participant with its sign requirements.
func (r *ProcessRequest) ValidateCreate() error {
	if err := required("taskName", r.TaskName); err != nil {
		return err
	}
	if err := r.ValidateStart(); err != nil {
		return err
	}
	for i, f := range r.Files {
		if f.FileType == nil {
			return Field(indexed("files", i, "fileType"))
		}
	}
	if len(r.Participants) == 0 {
		return Field("participants")
	}
	for i, p := range r.Participants {
		if p.SignRequirements == "" {
			return Field(indexed("participants", i, "signRequirements"))
		}
	}
	return nil
}

func (r *ProcessRequest) validateParties() error {
	for i, p := range r.Participants {
		if p.AccountType == "" {
			return Field(indexed("participants", i, "accountType"))
		}
		if p.UserID == "" && p.Account == "" {
			return Field(indexed("participants", i, "userId"))
		}
	}
	for i, p := range r.Ccs {
		if p.AccountType == "" {
			return Field(indexed("ccs", i, "accountType"))
		}
		if p.UserID == "" && p.Account == "" {
			return Field(indexed("ccs", i, "userId"))
		}
	}
	return nil
}

// SignNoticeRequest is esign_1.0 GetSignNoticeUrl.
type SignNoticeRequest struct {
	TaskID string `json:"taskId"`
}

// Validate checks the required fields.
func (r *SignNoticeRequest) Validate() error { return required("taskId", r.TaskID) }

// ExecuteURLRequest is esign_2.0 GetExecuteUrl.
type ExecuteURLRequest struct {
	Account       string `json:"account"`
	SignContainer *int64 `json:"signContainer"`
	TaskID        string `json:"taskId"`
}

// Validate checks the required fields.
func (r *ExecuteURLRequest) Validate() error {
	if err := required("taskId", r.TaskID); err != nil {
		return err
	}
	if r.SignContainer != nil && (*r.SignContainer < 0 || *r.SignContainer > 2) {
		return Field("signContainer")
	}
	return nil
}

// AppTokenRequest is POST /v1.0/oauth2/accessToken.
type AppTokenRequest struct {
	AppKey    string `json:"appKey"`
	AppSecret string `json:"appSecret"`
}

// CorpTokenRequest is POST /v1.0/oauth2/corpAccessToken.
type CorpTokenRequest struct {
	AuthCorpID  string `json:"authCorpId"`
	SuiteKey    string `json:"suiteKey"`
	SuiteSecret string `json:"suiteSecret"`
	SuiteTicket string `json:"suiteTicket"`
}

// SuiteTokenRequest is POST /v1.0/oauth2/suiteAccessToken.
type SuiteTokenRequest struct {
	SuiteKey    string `json:"suiteKey"`
	SuiteSecret string `json:"suiteSecret"`
	SuiteTicket string `json:"suiteTicket"`
}

func required(name, v string) error {
	if v == "" {
		return Field(name)
	}
	return nil
}

func positive(name string, v *int64) error {
	if v == nil || *v <= 0 {
		return Field(name)
	}
	return nil
}

func nonNegative(name string, v *int64) error {
	if v == nil || *v < 0 {
		return Field(name)
	}
	return nil
}

func indexed(list string, i int, field string) string {
	return list + "[" + itoa(int64(i)) + "]." + field
}
