package service

import (
	"context"
	"strconv"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// App status values of GetCropStatus/GetIsvStatus. DingTalk's page for
// these actions documents the fields only as strings; these enums are the
// gateway's choice (OpenAPI description): install status is the app's
// presence for the corp, auth status its e签宝 authorization.
const (
	StatusInstalled    = "INSTALLED"
	StatusNotInstalled = "NOT_INSTALLED"
	StatusAuthorized   = "AUTHORIZED"
	StatusUnauthorized = "UNAUTHORIZED"
	StatusCancelled    = "CANCELLED"
)

// SetDeveloper is CreateDeveloper/CreateDevelopers: it stores the ISV's
// settings for the corp (noticeUrl receives pushed events; redirectUrl is
// where pages return). esign_1.0's GET carries no body, so both are optional.
func (s *Service) SetDeveloper(ctx context.Context, req *dingtalk.DeveloperRequest) (bool, error) {
	if err := s.checkURL("noticeUrl", req.NoticeURL); err != nil {
		return false, err
	}
	if err := s.checkURL("redirectUrl", req.RedirectURL); err != nil {
		return false, err
	}
	_, err := s.store.UpdateCorp(ctx, caller(ctx).CorpID, func(c *store.Corp) error {
		if req.NoticeURL != "" {
			c.NoticeURL = req.NoticeURL
		}
		if req.RedirectURL != "" {
			c.RedirectURL = req.RedirectURL
		}
		c.UpdatedAt = s.nowMs()
		return nil
	})
	return err == nil, storeError(err, nil)
}

// AuthURL is AuthUrl/GetAuthUrl: an authorization task whose pages open the
// gateway's own consent page for the caller's corp.
func (s *Service) AuthURL(ctx context.Context, req *dingtalk.RedirectRequest) (*dingtalk.PageURLs, error) {
	if err := s.checkURL("redirectUrl", req.RedirectURL); err != nil {
		return nil, err
	}
	c := caller(ctx)
	t := &store.Task{ID: newID("au"), CorpID: c.CorpID, AppKey: c.AppKey, Kind: store.KindAuth, FlowID: "consent",
		RedirectURL: req.RedirectURL, CreatedAt: s.nowMs(), UpdatedAt: s.nowMs()}
	if err := s.store.CreateTask(ctx, t); err != nil {
		return nil, storeError(err, nil)
	}
	return s.pageURLs("auth", t.ID), nil
}

// pageURLs are the PC and mobile addresses of one of the gateway's pages.
func (s *Service) pageURLs(page, taskID string) *dingtalk.PageURLs {
	u := s.cfg.PublicURL + "/pages/" + page + "/" + taskID
	return &dingtalk.PageURLs{PCURL: u, MobileURL: u + "?client=mobile", TaskID: taskID}
}

// ConsentPage is what the consent page shows.
type ConsentPage struct {
	TaskID      string
	CorpID      string
	Authorized  bool
	RedirectURL string
}

// Consent returns the consent page's state for an authorization task.
func (s *Service) Consent(ctx context.Context, taskID string) (*ConsentPage, error) {
	t, err := s.pageTask(ctx, taskID, store.KindAuth)
	if err != nil {
		return nil, err
	}
	corp, err := s.store.Corp(ctx, t.CorpID)
	if err != nil {
		return nil, storeError(err, errTaskNotFound)
	}
	return &ConsentPage{TaskID: t.ID, CorpID: t.CorpID, Authorized: corp.Authorized, RedirectURL: t.RedirectURL}, nil
}

// Authorize records the corp's consent: its e签宝 organization account is
// created and the corp is marked authorized.
func (s *Service) Authorize(ctx context.Context, taskID string) (*ConsentPage, error) {
	t, err := s.pageTask(ctx, taskID, store.KindAuth)
	if err != nil {
		return nil, err
	}
	if _, err := s.ensureOrg(ctx, t.CorpID); err != nil {
		return nil, err
	}
	_, err = s.store.UpdateCorp(ctx, t.CorpID, func(c *store.Corp) error {
		c.Authorized, c.Installed, c.AuthTime, c.UpdatedAt = true, true, s.nowMs(), s.nowMs()
		return nil
	})
	if err != nil {
		return nil, storeError(err, nil)
	}
	s.corps.invalidate(t.CorpID)
	_ = s.store.PublishCorpChange(ctx, t.CorpID)
	if _, err := s.store.AppendLog(ctx, t.ID, logEntry("consent", logFinished, "企业已授权e签宝", s.nowMs(), "")); err != nil {
		return nil, storeError(err, nil)
	}
	return &ConsentPage{TaskID: t.ID, CorpID: t.CorpID, Authorized: true, RedirectURL: t.RedirectURL}, nil
}

// pageTask finds the task behind one of the gateway's pages. Pages are
// opened by browsers without a DingTalk token: the unguessable task id is
// the capability.
func (s *Service) pageTask(ctx context.Context, id string, kind store.TaskKind) (*store.Task, error) {
	if !validID(id) {
		return nil, errTaskNotFound
	}
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return nil, storeError(err, errTaskNotFound)
	}
	if t.Kind != kind {
		return nil, errTaskNotFound
	}
	return t, nil
}

// CancelAuth is CancelCorpAuth (both versions): the corp is marked
// unauthorized and every token issued for it stops working at once, on
// every replica (its epoch moves on and a change notice goes out).
func (s *Service) CancelAuth(ctx context.Context) (*dingtalk.Result, error) {
	id := caller(ctx).CorpID
	_, err := s.store.UpdateCorp(ctx, id, func(c *store.Corp) error {
		c.Authorized = false
		c.Epoch++
		c.UpdatedAt = s.nowMs()
		return nil
	})
	if err != nil {
		return nil, storeError(err, nil)
	}
	s.corps.invalidate(id)
	if err := s.store.PublishCorpChange(ctx, id); err != nil {
		// Other replicas still drop their view within RevocationTTL.
		s.log.Warn("corp change notice failed", "corp", id, "error", err)
	}
	return &dingtalk.Result{Result: true}, nil
}

// AppStatus is GetCropStatus/GetIsvStatus.
func (s *Service) AppStatus(ctx context.Context) (*dingtalk.AppStatus, error) {
	corp, err := s.store.Corp(ctx, caller(ctx).CorpID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &dingtalk.AppStatus{InstallStatus: StatusNotInstalled, AuthStatus: StatusUnauthorized}
	if corp.Installed {
		out.InstallStatus = StatusInstalled
	}
	switch {
	case corp.Authorized:
		out.AuthStatus = StatusAuthorized
	case corp.Epoch > 0:
		out.AuthStatus = StatusCancelled
	}
	return out, nil
}

// CorpInfo is CorpInfo/GetCorpInfo: the corp's e签宝 organization name and
// real-name state (GET /v3/organizations/identity-info).
func (s *Service) CorpInfo(ctx context.Context) (name string, realName bool, err error) {
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return "", false, err
	}
	orgID, err := s.ensureOrg(ctx, corpID)
	if err != nil {
		return "", false, err
	}
	info, err := s.esign.OrgIdentity(ctx, orgID)
	if err != nil {
		return "", false, s.upstreamError("org_identity", err)
	}
	name = info.OrgName
	if name == "" {
		if name, err = s.orgName(ctx, orgID); err != nil {
			return "", false, err
		}
	}
	return name, info.RealnameStatus == 1, nil
}

// CorpConsole is CorpConsole/GetCorpConsole: the e签宝 console address of
// the corp's organization.
func (s *Service) CorpConsole(ctx context.Context) (string, error) {
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return "", err
	}
	orgID, err := s.ensureOrg(ctx, corpID)
	if err != nil {
		return "", err
	}
	c, err := s.esign.OrgConsoleURL(ctx, orgID, "")
	if err != nil {
		return "", s.upstreamError("org_console_url", err)
	}
	return c.URL, nil
}

// UserInfo is GetUserInfo (both versions): the user's e签宝 account (created
// on first use) and its real-name state (GET /v3/persons/identity-info).
func (s *Service) UserInfo(ctx context.Context, userID string) (name string, realName bool, err error) {
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return "", false, err
	}
	if userID == "" {
		return "", false, dingtalk.Field("userId")
	}
	u, err := s.ensureUser(ctx, corpID, userID, "")
	if err != nil {
		return "", false, err
	}
	info, err := s.esign.PersonIdentity(ctx, u.AccountID)
	if err != nil {
		return "", false, s.upstreamError("person_identity", err)
	}
	name = info.PsnName
	if name == "" {
		if name, err = s.personName(ctx, u.AccountID); err != nil {
			return "", false, err
		}
	}
	return name, info.RealnameStatus == 1, nil
}

// CorpRealnameURL is GetCorpRealnameUrl/CorpRealname: an e签宝 org identity
// flow (POST /v2/identity/auth/web/{orgId}/orgIdentityUrl) with the user as
// agent, and a task for it.
func (s *Service) CorpRealnameURL(ctx context.Context, req *dingtalk.UserPageRequest) (*dingtalk.PageURLs, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkURL("redirectUrl", req.RedirectURL); err != nil {
		return nil, err
	}
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return nil, err
	}
	orgID, err := s.ensureOrg(ctx, corpID)
	if err != nil {
		return nil, err
	}
	u, err := s.ensureUser(ctx, corpID, req.UserID, "")
	if err != nil {
		return nil, err
	}
	id := newID("rn")
	res, err := s.esign.OrgIdentityURL(ctx, orgID, &esign.OrgIdentityRequest{AgentAccountID: u.AccountID,
		ContextInfo: esign.IdentityContext{ContextID: id, NotifyURL: s.CallbackURL(), RedirectURL: s.redirectOr(ctx, req.RedirectURL), Origin: "BROWSER"}})
	if err != nil {
		return nil, s.upstreamError("org_identity_url", err)
	}
	return s.identityTask(ctx, id, store.KindCorpRealname, req.UserID, res)
}

// UserRealnameURL is GetUserRealnameUrl/UsersRealname: an e签宝 person
// identity flow (POST /v2/identity/auth/web/{accountId}/indivIdentityUrl).
func (s *Service) UserRealnameURL(ctx context.Context, req *dingtalk.UserPageRequest) (*dingtalk.PageURLs, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkURL("redirectUrl", req.RedirectURL); err != nil {
		return nil, err
	}
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.ensureUser(ctx, corpID, req.UserID, "")
	if err != nil {
		return nil, err
	}
	id := newID("rn")
	res, err := s.esign.IndivIdentityURL(ctx, u.AccountID, &esign.IndivIdentityRequest{
		ContextInfo: esign.IdentityContext{ContextID: id, NotifyURL: s.CallbackURL(), RedirectURL: s.redirectOr(ctx, req.RedirectURL), Origin: "BROWSER"}})
	if err != nil {
		return nil, s.upstreamError("indiv_identity_url", err)
	}
	return s.identityTask(ctx, id, store.KindUserRealname, req.UserID, res)
}

func (s *Service) identityTask(ctx context.Context, id string, kind store.TaskKind, userID string, res *esign.IdentityURL) (*dingtalk.PageURLs, error) {
	c := caller(ctx)
	t := &store.Task{ID: id, CorpID: c.CorpID, AppKey: c.AppKey, Kind: kind, FlowID: res.FlowID, UserID: userID,
		CreatedAt: s.nowMs(), UpdatedAt: s.nowMs()}
	if err := s.store.CreateTask(context.WithoutCancel(ctx), t); err != nil {
		return nil, storeError(err, nil)
	}
	mobile := res.ShortLink
	if mobile == "" {
		mobile = res.URL
	}
	return &dingtalk.PageURLs{PCURL: res.URL, MobileURL: mobile, TaskID: id}, nil
}

// redirectOr returns redirect, or else the corp's developer redirectUrl, or
// else the gateway's own done page (e签宝 requires one).
func (s *Service) redirectOr(ctx context.Context, redirect string) string {
	if redirect != "" {
		return redirect
	}
	if corp, err := s.store.Corp(ctx, caller(ctx).CorpID); err == nil && corp.RedirectURL != "" {
		return corp.RedirectURL
	}
	return s.cfg.PublicURL + "/pages/done"
}

// BoolString renders a bool the way esign_2.0's string fields want it.
func BoolString(b bool) string { return strconv.FormatBool(b) }
