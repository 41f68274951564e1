package esigntest

import (
	"net/http"
	"net/url"
)

var (
	errNoAccount   = bizErr(53000001, "账号不存在")
	errAccountKind = bizErr(53000002, "账号类型不匹配")
	errAccountGone = bizErr(1435203, "账号不存在或已注销")
)

const (
	errAccountExists  = 53000000
	defaultPsnIDType  = "CRED_PSN_CH_IDCARD"
	defaultOrgIDType  = "CRED_ORG_USCC"
	accountsPath      = "/v1/accounts/"
	organizationsPath = "/v1/organizations/"
)

func (s *Server) accountRoutes() {
	s.handle("POST "+accountsPath+"createByThirdPartyUserId", s.createPerson)
	s.handle("GET "+accountsPath+"getByThirdId", func(r *http.Request) (any, error) {
		return s.personBy(func() *person { return s.personByThird(r.URL.Query().Get("thirdPartyUserId")) })
	})
	s.handle("GET "+accountsPath+"{accountId}", func(r *http.Request) (any, error) {
		return s.personBy(func() *person { return s.st.persons[r.PathValue("accountId")] })
	})
	s.handle("POST "+organizationsPath+"createByThirdPartyUserId", s.createOrg)
	s.handle("GET "+organizationsPath+"getByThirdId", func(r *http.Request) (any, error) {
		return s.orgBy(func() *org { return s.orgByThird(r.URL.Query().Get("thirdPartyUserId")) })
	})
	s.handle("GET "+organizationsPath+"{orgId}", func(r *http.Request) (any, error) {
		return s.orgBy(func() *org { return s.st.orgs[r.PathValue("orgId")] })
	})
	s.handle("GET /v3/persons/identity-info", s.personIdentity)
	s.handle("GET /v3/organizations/identity-info", s.orgIdentity)
	s.handle("POST /v3/organizations/org-console-url", s.orgConsoleURL)
}

func (s *Server) createPerson(r *http.Request) (any, error) {
	var req struct {
		ThirdPartyUserID string `json:"thirdPartyUserId"`
		Name             string `json:"name"`
		IDType           string `json:"idType"`
		IDNumber         string `json:"idNumber"`
		Mobile           string `json:"mobile"`
		Email            string `json:"email"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.ThirdPartyUserID == "" {
		return nil, paramErr("thirdPartyUserId不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.thirdIDs[req.ThirdPartyUserID]; ok {
		if _, isPerson := s.st.persons[id]; !isPerson {
			return nil, errAccountKind
		}
		return nil, &dataError{Error{errAccountExists, "账号已存在"}, map[string]string{"accountId": id}}
	}
	if req.IDType == "" {
		req.IDType = defaultPsnIDType
	}
	p := &person{ID: newID(), ThirdID: req.ThirdPartyUserID, Name: req.Name, IDType: req.IDType,
		IDNumber: req.IDNumber, Mobile: req.Mobile, Email: req.Email}
	s.st.persons[p.ID], s.st.thirdIDs[p.ThirdID] = p, p.ID
	return map[string]string{"accountId": p.ID}, nil
}

func (s *Server) createOrg(r *http.Request) (any, error) {
	var req struct {
		ThirdPartyUserID string `json:"thirdPartyUserId"`
		Creator          string `json:"creator"`
		Name             string `json:"name"`
		IDType           string `json:"idType"`
		IDNumber         string `json:"idNumber"`
		OrgLegalIDNumber string `json:"orgLegalIdNumber"`
		OrgLegalName     string `json:"orgLegalName"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.ThirdPartyUserID == "" {
		return nil, paramErr("thirdPartyUserId不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.thirdIDs[req.ThirdPartyUserID]; ok {
		if _, isOrg := s.st.orgs[id]; !isOrg {
			return nil, errAccountKind
		}
		return nil, &dataError{Error{errAccountExists, "账号已存在"}, map[string]string{"orgId": id}}
	}
	if req.Creator != "" && s.st.persons[req.Creator] == nil {
		return nil, errNoAccount
	}
	if req.IDType == "" {
		req.IDType = defaultOrgIDType
	}
	o := &org{ID: newID(), ThirdID: req.ThirdPartyUserID, Name: req.Name, Creator: req.Creator,
		IDType: req.IDType, IDNumber: req.IDNumber, LegalName: req.OrgLegalName, LegalIDNumber: req.OrgLegalIDNumber}
	s.st.orgs[o.ID], s.st.thirdIDs[o.ThirdID] = o, o.ID
	return map[string]string{"orgId": o.ID}, nil
}

func (s *Server) personByThird(third string) *person {
	return s.st.persons[s.st.thirdIDs[third]]
}

func (s *Server) orgByThird(third string) *org { return s.st.orgs[s.st.thirdIDs[third]] }

func (s *Server) personBy(find func() *person) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := find()
	if p == nil {
		return nil, errNoAccount
	}
	return map[string]any{"accountId": p.ID, "name": p.Name, "idType": p.IDType, "idNumber": p.IDNumber,
		"mobile": p.Mobile, "email": p.Email, "thirdPartyUserId": p.ThirdID}, nil
}

func (s *Server) orgBy(find func() *org) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := find()
	if o == nil {
		return nil, errNoAccount
	}
	return map[string]any{"orgId": o.ID, "name": o.Name, "idType": o.IDType, "idNumber": o.IDNumber,
		"thirdPartyUserId": o.ThirdID, "creator": o.Creator}, nil
}

func realname(ok bool) int {
	if ok {
		return 1
	}
	return 0
}

func (s *Server) personIdentity(r *http.Request) (any, error) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var p *person
	switch {
	case q.Get("psnId") != "":
		p = s.st.persons[q.Get("psnId")]
	case q.Get("psnAccount") != "":
		for _, c := range s.st.persons {
			if c.Mobile == q.Get("psnAccount") || c.Email == q.Get("psnAccount") {
				p = c
			}
		}
	default:
		return nil, paramErr("psnId, psnAccount不能同时为空")
	}
	if p == nil {
		return nil, errAccountGone
	}
	return map[string]any{"realnameStatus": realname(p.Realname), "authorizeUserInfo": false, "psnId": p.ID,
		"psnAccount": map[string]string{"accountMobile": p.Mobile, "accountEmail": p.Email},
		"psnInfo":    map[string]string{"psnName": p.Name, "psnIDCardNum": p.IDNumber, "psnIDCardType": p.IDType}}, nil
}

func (s *Server) orgIdentity(r *http.Request) (any, error) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *org
	switch {
	case q.Get("orgId") != "":
		o = s.st.orgs[q.Get("orgId")]
	case q.Get("orgName") != "":
		for _, c := range s.st.orgs {
			if c.Name == q.Get("orgName") {
				o = c
			}
		}
	default:
		return nil, paramErr("orgId, orgName不能同时为空")
	}
	if o == nil {
		return nil, errAccountGone
	}
	return map[string]any{"realnameStatus": realname(o.Realname), "authorizeUserInfo": false,
		"orgId": o.ID, "orgName": o.Name,
		"orgInfo": map[string]string{"orgIDCardNum": o.IDNumber, "orgIDCardType": o.IDType, "legalRepName": o.LegalName}}, nil
}

func (s *Server) orgConsoleURL(r *http.Request) (any, error) {
	var req struct {
		OrgID string `json:"orgId"`
		PsnID string `json:"psnId"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.OrgID == "" {
		return nil, paramErr("orgId不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.orgs[req.OrgID] == nil || (req.PsnID != "" && s.st.persons[req.PsnID] == nil) {
		return nil, errAccountGone
	}
	long := s.baseURL(r) + "/console/" + req.OrgID
	if req.PsnID != "" {
		long += "?psnId=" + url.QueryEscape(req.PsnID)
	}
	return map[string]string{"orgConsoleUrl": long, "orgConsoleShortUrl": s.shortLocked(r, long)}, nil
}

// shortLocked registers a short link to long on the emulator.
func (s *Server) shortLocked(r *http.Request, long string) string {
	code := newID()[:10]
	s.st.short[code] = long
	return s.baseURL(r) + "/s/" + code
}

// dataError is a business failure that still carries data, like
// 53000000 账号已存在 with the existing id.
type dataError struct {
	err  Error
	data any
}

func (e *dataError) Error() string { return e.err.Error() }
