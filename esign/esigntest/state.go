package esigntest

import "time"

// state is everything the emulator remembers; Server.mu guards it.
type state struct {
	persons   map[string]*person
	orgs      map[string]*org
	thirdIDs  map[string]string // thirdPartyUserId -> accountId or orgId
	files     map[string]*file
	flows     map[string]*flow
	idents    map[string]*identFlow
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
		files:     map[string]*file{},
		flows:     map[string]*flow{},
		idents:    map[string]*identFlow{},
		approvals: map[string]*approval{},
		short:     map[string]string{},
		tokens:    map[string]time.Time{},
		refresh:   map[string]string{},
	}
}

type person struct {
	ID, ThirdID, Name, IDType, IDNumber, Mobile, Email string
	Realname                                           bool
}

type org struct {
	ID, ThirdID, Name, Creator, IDType, IDNumber, LegalName, LegalIDNumber string
	Realname                                                               bool
}

// File statuses of GET /v1/files/{fileId} (§3.2 Files).
const (
	fileNotUploaded = 0
	fileUploaded    = 2
	fileConverted   = 5
)

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
	Signers                     []*flowSigner
	readers                     map[string]bool
}

type flowDoc struct{ FileID, FileName string }

type flowSigner struct {
	Order        int
	Platform     bool
	Account      string // signer's person account; "" for platform signing
	Authorized   string // subject: the person itself or an org
	OrgSubject   bool
	ThirdOrderNo string
	Status       int
	SignTime     time.Time
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
