package esigntest

import "time"

// state is everything the emulator remembers; Server.mu guards it.
type state struct {
	persons   map[string]*person
	orgs      map[string]*org
	thirdIDs  map[string]string  // thirdPartyUserId -> accountId or orgId
	psnV3     map[string]*person // v3 psnId -> person (after real-name)
	orgV3     map[string]*org    // v3 orgId -> organization (after real-name)
	files     map[string]*file
	flows     map[string]*flow
	idents    map[string]*identFlow
	authFlows map[string]*authFlow // authFlowId -> v3 authentication & authorization flow
	approvals map[string]*approval
	apprOrder []string
	short     map[string]string // short code -> long URL
	tokens    map[string]time.Time
	refresh   map[string]string
}

func newState() state {
	return state{
		persons:   map[string]*person{},
		orgs:      map[string]*org{},
		thirdIDs:  map[string]string{},
		psnV3:     map[string]*person{},
		orgV3:     map[string]*org{},
		files:     map[string]*file{},
		flows:     map[string]*flow{},
		idents:    map[string]*identFlow{},
		authFlows: map[string]*authFlow{},
		approvals: map[string]*approval{},
		short:     map[string]string{},
		tokens:    map[string]time.Time{},
		refresh:   map[string]string{},
	}
}

// A person or organization has a v1 id (ID, from createByThirdPartyUserId)
// and, once real-name verified, a v3 SaaS id (V3ID) that only the v3
// endpoints take (README of esign-docs, fact 2). Scopes are the
// authorizations it granted this AppId (fact 3).
type person struct {
	ID, ThirdID, Name, IDType, IDNumber, Mobile, Email string
	Realname                                           bool
	V3ID                                               string
	Scopes                                             map[string]bool
}

type org struct {
	ID, ThirdID, Name, Creator, IDType, IDNumber, LegalName, LegalIDNumber string
	Realname                                                               bool
	V3ID                                                                   string
	Scopes                                                                 map[string]bool
}

// File statuses of GET /v1/files/{fileId} and .../status (v1-files-get.md).
const (
	fileNotUploaded   = 0
	fileUploaded      = 2
	fileUploadFailed  = 3
	fileAwaitConvert  = 4
	fileConverted     = 5
	fileConverting    = 8
	fileConvertFailed = 9
)

// fileUsable: only status 2 or 5 may go into a flow (v1-files-get.md).
func fileUsable(st int) bool { return st == fileUploaded || st == fileConverted }

type file struct {
	ID, Name, ContentMD5, ContentType string
	Size                              int64
	Convert                           bool
	Status                            int
	Data                              []byte
}

// Flow statuses (§3.1).
const (
	flowDraft    = 0
	flowSigning  = 1
	flowDone     = 2
	flowRevoked  = 3
	flowExpired  = 5
	flowRejected = 7
)

// Signer statuses (§3.1): 0 waiting, 1 signing, 2 signed, 3 awaiting seal
// approval, 4 refused.
const (
	signerWaiting  = 0
	signerSigning  = 1
	signerSigned   = 2
	signerApproval = 3
	signerRefused  = 4
)

type flow struct {
	ID, Scene                   string
	Status                      int
	Desc                        string
	Created, Started, Ended     time.Time
	Initiator, InitiatorOrg     string
	AutoArchive                 bool
	SignValidity, ContractValid int64
	ContractRemind              int
	NoticeURL, NoticeType       string
	RedirectURL, SignPlatform   string
	Docs                        []flowDoc
	Attachments                 []flowDoc
	Copiers                     []string
	Signers                     []*flowSigner
	readers                     map[string]bool
}

type flowDoc struct{ FileID, FileName string }

// flowField is a sign field as received, for tests and the signed copy.
type flowField struct {
	FileID, PosPage, SealType string
	ActorType, SignType       int
	PosX, PosY                float64
	SignDateType              int
	SignDateFormat            string
}

type flowSigner struct {
	Order        int
	Platform     bool
	Account      string // signer's person account; "" for platform signing
	Authorized   string // subject: the person itself or an org
	OrgSubject   bool
	ThirdOrderNo string
	Status       int
	SignTime     time.Time
	Fields       []flowField
}

type identFlow struct {
	ID, ObjectType, Status    string // INDIVIDUAL|ORGANIZATION; INIT|ING|SUCCESS|FAIL
	AccountID, OrgID, AgentID string
	AuthType, ContextID       string
	NotifyURL, RedirectURL    string
	Start, End                time.Time
	FailReason                string
}

type approval struct {
	ID, FlowID, OrgID, Sponsor string
	Status                     int
	Created, Updated, Ended    time.Time
}
