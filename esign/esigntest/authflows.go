package esigntest

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// e签宝's organization authentication & authorization flow, as
// authflow-docs.md (beside this file) extracts its pages: POST
// /v3/org-auth-url, GET /v3/auth-flow/{authFlowId}, the AUTHORIZE_FINISH
// callback and their codes.

// authScopes are the values authorizeConfig.authorizedScopes accepts
// (kcbdu7, 2026-01 list).
var authScopes = []string{
	ScopeOrgIdentityInfo, ScopePsnIdentityInfo, ScopeOrgInitiateSign, ScopePsnInitiateSign,
	"manage_org_member", "manage_org_seal", "manage_org_template", "use_org_template",
	ScopeManageOrgResource, "manage_psn_resource", "psn_sign_file_storage", "org_sign_file_storage",
	ScopeOrgApprovalInfo, "use_org_order", "apply_org_evidence", "apply_psn_evidence",
	"org_function_benefits", "manage_org_contract",
}

// Authorized statuses of GET /v3/auth-flow (hlrs7s).
const (
	authExpired    = 0
	authAuthorized = 1
	authPending    = 2
	authRejected   = 3
)

// authGrantSpan is how long a grant lasts: 99 years since 2024-09-28
// (auth3 API最新动态).
const authGrantSpan = 99 * 365 * 24 * time.Hour

var errNoAuthFlow = bizErr(1450007, "授权流程id不存在")

type authFlow struct {
	ID, OrgID, OrgName, PsnID string // ids are v3
	NotifyURL, RedirectURL    string
	URL                       string
	Scopes                    []string // asked for; empty: real-name only
	Status                    int
	Created, Updated          time.Time
}

type orgAuthURLRequest struct {
	OrgAuthConfig *struct {
		OrgName string `json:"orgName"`
		OrgID   string `json:"orgId"`
		OrgInfo *struct {
			OrgIDCardNum       string `json:"orgIDCardNum"`
			OrgIDCardType      string `json:"orgIDCardType"`
			LegalRepName       string `json:"legalRepName"`
			LegalRepIDCardNum  string `json:"legalRepIDCardNum"`
			LegalRepIDCardType string `json:"legalRepIDCardType"`
			OrgBankAccountNum  string `json:"orgBankAccountNum"`
		} `json:"orgInfo"`
		OrgAuthPageConfig *struct {
			OrgDefaultAuthMode    string   `json:"orgDefaultAuthMode"`
			OrgAvailableAuthModes []string `json:"orgAvailableAuthModes"`
			OrgEditableFields     []string `json:"orgEditableFields"`
		} `json:"orgAuthPageConfig"`
		TransactorInfo *struct {
			PsnID      string `json:"psnId"`
			PsnAccount string `json:"psnAccount"`
			PsnInfo    *struct {
				PsnName           string `json:"psnName"`
				PsnIDCardNum      string `json:"psnIDCardNum"`
				PsnIDCardType     string `json:"psnIDCardType"`
				BankCardNum       string `json:"bankCardNum"`
				PsnMobile         string `json:"psnMobile"`
				PsnIdentityVerify *bool  `json:"psnIdentityVerify"`
			} `json:"psnInfo"`
		} `json:"transactorInfo"`
		TransactorAuthPageConfig *struct {
			PsnDefaultAuthMode    string   `json:"psnDefaultAuthMode"`
			PsnAvailableAuthModes []string `json:"psnAvailableAuthModes"`
			AdvancedVersion       []string `json:"advancedVersion"`
			PsnEditableFields     []string `json:"psnEditableFields"`
		} `json:"transactorAuthPageConfig"`
	} `json:"orgAuthConfig"`
	AuthorizeConfig *struct {
		AuthorizedScopes []string `json:"authorizedScopes"`
	} `json:"authorizeConfig"`
	RedirectConfig *struct {
		RedirectURL       string `json:"redirectUrl"`
		RedirectDelayTime string `json:"redirectDelayTime"`
	} `json:"redirectConfig"`
	TransactorUseSeal *bool  `json:"transactorUseSeal"`
	ClientType        string `json:"clientType"`
	NotifyURL         string `json:"notifyUrl"`
	AppScheme         string `json:"appScheme"`
	OrgIdentityVerify *bool  `json:"orgIdentityVerify"`
}

func (s *Server) authFlowRoutes() {
	s.handle("POST /v3/org-auth-url", s.orgAuthURL)
	s.handle("GET /v3/auth-flow/{authFlowId}", s.authFlowDetail)
	s.open.HandleFunc("GET /auth/h5/index", s.authPage)
	s.open.HandleFunc("POST /auth/h5/complete", s.authPageComplete)
}

func errParam3(name string) *Error { return bizErr(1450002, "参数错误："+name) }

func (s *Server) orgAuthURL(r *http.Request) (any, error) {
	var req orgAuthURLRequest
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	if req.OrgAuthConfig == nil {
		return nil, errMissing("orgAuthConfig")
	}
	switch req.ClientType {
	case "", "ALL", "H5", "PC":
	default:
		return nil, errParam3("clientType")
	}
	for _, u := range []string{req.NotifyURL, redirectOf(&req)} {
		if p, err := url.Parse(u); u != "" && (err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "") {
			return nil, errParam3(u)
		}
	}
	fl := &authFlow{ID: "OF-" + newID(), OrgName: req.OrgAuthConfig.OrgName, NotifyURL: req.NotifyURL,
		RedirectURL: redirectOf(&req), Status: authPending, Created: s.now()}
	fl.Updated = fl.Created
	if req.AuthorizeConfig != nil {
		for _, sc := range req.AuthorizeConfig.AuthorizedScopes {
			if !slices.Contains(authScopes, sc) {
				return nil, errParam3("authorizedScopes:" + sc)
			}
		}
		fl.Scopes = req.AuthorizeConfig.AuthorizedScopes
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := req.OrgAuthConfig.OrgID; id != "" {
		o, err := s.v3OrgLocked(id) // a v1 orgId is refused (1450004)
		if err != nil {
			return nil, err
		}
		fl.OrgID, fl.OrgName = o.V3ID, o.Name
	}
	if ti := req.OrgAuthConfig.TransactorInfo; ti != nil && ti.PsnID != "" {
		p, err := s.v3PersonLocked(ti.PsnID)
		if err != nil {
			return nil, err
		}
		fl.PsnID = p.V3ID
	}
	if len(fl.Scopes) == 0 && fl.OrgID != "" {
		// Real-name mode for a verified organization (kcbdu7, authorizeConfig).
		return nil, bizErr(1450006, "企业用户已实名")
	}
	q := url.Values{"authFlowId": {fl.ID}, "clientType": {nonEmpty(req.ClientType, "ALL")}, "appId": {s.cfg.AppID}}
	fl.URL = s.baseURL(r) + "/auth/h5/index?" + q.Encode()
	s.st.authFlows[fl.ID] = fl
	return map[string]string{"authFlowId": fl.ID, "authUrl": fl.URL, "authShortUrl": s.shortLocked(r, fl.URL)}, nil
}

func redirectOf(req *orgAuthURLRequest) string {
	if req.RedirectConfig == nil {
		return ""
	}
	return req.RedirectConfig.RedirectURL
}

func nonEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (s *Server) authFlowDetail(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.authFlows[r.PathValue("authFlowId")]
	if fl == nil {
		return nil, errNoAuthFlow
	}
	realName := 0
	if o := s.st.orgV3[fl.OrgID]; o != nil && o.Realname {
		realName = 1
	}
	info := map[string]any{"authFlowCreateTime": fl.Created.UnixMilli(), "authFlowUpdateTime": fl.Updated.UnixMilli(),
		"willingnessAuthModes": nil, "psnAuthMode": nil, "orgAuthMode": nil}
	if fl.PsnID != "" {
		info["person"] = map[string]any{"psnId": fl.PsnID}
	}
	if fl.OrgID != "" {
		info["organization"] = map[string]any{"orgId": fl.OrgID, "orgName": fl.OrgName}
	}
	out := map[string]any{"authFlowId": fl.ID, "authType": "ORG", "realNameOrWillingness": "realName",
		"realNameStatus": realName, "authorizedStatus": fl.Status, "authUrl": fl.URL, "authInfo": info, "authorizedInfo": nil}
	if fl.Status == authAuthorized {
		out["authorizedInfo"] = s.grantsOf(fl)
	}
	return out, nil
}

func (s *Server) grantsOf(fl *authFlow) []map[string]any {
	var out []map[string]any
	for _, sc := range fl.Scopes {
		out = append(out, map[string]any{"authorizedScope": sc, "effectiveTime": fl.Updated.UnixMilli(),
			"expireTime": fl.Updated.Add(authGrantSpan).UnixMilli()})
	}
	return out
}

// AuthVisit is what the transactor does on e签宝's authorization page.
type AuthVisit struct {
	// Agree: the transactor verifies and grants (else the approval is
	// refused: authorizedStatus 3, and no callback, the pages documenting
	// none for a refusal).
	Agree bool
	// OrgName is typed on the page when the flow named no organization.
	OrgName string
	// Scopes the transactor leaves ticked; nil keeps every scope asked for.
	Scopes []string
}

// CompleteAuthFlow plays the transactor on the page of authFlowID: the
// organization is real-name verified (it gets its v3 orgId; one already
// verified under that name is reused), the transactor too, the grants are
// recorded and AUTHORIZE_FINISH is sent, signed, to the flow's notifyUrl.
func (s *Server) CompleteAuthFlow(authFlowID string, v AuthVisit) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.authFlows[authFlowID]
	if fl == nil {
		return errNoAuthFlow
	}
	if fl.Status != authPending {
		return bizErr(1450002, "参数错误：授权流程已结束")
	}
	fl.Updated = s.now()
	if !v.Agree {
		fl.Status = authRejected
		return nil
	}
	o := s.st.orgV3[fl.OrgID]
	if o == nil {
		name := nonEmpty(fl.OrgName, v.OrgName)
		if name == "" {
			return errMissing("orgName (typed on the page)")
		}
		for _, x := range s.st.orgV3 {
			if x.Name == name {
				o = x
			}
		}
		if o == nil {
			// Verified on e签宝's page: a SaaS organization without a v1 account.
			o = &org{Name: name, Realname: true, V3ID: newID()}
			s.st.orgV3[o.V3ID] = o
		}
		fl.OrgID, fl.OrgName = o.V3ID, o.Name
	}
	o.Realname = true
	p := s.st.psnV3[fl.PsnID]
	if p == nil {
		p = &person{Name: "经办人" + fl.ID[len(fl.ID)-4:], Realname: true, V3ID: newID()}
		s.st.psnV3[p.V3ID] = p
		fl.PsnID = p.V3ID
	}
	if v.Scopes != nil {
		fl.Scopes = slices.DeleteFunc(slices.Clone(fl.Scopes), func(sc string) bool { return !slices.Contains(v.Scopes, sc) })
	}
	for _, sc := range fl.Scopes {
		m := &o.Scopes
		if strings.Contains(sc, "psn") {
			m = &p.Scopes
		}
		if *m == nil {
			*m = map[string]bool{}
		}
		(*m)[sc] = true
	}
	fl.Status = authAuthorized
	if fl.NotifyURL == "" {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"action": "AUTHORIZE_FINISH", "timestamp": s.nowMs(), "psnId": fl.PsnID,
		"orgId": fl.OrgID, "authFlowId": fl.ID, "authorizedInfo": s.grantsOf(fl), "legalRepCheck": false,
		"adminCheck": true})
	s.cb.enqueue(fl.ID, fl.NotifyURL, body)
	return nil
}

// ExpireAuthFlow lets an unfinished flow lapse (the link lasts 30 days).
func (s *Server) ExpireAuthFlow(authFlowID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.authFlows[authFlowID]
	if fl == nil {
		return errNoAuthFlow
	}
	if fl.Status == authPending {
		fl.Status, fl.Updated = authExpired, s.now()
	}
	return nil
}

// AuthFlowOf returns the authFlowId of the flow whose page URL is u (the
// authUrl or its short link), for tests that follow a redirect.
func (s *Server) AuthFlowOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	if id := p.Query().Get("authFlowId"); id != "" {
		return id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if long, ok := s.st.short[strings.TrimPrefix(p.Path, "/s/")]; ok {
		if lp, err := url.Parse(long); err == nil {
			return lp.Query().Get("authFlowId")
		}
	}
	return ""
}

const authPageTmpl = `{{define "auth"}}{{template "head" .}}
<p>认证授权流程 <code>{{.FlowID}}</code> · {{.Subject}} · 状态 <strong id="auth-status">{{.Status}}</strong></p>
{{if .CanAct}}<form method="post" action="/auth/h5/complete"><input type="hidden" name="authFlowId" value="{{.FlowID}}">
<input type="hidden" name="ok" value="1"><label>机构名称 <input name="orgName" value="{{.Account}}"></label>
<button type="submit" id="authorize">同意授权</button></form>
<form method="post" action="/auth/h5/complete"><input type="hidden" name="authFlowId" value="{{.FlowID}}">
<input type="hidden" name="ok" value="0"><button type="submit" id="reject">拒绝</button></form>{{end}}</body></html>{{end}}`

var authPages = template.Must(template.Must(pages.Clone()).Parse(authPageTmpl))

var authStatusText = map[int]string{authExpired: "已过期", authAuthorized: "已授权", authPending: "授权中", authRejected: "审批未通过"}

func (s *Server) authPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	fl := s.st.authFlows[r.URL.Query().Get("authFlowId")]
	var d pageData
	if fl != nil {
		d = pageData{Title: "机构认证授权", FlowID: fl.ID, Status: authStatusText[fl.Status], CanAct: fl.Status == authPending,
			Subject: "授权范围 " + strings.Join(fl.Scopes, ","), Account: fl.OrgName}
	}
	s.mu.Unlock()
	if fl == nil {
		renderWith(w, authPages, http.StatusNotFound, "auth", pageData{Title: "授权流程不存在"})
		return
	}
	renderWith(w, authPages, http.StatusOK, "auth", d)
}

func (s *Server) authPageComplete(w http.ResponseWriter, r *http.Request) {
	id := r.PostFormValue("authFlowId")
	if err := s.CompleteAuthFlow(id, AuthVisit{Agree: r.PostFormValue("ok") == "1", OrgName: r.PostFormValue("orgName")}); err != nil {
		renderWith(w, authPages, http.StatusConflict, "auth", pageData{Title: "机构认证授权", Msg: errMessage(err), FlowID: id})
		return
	}
	s.mu.Lock()
	redirect := s.st.authFlows[id].RedirectURL
	s.mu.Unlock()
	if redirect == "" {
		redirect = "/auth/h5/index?" + url.Values{"authFlowId": {id}}.Encode()
	}
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

func renderWith(w http.ResponseWriter, t *template.Template, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
