package esigntest

import (
	"net/http"
	"strconv"
)

var errNoFlow = bizErr(1435011, "流程不存在")

// maxDocs is e签宝's per-flow document limit (§3.2 createFlowOneStep).
const maxDocs = 50

type oneStepRequest struct {
	Docs []struct {
		FileID   string `json:"fileId"`
		FileName string `json:"fileName"`
	} `json:"docs"`
	FlowInfo *struct {
		BusinessScene                string `json:"businessScene"`
		AutoArchive                  bool   `json:"autoArchive"`
		AutoInitiate                 bool   `json:"autoInitiate"`
		SignValidity                 int64  `json:"signValidity"`
		ContractValidity             int64  `json:"contractValidity"`
		ContractRemind               int    `json:"contractRemind"`
		InitiatorAccountID           string `json:"initiatorAccountId"`
		InitiatorAuthorizedAccountID string `json:"initiatorAuthorizedAccountId"`
		FlowConfigInfo               struct {
			NoticeDeveloperURL string `json:"noticeDeveloperUrl"`
			NoticeType         string `json:"noticeType"`
			RedirectURL        string `json:"redirectUrl"`
			SignPlatform       string `json:"signPlatform"`
		} `json:"flowConfigInfo"`
	} `json:"flowInfo"`
	Signers []struct {
		PlatformSign  bool `json:"platformSign"`
		SignOrder     int  `json:"signOrder"`
		SignerAccount *struct {
			SignerAccountID     string `json:"signerAccountId"`
			AuthorizedAccountID string `json:"authorizedAccountId"`
		} `json:"signerAccount"`
		Signfields []struct {
			FileID             string `json:"fileId"`
			ActorIndentityType int    `json:"actorIndentityType"`
		} `json:"signfields"`
		ThirdOrderNo string `json:"thirdOrderNo"`
	} `json:"signers"`
}

func (s *Server) flowRoutes() {
	s.handle("POST /api/v2/signflows/createFlowOneStep", s.createFlowOneStep)
	s.handle("GET /v1/signflows/{flowId}", s.flowDetail)
	s.handle("GET /v1/signflows/{flowId}/signers", s.flowSigners)
	s.handle("GET /v1/signflows/{flowId}/documents", s.flowDocuments)
	s.handle("GET /v1/signflows/{flowId}/executeUrl", s.executeURL)
	s.handle("PUT /v1/signflows/{flowId}/start", s.flowAction(s.startLocked))
	s.handle("PUT /v1/signflows/{flowId}/archive", s.flowAction(s.archiveLocked))
	s.handle("PUT /v1/signflows/{flowId}/revoke", s.revokeFlow)
}

func (s *Server) createFlowOneStep(r *http.Request) (any, error) {
	var req oneStepRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.FlowInfo == nil || req.FlowInfo.BusinessScene == "" {
		return nil, paramErr("businessScene不能为空")
	}
	fi := req.FlowInfo
	if err := checkName("businessScene", fi.BusinessScene); err != nil {
		return nil, err
	}
	if len(req.Docs) == 0 {
		return nil, paramErr("docs不能为空")
	}
	if len(req.Docs) > maxDocs {
		return nil, paramErr("文档数量不能超过" + strconv.Itoa(maxDocs))
	}
	if len(req.Signers) == 0 && fi.AutoInitiate {
		return nil, paramErr("signers不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &flow{ID: newID(), Scene: fi.BusinessScene, Created: s.now(), AutoArchive: fi.AutoArchive,
		SignValidity: fi.SignValidity, ContractValid: fi.ContractValidity, ContractRemind: fi.ContractRemind,
		NoticeURL: fi.FlowConfigInfo.NoticeDeveloperURL, NoticeType: fi.FlowConfigInfo.NoticeType,
		RedirectURL: fi.FlowConfigInfo.RedirectURL, SignPlatform: fi.FlowConfigInfo.SignPlatform,
		readers: map[string]bool{}}
	inFlow := map[string]bool{}
	for _, d := range req.Docs {
		fl := s.st.files[d.FileID]
		if d.FileID == "" || fl == nil || (fl.Status != fileUploaded && fl.Status != fileConverted) {
			return nil, paramErr("文件不存在或未上传")
		}
		name := d.FileName
		if name == "" {
			name = fl.Name
		}
		if err := checkName("fileName", name); err != nil {
			return nil, err
		}
		f.Docs, inFlow[d.FileID] = append(f.Docs, flowDoc{FileID: d.FileID, FileName: name}), true
	}
	if fi.InitiatorAccountID != "" && s.st.persons[fi.InitiatorAccountID] == nil {
		return nil, errAccountGone
	}
	if id := fi.InitiatorAuthorizedAccountID; id != "" && s.st.orgs[id] == nil && s.st.persons[id] == nil {
		return nil, errAccountGone
	}
	f.Initiator, f.InitiatorOrg = fi.InitiatorAccountID, fi.InitiatorAuthorizedAccountID
	for _, sr := range req.Signers {
		sg := &flowSigner{Order: sr.SignOrder, Platform: sr.PlatformSign, ThirdOrderNo: sr.ThirdOrderNo}
		if sg.Order <= 0 {
			sg.Order = 1
		}
		if len(sr.Signfields) == 0 {
			return nil, paramErr("signfields不能为空")
		}
		if !sr.PlatformSign {
			if sr.SignerAccount == nil || sr.SignerAccount.SignerAccountID == "" {
				return nil, paramErr("signerAccountId不能为空")
			}
			sg.Account, sg.Authorized = sr.SignerAccount.SignerAccountID, sr.SignerAccount.AuthorizedAccountID
			if s.st.persons[sg.Account] == nil {
				return nil, errAccountGone
			}
			if sg.Authorized == "" {
				sg.Authorized = sg.Account
			}
			if sg.Authorized != sg.Account {
				if s.st.orgs[sg.Authorized] == nil {
					return nil, errAccountGone
				}
				sg.OrgSubject = true
			}
		}
		for _, sf := range sr.Signfields {
			if !inFlow[sf.FileID] {
				return nil, paramErr("签署区文件fileId不在流程文档中")
			}
			// An org subject is signed for only with actorIndentityType 2
			// (3: as legal representative), a person never (§3.2 rules).
			at := sf.ActorIndentityType
			if !sr.PlatformSign && (sg.OrgSubject && at != 2 && at != 3 || !sg.OrgSubject && at == 2) {
				return nil, paramErr("actorIndentityType与签署主体不匹配")
			}
		}
		f.Signers = append(f.Signers, sg)
	}
	s.st.flows[f.ID] = f
	if fi.AutoInitiate {
		if err := s.startLocked(f); err != nil {
			return nil, err
		}
	}
	return map[string]string{"flowId": f.ID}, nil
}

// flowLocked finds a flow, first expiring it if its signing deadline
// (signValidity, epoch ms) has passed on the injected clock.
func (s *Server) flowLocked(id string) (*flow, error) {
	f := s.st.flows[id]
	if f == nil {
		return nil, errNoFlow
	}
	if f.Status == flowSigning && f.SignValidity > 0 && s.nowMs() > f.SignValidity {
		s.endLocked(f, flowExpired, "")
	}
	return f, nil
}

// flowAction adapts a state transition to an API handler answering data null.
func (s *Server) flowAction(act func(*flow) error) apiFunc {
	return func(r *http.Request) (any, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		f, err := s.flowLocked(r.PathValue("flowId"))
		if err != nil {
			return nil, err
		}
		return nil, act(f)
	}
}

func (s *Server) revokeFlow(r *http.Request) (any, error) {
	var req struct {
		OperatorID   string `json:"operatorId"`
		RevokeReason string `json:"revokeReason"`
	}
	if err := decodeOptional(r, &req); err != nil {
		return nil, err
	}
	if len(req.RevokeReason) > 400 {
		return nil, bizErr(1438108, "撤销原因长度不能超过400字节")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		return nil, err
	}
	if req.OperatorID != "" && f.Initiator != "" && req.OperatorID != f.Initiator {
		return nil, bizErr(1437148, "当前用户不是流程发起人")
	}
	return nil, s.revokeLocked(f, req.RevokeReason)
}
