package service

import (
	"context"
	"strconv"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Users manages a corp's users at e签宝: their person accounts, real-name
// state and real-name pages.
type Users service

// Info is GetUserInfo (both versions): the user's e签宝 account (created on
// first use) and its real-name state (GET /v3/persons/identity-info).
func (s *Users) Info(ctx context.Context, userID string) (name string, realName bool, err error) {
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
	// Real-name state is a v3 fact: no v3 psnId yet means not verified
	// through the gateway; with one, identity-info says.
	realName = false
	if u.PsnID != "" {
		info, ierr := s.esign.PersonIdentity(ctx, esign.PersonLookup{PsnID: u.PsnID})
		err = ierr
		if err != nil {
			return "", false, s.upstreamError("person_identity", err)
		}
		name, realName = info.PsnName, info.RealnameStatus == 1
	}
	if name == "" {
		if name, err = s.personName(ctx, u.AccountID); err != nil {
			return "", false, err
		}
	}
	return name, realName, nil
}

// RealnameURL is GetUserRealnameUrl/UsersRealname: an e签宝 person identity
// flow (POST /v2/identity/auth/web/{accountId}/indivIdentityUrl), and a task
// for it.
func (s *Users) RealnameURL(ctx context.Context, userID, redirectURL string) (*dingtalk.PageURLs, error) {
	return s.identityFlow(ctx, store.KindUserRealname, userID, redirectURL,
		func(id string, _ string, u *store.User) (*esign.IdentityURL, error) {
			res, err := s.esign.IndivIdentityURL(ctx, u.AccountID, &esign.IndivIdentityRequest{ContextInfo: s.identityContext(ctx, id, redirectURL)})
			return res, s.upstreamError("indiv_identity_url", err)
		})
}

// identityFlow starts an identity flow for a user of the caller's corp:
// start asks e签宝 for it (with the task id, the corp and the user's
// account), and a task records it.
func (s *core) identityFlow(ctx context.Context, kind store.TaskKind, userID, redirectURL string,
	start func(id, corpID string, u *store.User) (*esign.IdentityURL, error)) (*dingtalk.PageURLs, error) {
	if err := s.checkURL("redirectUrl", redirectURL); err != nil {
		return nil, err
	}
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.ensureUser(ctx, corpID, userID, "")
	if err != nil {
		return nil, err
	}
	id := newID("rn")
	res, err := start(id, corpID, u)
	if err != nil {
		return nil, err
	}
	return s.identityTask(ctx, id, kind, userID, res)
}

// identityContext is the contextInfo of an identity flow: its task id, the
// gateway's callback, and where the browser goes afterwards.
func (s *core) identityContext(ctx context.Context, id, redirectURL string) esign.IdentityContext {
	return esign.IdentityContext{ContextID: id, NotifyURL: s.CallbackURL(), RedirectURL: s.redirectOr(ctx, redirectURL), Origin: "BROWSER"}
}

// identityTask records the task behind an identity flow and answers its
// page addresses.
func (s *core) identityTask(ctx context.Context, id string, kind store.TaskKind, userID string, res *esign.IdentityURL) (*dingtalk.PageURLs, error) {
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
func (s *core) redirectOr(ctx context.Context, redirect string) string {
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
