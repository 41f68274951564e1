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
	if req.Creator == "" {
		return nil, paramErr("creator不能为空")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.st.thirdIDs[req.ThirdPartyUserID]; ok {
		if _, isOrg := s.st.orgs[id]; !isOrg {
			return nil, errAccountKind
		}
		return nil, &dataError{Error{errAccountExists, "账号已存在"}, map[string]string{"orgId": id}}
	}
	if s.st.persons[req.Creator] == nil {
		return nil, errNoAccount // also a v3 psnId: creator is a v1 accountId
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

// personIdentity is GET /v3/persons/identity-info: psnId > psnAccount >
// psnIDCardNum. Only a real-name user has a SaaS account to find; identity
// details come back only when the person granted get_psn_identity_info.
func (s *Server) personIdentity(r *http.Request) (any, error) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var p *person
	var err error
	switch {
	case q.Get("psnId") != "":
		if p, err = s.v3PersonLocked(q.Get("psnId")); err != nil {
			return nil, err
		}
	case q.Get("psnAccount") != "":
		acct := q.Get("psnAccount")
		p = s.findPersonLocked(func(c *person) bool { return c.Mobile == acct || c.Email == acct })
	case q.Get("psnIDCardNum") != "":
		if q.Get("psnIDCardType") == "" {
			return nil, errMissing("psnIDCardType")
		}
		num, typ := q.Get("psnIDCardNum"), q.Get("psnIDCardType")
		p = s.findPersonLocked(func(c *person) bool { return c.IDNumber == num && c.IDType == typ })
	default:
		return nil, errMissing("psnId")
	}
	if p == nil {
		return nil, bizErr(errIdentityNotFoundCode, "未找到用户信息，请检查查询数据的正确性 :"+q.Encode())
	}
	granted := hasScope(p.Scopes, ScopePsnIdentityInfo)
	out := map[string]any{"realnameStatus": realname(p.Realname), "authorizeUserInfo": granted, "psnId": p.V3ID}
	if granted {
		out["psnAccount"] = map[string]any{"accountMobile": nullable(p.Mobile), "accountEmail": nullable(p.Email)}
		out["psnInfo"] = map[string]any{"psnName": p.Name, "psnNationality": nil, "psnIDCardNum": nullable(p.IDNumber),
			"psnIDCardType": nullable(p.IDType), "bankCardNum": nil, "psnMobile": nullable(p.Mobile)}
	}
	return out, nil
}

// findPersonLocked finds a real-name person (one with a v3 account).
func (s *Server) findPersonLocked(match func(*person) bool) *person {
	for _, c := range s.st.psnV3 {
		if match(c) {
			return c
		}
	}
	return nil
}

func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// orgIdentity is GET /v3/organizations/identity-info: orgId > orgName >
// orgIDCardNum. A real-name organization's basic orgInfo is always given;
// the legal representative's id needs get_org_identity_info.
func (s *Server) orgIdentity(r *http.Request) (any, error) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *org
	var err error
	find := func(match func(*org) bool) *org {
		for _, c := range s.st.orgV3 {
			if match(c) {
				return c
			}
		}
		return nil
	}
	switch {
	case q.Get("orgId") != "":
		if o, err = s.v3OrgLocked(q.Get("orgId")); err != nil {
			return nil, err
		}
	case q.Get("orgName") != "":
		o = find(func(c *org) bool { return c.Name == q.Get("orgName") })
	case q.Get("orgIDCardNum") != "":
		if q.Get("orgIDCardType") == "" {
			return nil, errMissing("orgIDCardType")
		}
		o = find(func(c *org) bool { return c.IDNumber == q.Get("orgIDCardNum") && c.IDType == q.Get("orgIDCardType") })
	default:
		return nil, errMissing("orgId")
	}
	if o == nil {
		return nil, bizErr(errIdentityNotFoundCode, "未找到用户信息，请检查查询数据的正确性 :"+q.Encode())
	}
	granted := hasScope(o.Scopes, ScopeOrgIdentityInfo)
	info := map[string]any{"orgType": nil, "orgIDCardNum": nullable(o.IDNumber), "orgIDCardType": nullable(o.IDType),
		"legalRepName": nullable(o.LegalName), "legalRepIDCardNum": nil, "legalRepIDCardType": nil,
		"orgBankAccountNum": nil, "corporateAccount": nil, "cnapsCode": nil, "licenseDownloadUrl": nil,
		"authorizationDownloadUrl": nil, "adminName": nil, "adminAccount": nil}
	if granted {
		info["legalRepIDCardNum"], info["legalRepIDCardType"] = nullable(o.LegalIDNumber), "CRED_PSN_CH_IDCARD"
	}
	if c := s.st.persons[o.Creator]; c != nil && c.Name != "" {
		info["adminName"] = string([]rune(c.Name)[:1]) + "*"
	}
	return map[string]any{"realnameStatus": realname(o.Realname), "authorizeUserInfo": granted,
		"orgId": o.V3ID, "orgName": o.Name, "orgAuthMode": "ORG_LEGALREP", "orgInfo": info}, nil
}

// orgConsoleURL is POST /v3/organizations/org-console-url: v3 orgId and
// transactorPsnId both required, and the organization must have granted
// manage_org_resource (v3-organizations-org-console-url.md). The page has
// no error table: the codes are our decision (the auth3 family's 1450001
// for a missing parameter, 1436116's wording for the missing grant).
func (s *Server) orgConsoleURL(r *http.Request) (any, error) {
	var req struct {
		OrgID           string   `json:"orgId"`
		TransactorPsnID string   `json:"transactorPsnId"`
		ShowTopBar      *bool    `json:"showTopBar"`
		Menu            []string `json:"menu"`
		PageConfig      *struct {
			Distributor bool `json:"distributor"`
		} `json:"pageConfig"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.OrgID == "":
		return nil, errMissing("orgId")
	case req.TransactorPsnID == "":
		return nil, errMissing("transactorPsnId")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.v3OrgLocked(req.OrgID)
	if err != nil {
		return nil, err
	}
	if _, err := s.v3PersonLocked(req.TransactorPsnID); err != nil {
		return nil, err
	}
	if !hasScope(o.Scopes, ScopeManageOrgResource) {
		return nil, bizErr(1436116, "用户:"+o.V3ID+"未授权:"+ScopeManageOrgResource)
	}
	long := s.baseURL(r) + "/console/" + o.ID + "?psnId=" + url.QueryEscape(req.TransactorPsnID)
	return map[string]string{"orgConsoleUrl": long}, nil
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
