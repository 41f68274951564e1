package esigntest

import "strings"

// Authorization scopes an organization or person grants this AppId through
// e签宝's authorization flow (esign-docs README, fact 3).
const (
	ScopeOrgApprovalInfo    = "org_approval_info"
	ScopeManageOrgResource  = "manage_org_resource"
	ScopePsnIdentityInfo    = "get_psn_identity_info"
	ScopeOrgIdentityInfo    = "get_org_identity_info"
	ScopeOrgInitiateSign    = "org_initiate_sign"
	ScopePsnInitiateSign    = "psn_initiate_sign"
	errV1OnV3Code           = 1450004
	errV3NotFoundCode       = 1435203
	errIdentityNotFoundCode = 1450008
)

// errV1OnV3 is what a v3 endpoint answers for a v1 id (README fact 2).
func errV1OnV3(id string) *Error {
	return bizErr(errV1OnV3Code, "用户id："+id+" 由于接口版本问题不可用")
}

func errV3Gone(id string) *Error {
	return bizErr(errV3NotFoundCode, "账号不存在或已注销 :"+id)
}

func errMissing(name string) *Error { return bizErr(1450001, "缺少参数："+name) }

// v3PersonLocked resolves a v3 psnId; a v1 accountId is refused as e签宝
// refuses it.
func (s *Server) v3PersonLocked(id string) (*person, error) {
	if p := s.st.psnV3[id]; p != nil {
		return p, nil
	}
	if s.st.persons[id] != nil {
		return nil, errV1OnV3(id)
	}
	return nil, errV3Gone(id)
}

// v3OrgLocked resolves a v3 orgId; a v1 orgId is refused.
func (s *Server) v3OrgLocked(id string) (*org, error) {
	if o := s.st.orgV3[id]; o != nil {
		return o, nil
	}
	if s.st.orgs[id] != nil {
		return nil, errV1OnV3(id)
	}
	return nil, errV3Gone(id)
}

// realnamePersonLocked marks p verified and gives it its v3 psnId, which
// e签宝 has for a real-name user (not documented how a v1 account maps to
// a SaaS account: our decision, one v3 id per verified v1 account).
func (s *Server) realnamePersonLocked(p *person, ok bool) {
	p.Realname = ok
	if ok && p.V3ID == "" {
		p.V3ID = newID()
		s.st.psnV3[p.V3ID] = p
	}
}

func (s *Server) realnameOrgLocked(o *org, ok bool) {
	o.Realname = ok
	if ok && o.V3ID == "" {
		o.V3ID = newID()
		s.st.orgV3[o.V3ID] = o
	}
}

// Grant records that the organization or person id (v1 or v3) granted
// this AppId the scopes, as e签宝's authorization flow does once the user
// agrees. The v3 endpoints that need a scope refuse without it.
func (s *Server) Grant(id string, scopes ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := func(m *map[string]bool) {
		if *m == nil {
			*m = map[string]bool{}
		}
		for _, sc := range scopes {
			(*m)[strings.TrimSpace(sc)] = true
		}
	}
	if o := s.anyOrgLocked(id); o != nil {
		set(&o.Scopes)
		return nil
	}
	if p := s.anyPersonLocked(id); p != nil {
		set(&p.Scopes)
		return nil
	}
	return errNoAccount
}

// Revoke withdraws scopes granted with Grant.
func (s *Server) RevokeGrant(id string, scopes ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m map[string]bool
	if o := s.anyOrgLocked(id); o != nil {
		m = o.Scopes
	} else if p := s.anyPersonLocked(id); p != nil {
		m = p.Scopes
	} else {
		return errNoAccount
	}
	for _, sc := range scopes {
		delete(m, sc)
	}
	return nil
}

// V3ID returns the v3 SaaS id of a v1 account or organization id, "" until
// it is real-name verified.
func (s *Server) V3ID(v1ID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.persons[v1ID]; p != nil {
		return p.V3ID
	}
	if o := s.st.orgs[v1ID]; o != nil {
		return o.V3ID
	}
	return ""
}

func (s *Server) anyOrgLocked(id string) *org {
	if o := s.st.orgs[id]; o != nil {
		return o
	}
	return s.st.orgV3[id]
}

func (s *Server) anyPersonLocked(id string) *person {
	if p := s.st.persons[id]; p != nil {
		return p
	}
	return s.st.psnV3[id]
}

func hasScope(m map[string]bool, any ...string) bool {
	for _, sc := range any {
		if m[sc] {
			return true
		}
	}
	return false
}
