package esigntest

import (
	"encoding/json"
	"net/http"
)

var errNoIdentFlow = bizErr(30500004, "认证流程不存在")

type identityContext struct {
	ContextID      string `json:"contextId"`
	NotifyURL      string `json:"notifyUrl"`
	Origin         string `json:"origin"`
	RedirectURL    string `json:"redirectUrl"`
	ShowResultPage *bool  `json:"showResultPage"`
}

// identityOptions are the optional fields both identity URL pages list.
type identityOptions struct {
	AvailableAuthTypes  []string        `json:"availableAuthTypes"`
	ConfigParams        json.RawMessage `json:"configParams"`
	RepeatIdentity      *bool           `json:"repeatIdentity"`
	ReceiveURLMobileNo  string          `json:"receiveUrlMobileNo"`
	AuthAdvancedEnabled json.RawMessage `json:"authAdvancedEnabled"`
}

func (s *Server) identityRoutes() {
	s.handle("POST /v2/identity/auth/web/{accountId}/indivIdentityUrl", s.indivIdentityURL)
	s.handle("POST /v2/identity/auth/web/{orgId}/orgIdentityUrl", s.orgIdentityURL)
	s.handle("GET /v2/identity/auth/api/common/{flowId}/detail", s.identityDetail)
}

func (s *Server) indivIdentityURL(r *http.Request) (any, error) {
	var req struct {
		AuthType    string           `json:"authType"`
		ContextInfo *identityContext `json:"contextInfo"`
		IndivInfo   *struct {
			Name        string `json:"name"`
			Nationality string `json:"nationality"`
			CertType    string `json:"certType"`
			CertNo      string `json:"certNo"`
			MobileNo    string `json:"mobileNo"`
			BankCardNo  string `json:"bankCardNo"`
		} `json:"indivInfo"`
		identityOptions
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.ContextInfo == nil || req.ContextInfo.RedirectURL == "" {
		return nil, paramErr("contextInfo.redirectUrl不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("accountId")
	if s.st.persons[id] == nil {
		return nil, errAccountGone
	}
	return s.newIdentityLocked(r, &identFlow{ObjectType: "INDIVIDUAL", AccountID: id, AuthType: req.AuthType}, req.ContextInfo), nil
}

func (s *Server) orgIdentityURL(r *http.Request) (any, error) {
	var req struct {
		AgentAccountID string           `json:"agentAccountId"`
		AuthType       string           `json:"authType"`
		ContextInfo    *identityContext `json:"contextInfo"`
		OrgEntity      *struct {
			Name           string `json:"name"`
			CertNo         string `json:"certNo"`
			LegalRepName   string `json:"legalRepName"`
			LegalRepCertNo string `json:"legalRepCertNo"`
			AgentName      string `json:"agentName"`
			AgentIDNo      string `json:"agentIdNo"`
		} `json:"orgEntity"`
		identityOptions
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.AgentAccountID == "" {
		return nil, paramErr("agentAccountId不能为空")
	}
	if req.ContextInfo == nil || req.ContextInfo.RedirectURL == "" {
		return nil, paramErr("contextInfo.redirectUrl不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("orgId")
	if s.st.orgs[id] == nil || s.st.persons[req.AgentAccountID] == nil {
		return nil, errAccountGone
	}
	return s.newIdentityLocked(r, &identFlow{ObjectType: "ORGANIZATION", OrgID: id,
		AgentID: req.AgentAccountID, AuthType: req.AuthType}, req.ContextInfo), nil
}

func (s *Server) newIdentityLocked(r *http.Request, fl *identFlow, c *identityContext) any {
	fl.ID, fl.Status, fl.Start = newID(), "INIT", s.now()
	fl.ContextID, fl.NotifyURL, fl.RedirectURL = c.ContextID, c.NotifyURL, c.RedirectURL
	s.st.idents[fl.ID] = fl
	long := s.baseURL(r) + "/identity/" + fl.ID
	return map[string]string{"flowId": fl.ID, "url": long, "shortLink": s.shortLocked(r, long)}
}

func (s *Server) identityDetail(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.idents[r.PathValue("flowId")]
	if fl == nil {
		return nil, errNoIdentFlow
	}
	out := map[string]any{"flowId": fl.ID, "status": fl.Status, "objectType": fl.ObjectType,
		"startTime": fl.Start.UnixMilli(), "endTime": msOrNil(fl.End), "failReason": fl.FailReason,
		"authType": fl.AuthType}
	// organInfo / indivInfo: who was verified (v2-identity-auth-api-common-detail.md).
	if fl.Status == "SUCCESS" {
		if o := s.st.orgs[fl.OrgID]; o != nil {
			out["organInfo"] = map[string]any{"accountId": o.ID, "name": o.Name, "certNo": o.IDNumber,
				"certType": o.IDType, "legalRepName": o.LegalName}
		}
		if p := s.st.persons[fl.AccountID]; p != nil {
			out["indivInfo"] = map[string]any{"accountId": p.ID, "name": p.Name, "certNo": p.IDNumber,
				"certType": p.IDType, "mobileNo": p.Mobile}
		}
	}
	return out, nil
}

// identityEvent is the v2 identity callback (§5.3); org fields stay empty
// for a person.
type identityEvent struct {
	FlowID         string `json:"flowId"`
	AgentFlowID    string `json:"agentFlowId,omitempty"`
	AccountID      string `json:"accountId"`
	AgentAccountID string `json:"agentAccountId,omitempty"`
	OrgAccountID   string `json:"orgAccountId,omitempty"`
	Success        bool   `json:"success"`
	ContextID      string `json:"contextId"`
	Verifycode     string `json:"verifycode"`
	ServiceID      string `json:"serviceId"`
	AgentServiceID string `json:"agentServiceId,omitempty"`
	Status         bool   `json:"status"`
	Action         string `json:"action"`
	FailReasonCode string `json:"failReasonCode,omitempty"`
}

// completeIdentityLocked ends an identity flow; success makes the person
// or organisation real-name verified and notifies contextInfo.notifyUrl.
func (s *Server) completeIdentityLocked(fl *identFlow, ok bool) error {
	if fl.Status == "SUCCESS" || fl.Status == "FAIL" {
		return bizErr(30500002, "认证流程已结束")
	}
	fl.End, fl.Status = s.now(), "FAIL"
	if ok {
		fl.Status = "SUCCESS"
		if p := s.st.persons[fl.AccountID]; p != nil {
			s.realnamePersonLocked(p, true)
			if p.Name == "" {
				// The person typed their real name on e签宝's page; the
				// emulator has none to take, so it makes one up.
				p.Name = "实名用户" + p.ID[len(p.ID)-4:]
			}
			if p.IDNumber == "" {
				p.IDNumber = "3301" + p.ID[:14] // and their id number
			}
		}
		if o := s.st.orgs[fl.OrgID]; o != nil {
			s.realnameOrgLocked(o, true)
			if o.Name == "" {
				o.Name = "实名企业" + o.ID[len(o.ID)-4:] // typed on e签宝's page
			}
			if o.IDNumber == "" {
				o.IDNumber = "91330000" + o.ID[:10] // 统一社会信用代码 typed on the page
			}
		}
	} else {
		fl.FailReason = "认证未通过"
	}
	if fl.NotifyURL == "" {
		return nil
	}
	ev := identityEvent{FlowID: fl.ID, AccountID: fl.AccountID, Success: ok, ContextID: fl.ContextID,
		Verifycode: newID()[:16], ServiceID: fl.ID, Status: ok, Action: "identity_psn_end"}
	if fl.ObjectType == "ORGANIZATION" {
		ev.Action, ev.AccountID, ev.OrgAccountID = "identity_org_end", fl.OrgID, fl.OrgID
		ev.AgentAccountID, ev.AgentFlowID, ev.AgentServiceID = fl.AgentID, fl.ID, fl.ID
	}
	if !ok {
		ev.FailReasonCode = "IDENTITY_FAIL"
	}
	body, _ := json.Marshal(ev)
	s.cb.enqueue(fl.ID, fl.NotifyURL, body)
	return nil
}
