package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// App status values of GetCropStatus/GetIsvStatus, as DingTalk's pages
// document them: installStatus OPEN (e签宝微应用已经安装) or CLOSE (停止或已
// 卸载), authStatus AUTH (已授权) or UNAUTH. A corp that cancelled is UNAUTH.
const (
	StatusOpen   = "OPEN"
	StatusClose  = "CLOSE"
	StatusAuth   = "AUTH"
	StatusUnauth = "UNAUTH"
)

// Corps manages a corp's relation with e签宝: the ISV's settings, the
// authorization (consent page, cancellation), its status, organization
// account, console and real-name pages.
type Corps service

// SetDeveloper is CreateDeveloper/CreateDevelopers: it stores the ISV's
// settings for the corp (noticeUrl receives pushed events; redirectUrl is
// where pages return). Empty values leave the stored ones alone.
func (s *Corps) SetDeveloper(ctx context.Context, noticeURL, redirectURL string) (bool, error) {
	if err := s.checkURL("noticeUrl", noticeURL); err != nil {
		return false, err
	}
	if err := s.checkURL("redirectUrl", redirectURL); err != nil {
		return false, err
	}
	_, err := s.store.UpdateCorp(ctx, caller(ctx).CorpID, func(c *store.Corp) error {
		if noticeURL != "" {
			c.NoticeURL = noticeURL
		}
		if redirectURL != "" {
			c.RedirectURL = redirectURL
		}
		c.UpdatedAt = s.nowMs()
		return nil
	})
	if err == nil && noticeURL != "" {
		// Events that waited for a receiver go now, their backoff forgotten.
		s.reviveCorp(ctx, caller(ctx).CorpID)
	}
	return err == nil, storeError(err, nil)
}

// AuthURL is AuthUrl/GetAuthUrl: an authorization task whose pages open the
// gateway's own consent page for the caller's corp.
func (s *Corps) AuthURL(ctx context.Context, redirectURL string) (*dingtalk.PageURLs, error) {
	if err := s.checkURL("redirectUrl", redirectURL); err != nil {
		return nil, err
	}
	c := caller(ctx)
	t := &store.Task{ID: newID("au"), CorpID: c.CorpID, AppKey: c.AppKey, Kind: store.KindAuth, Epoch: c.Epoch,
		RedirectURL: redirectURL, CreatedAt: s.nowMs(), UpdatedAt: s.nowMs()}
	if err := s.store.CreateTask(ctx, t); err != nil {
		return nil, storeError(err, nil)
	}
	return s.pageURLs("auth", t.ID), nil
}

// CancelAuth is CancelCorpAuth (both versions): the corp is marked
// unauthorized and every token issued for it stops working at once, on
// every replica (its epoch moves on and a change notice goes out).
func (s *Corps) CancelAuth(ctx context.Context) (*dingtalk.Result, error) {
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
	s.corpChanged(ctx, id)
	return &dingtalk.Result{Result: true}, nil
}

// corpChanged drops this replica's view of a corp and tells the others.
func (s *core) corpChanged(ctx context.Context, id string) {
	s.corps.invalidate(id)
	if err := s.store.PublishCorpChange(ctx, id); err != nil {
		// Other replicas still drop their view within RevocationTTL.
		s.log.Warn("corp change notice failed", "corp", id, "error", err)
	}
}

// AppStatus is GetCropStatus/GetIsvStatus.
func (s *Corps) AppStatus(ctx context.Context) (*dingtalk.AppStatus, error) {
	corp, err := s.store.Corp(ctx, caller(ctx).CorpID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	out := &dingtalk.AppStatus{InstallStatus: StatusClose, AuthStatus: StatusUnauth}
	if corp.Installed {
		out.InstallStatus = StatusOpen
	}
	if corp.Authorized {
		out.AuthStatus = StatusAuth
	}
	return out, nil
}

// Info is CorpInfo/GetCorpInfo: the corp's e签宝 organization name and
// real-name state (GET /v3/organizations/identity-info).
func (s *Corps) Info(ctx context.Context) (name string, realName bool, err error) {
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return "", false, err
	}
	orgID, err := s.ensureOrg(ctx, corpID, "")
	if err != nil {
		return "", false, err
	}
	// Real-name state is a v3 fact: without a v3 orgId (learnt when the
	// organization's verification ends) the organization is not verified.
	corp, err := s.store.Corp(ctx, corpID)
	if err != nil {
		return "", false, storeError(err, nil)
	}
	if corp.SaaSOrgID != "" {
		info, err := s.esign.OrgIdentity(ctx, esign.OrgLookup{OrgID: corp.SaaSOrgID})
		if err != nil {
			return "", false, s.upstreamError("org_identity", err)
		}
		return nonEmpty(info.OrgName, corp.OrgName), info.RealnameStatus == 1, nil
	}
	if name, err = s.orgName(ctx, orgID); err != nil {
		return "", false, err
	}
	return name, false, nil
}

// Console is CorpConsole/GetCorpConsole: the e签宝 console address of the
// corp's organization.
func (s *Corps) Console(ctx context.Context) (string, error) {
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return "", err
	}
	if _, err := s.ensureOrg(ctx, corpID, ""); err != nil {
		return "", err
	}
	orgID, transactor, err := s.saasOrg(ctx, corpID)
	if err != nil {
		return "", err
	}
	if transactor == "" {
		return "", dingtalk.ErrNotAuthorized.Msg("企业尚无在e签宝实名的经办人，请先完成个人实名")
	}
	u, err := s.esign.OrgConsoleURL(ctx, orgID, transactor)
	if err != nil {
		return "", s.grantError("org_console_url", err)
	}
	return u, nil
}

// RealnameURL is GetCorpRealnameUrl/CorpRealname: an e签宝 org identity flow
// (POST /v2/identity/auth/web/{orgId}/orgIdentityUrl) with the user as
// agent, and a task for it.
func (s *Corps) RealnameURL(ctx context.Context, userID, redirectURL string) (*dingtalk.PageURLs, error) {
	return s.identityFlow(ctx, store.KindCorpRealname, userID, redirectURL,
		func(id, corpID string, u *store.User) (*esign.IdentityURL, error) {
			orgID, err := s.ensureOrg(ctx, corpID, u.AccountID)
			if err != nil {
				return nil, err
			}
			res, err := s.esign.OrgIdentityURL(ctx, orgID, &esign.OrgIdentityRequest{AgentAccountID: u.AccountID,
				ContextInfo: s.identityContext(ctx, id, redirectURL)})
			return res, s.upstreamError("org_identity_url", err)
		})
}

// pageTask finds the task behind one of the gateway's pages. Pages are
// opened by browsers without a DingTalk token: the unguessable task id is
// the capability.
func (s *core) pageTask(ctx context.Context, id string, kind store.TaskKind) (*store.Task, error) {
	if !validID(id) {
		return nil, dingtalk.ErrTaskNotFound
	}
	t, err := s.store.Task(ctx, id)
	if err != nil {
		return nil, storeError(err, dingtalk.ErrTaskNotFound)
	}
	if t.Kind != kind {
		return nil, dingtalk.ErrTaskNotFound
	}
	return t, nil
}
