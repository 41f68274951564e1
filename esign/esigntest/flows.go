package esigntest

import (
	"net/http"
	"strconv"
)

var errNoFlow = bizErr(1435011, "流程不存在")

// maxDocs is e签宝's per-flow document limit (§3.2 createFlowOneStep).
const maxDocs = 50

// oneStepRequest is the body api-v2-signflows-createFlowOneStep.md
// documents (signers and signfields from its [SDK] table; signDateBean and
// signDateBeanType, sealIds and willTypes are SDK fields the stored pages do
// not show: not documented, accepted by our decision). decodeBody refuses
// any other field.
type oneStepRequest struct {
	Attachments []struct {
		FileID         string `json:"fileId"`
		AttachmentName string `json:"attachmentName"`
	} `json:"attachments"`
	Copiers []struct {
		CopierAccountID           string `json:"copierAccountId"`
		CopierIdentityAccountType *int   `json:"copierIdentityAccountType"`
		CopierIdentityAccountID   string `json:"copierIdentityAccountId"`
	} `json:"copiers"`
	Docs []struct {
		FileID       string `json:"fileId"`
		FileName     string `json:"fileName"`
		Encryption   int    `json:"encryption"`
		FilePassword string `json:"filePassword"`
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
			NoticeDeveloperURL string   `json:"noticeDeveloperUrl"`
			NoticeType         *string  `json:"noticeType"`
			RedirectURL        string   `json:"redirectUrl"`
			SignPlatform       string   `json:"signPlatform"`
			WillTypes          []string `json:"willTypes"`
		} `json:"flowConfigInfo"`
	} `json:"flowInfo"`
	Signers []struct {
		PlatformSign  bool `json:"platformSign"`
		SignOrder     int  `json:"signOrder"`
		SignerAccount *struct {
			SignerAccountID     string   `json:"signerAccountId"`
			AuthorizedAccountID string   `json:"authorizedAccountId"`
			NoticeType          *string  `json:"noticeType"`
			WillTypes           []string `json:"willTypes"`
		} `json:"signerAccount"`
		Signfields []struct {
			FileID             string   `json:"fileId"`
			AutoExecute        bool     `json:"autoExecute"`
			ActorIndentityType int      `json:"actorIndentityType"`
			SealID             string   `json:"sealId"`
			SealIDs            []string `json:"sealIds"`
			SealType           string   `json:"sealType"`
			SignType           *int     `json:"signType"`
			PosBean            *struct {
				PosPage     string  `json:"posPage"`
				PosX        float64 `json:"posX"`
				PosY        float64 `json:"posY"`
				Width       float64 `json:"width"`
				AddSignTime bool    `json:"addSignTime"`
			} `json:"posBean"`
			SignDateBeanType int `json:"signDateBeanType"`
			SignDateBean     *struct {
				Format   string  `json:"format"`
				FontSize int     `json:"fontSize"`
				PosPage  string  `json:"posPage"`
				PosX     float64 `json:"posX"`
				PosY     float64 `json:"posY"`
			} `json:"signDateBean"`
		} `json:"signfields"`
		ThirdOrderNo string `json:"thirdOrderNo"`
	} `json:"signers"`
}

// noticeTypes are flowConfigInfo.noticeType's values: 1 短信, 2 邮件,
// comma-separated; "" sends none.
var noticeTypes = map[string]bool{"": true, "1": true, "2": true, "1,2": true, "2,1": true}

// fileReadyLocked: a file goes into a flow only at status 2 or 5
// (v1-files-get.md). The codes are our decision: 1437513 文档未成功转换成pdf
// (esign-openapi.md's v3 list) for a conversion not done or failed.
func (s *Server) fileReadyLocked(id string) (*file, error) {
	fl := s.st.files[id]
	switch {
	case id == "" || fl == nil:
		return nil, paramErr("文件不存在")
	case fileUsable(fl.Status):
		return fl, nil
	case fl.Status == fileNotUploaded || fl.Status == 1:
		return nil, paramErr("文件未上传完成")
	}
	return nil, bizErr(1437513, "文档未成功转换成pdf")
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
	noticeType := "1" // docs/wk: 默认1
	if nt := fi.FlowConfigInfo.NoticeType; nt != nil {
		noticeType = *nt
	}
	if !noticeTypes[noticeType] {
		return nil, paramErr("noticeType取值错误")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &flow{ID: newID(), Scene: fi.BusinessScene, Created: s.now(), AutoArchive: fi.AutoArchive,
		SignValidity: fi.SignValidity, ContractValid: fi.ContractValidity, ContractRemind: fi.ContractRemind,
		NoticeURL: fi.FlowConfigInfo.NoticeDeveloperURL, NoticeType: noticeType,
		RedirectURL: fi.FlowConfigInfo.RedirectURL, SignPlatform: fi.FlowConfigInfo.SignPlatform,
		readers: map[string]bool{}}
	inFlow := map[string]bool{}
	for _, d := range req.Docs {
		fl, err := s.fileReadyLocked(d.FileID)
		if err != nil {
			return nil, err
		}
		if d.Encryption == 1 && d.FilePassword == "" {
			return nil, paramErr("filePassword不能为空")
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
	for _, a := range req.Attachments {
		if a.AttachmentName == "" {
			return nil, paramErr("attachmentName不能为空")
		}
		if err := checkName("attachmentName", a.AttachmentName); err != nil {
			return nil, err
		}
		if _, err := s.fileReadyLocked(a.FileID); err != nil {
			return nil, err
		}
		f.Attachments = append(f.Attachments, flowDoc{FileID: a.FileID, FileName: a.AttachmentName})
	}
	for _, c := range req.Copiers {
		if c.CopierAccountID == "" || c.CopierIdentityAccountType == nil {
			return nil, paramErr("copierAccountId和copierIdentityAccountType不能为空")
		}
		if s.st.persons[c.CopierAccountID] == nil {
			return nil, errAccountGone
		}
		switch *c.CopierIdentityAccountType {
		case 0:
		case 1:
			if s.st.orgs[c.CopierIdentityAccountID] == nil {
				return nil, errAccountGone
			}
		default:
			return nil, paramErr("copierIdentityAccountType取值错误")
		}
		f.Copiers = append(f.Copiers, c.CopierAccountID)
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
			if nt := sr.SignerAccount.NoticeType; nt != nil && !noticeTypes[*nt] {
				return nil, paramErr("noticeType取值错误")
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
				return nil, paramErr("签署区文件fileId不在流程待签文档中")
			}
			// An org subject is signed for only with actorIndentityType 2
			// (3: as legal representative), a person never (§3.2 rules).
			at := sf.ActorIndentityType
			if !sr.PlatformSign && (sg.OrgSubject && at != 2 && at != 3 || !sg.OrgSubject && at == 2) {
				return nil, paramErr("actorIndentityType与签署主体不匹配")
			}
			if sf.SealType != "" && sf.SealType != "0" && sf.SealType != "1" && sf.SealType != "0,1" && sf.SealType != "1,0" {
				return nil, paramErr("sealType取值错误")
			}
			field := flowField{FileID: sf.FileID, ActorType: at, SealType: sf.SealType, SignType: 1, SignDateType: sf.SignDateBeanType}
			if sf.SignType != nil {
				if *sf.SignType < 0 || *sf.SignType > 2 {
					return nil, paramErr("signType取值错误")
				}
				field.SignType = *sf.SignType
			}
			if sf.PosBean != nil {
				field.PosPage, field.PosX, field.PosY = sf.PosBean.PosPage, sf.PosBean.PosX, sf.PosBean.PosY
			}
			if sf.SignDateBeanType < 0 || sf.SignDateBeanType > 2 {
				return nil, paramErr("signDateBeanType取值错误")
			}
			if sf.SignDateBean != nil {
				field.SignDateFormat = sf.SignDateBean.Format
			}
			sg.Fields = append(sg.Fields, field)
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
