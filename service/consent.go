package service

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// The consent page (AuthUrl/GetAuthUrl) sends the corp's admin through
// e签宝's own organization authorization (POST /v3/org-auth-url): the
// corp verifies on e签宝's page and grants this ISV's e签宝 app the scopes
// the console and approval actions need. The corp is authorized when
// e签宝 says so (AUTHORIZE_FINISH, or GET /v3/auth-flow when the admin
// returns), never on the click alone.
//
// A page link is a capability: it can be used once (the POST), within
// Pages.LinkTTL of its making, from a page of this gateway (Origin), and
// only while the corp's revocation epoch is the one it was made under.

// DefaultAuthScopes are asked for by the consent page: the console and
// approvals need manage_org_resource (approvals accept org_approval_info
// too), identity details get_org_identity_info / get_psn_identity_info.
var DefaultAuthScopes = []string{esign.ScopeManageOrgResource, esign.ScopeOrgApprovalInfo,
	esign.ScopeOrgIdentityInfo, esign.ScopePsnIdentityInfo}

// DefaultRequiredScopes must be granted for a consent to count: without
// manage_org_resource neither the console nor the approvals work.
var DefaultRequiredScopes = []string{esign.ScopeManageOrgResource}

// consentPoll is how often a pending consent page may ask e签宝 (GET
// /v3/auth-flow) how the authorization went.
const consentPoll = 2 * time.Second

// Status of an authorization task.
const (
	consentNew     = 0 // link not used yet
	consentPending = 1 // the admin is on e签宝's page (FlowID = authFlowId)
	consentDone    = 2 // authorized (CORP_AUTH SUCCESS)
	consentFailed  = 4 // refused, lapsed, short of a scope, or stale (CORP_AUTH FALL)
)

// Page link errors (HTML pages; the status is what the browser gets).
var (
	errLinkExpired = &dingtalk.Error{Status: http.StatusGone, Code: "linkExpired", Message: "链接已过期，请在应用中重新获取"}
	errLinkUsed    = &dingtalk.Error{Status: http.StatusConflict, Code: "linkUsed", Message: "链接已使用，不能再次提交"}
	errCrossOrigin = &dingtalk.Error{Status: http.StatusForbidden, Code: "Forbidden.CrossOrigin",
		Message: "请求来源不合法：请在本页面上提交"}
	errLinkRevoked = dingtalk.ErrNotAuthorized.Msg("企业未授权e签宝或已取消授权，此链接已失效，请在应用中重新获取")
)

// Origin is where a page's POST says it comes from: its Origin header, or
// the Referer's origin when a browser sends no Origin.
type Origin struct{ Origin, Referer string }

// checkOrigin accepts a POST whose Origin (or, lacking it, Referer) is
// server.public_url's origin. A request with neither, or "Origin: null",
// is refused: every browser sends Origin on a form POST, so such a request
// did not come from our page.
func (s *core) checkOrigin(o Origin) error {
	got := o.Origin
	if got == "" {
		got = originOf(o.Referer)
	}
	if got == "" || got == "null" || !strings.EqualFold(originOf(got), originOf(s.cfg.PublicURL)) {
		return errCrossOrigin
	}
	return nil
}

// originOf is scheme://host[:port] of raw, without a default port.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	host := u.Host
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		host = u.Hostname()
	}
	return strings.ToLower(u.Scheme + "://" + host)
}

// linkExpired reports whether a page link is past Pages.LinkTTL.
func (s *core) linkExpired(t *store.Task) bool {
	return s.nowMs() > t.CreatedAt+s.cfg.Pages.LinkTTL.Milliseconds()
}

// ConsentPage is what the consent page shows.
type ConsentPage struct {
	TaskID, CorpID string
	// State: "new" (offer to authorize), "pending" (at e签宝), "authorized",
	// "failed".
	State string
	// Authorized is State == "authorized".
	Authorized bool
	// RedirectURL is the ISV's redirectUrl with status=SUCCESS|FAIL and
	// taskid once the consent ended (DingTalk's GetAuthUrl page), else "".
	RedirectURL string
	// Next is e签宝's authorization page, after a POST.
	Next string
}

func (s *core) consentPage(t *store.Task) *ConsentPage {
	p := &ConsentPage{TaskID: t.ID, CorpID: t.CorpID, State: "new"}
	switch t.Status {
	case consentPending:
		p.State = "pending"
	case consentDone:
		p.State, p.Authorized = "authorized", true
	case consentFailed:
		p.State = "failed"
	}
	if t.Finished && t.RedirectURL != "" {
		status := "FAIL"
		if p.Authorized {
			status = "SUCCESS"
		}
		if u, err := url.Parse(t.RedirectURL); err == nil {
			q := u.Query()
			q.Set("status", status)
			q.Set("taskid", t.ID)
			u.RawQuery = q.Encode()
			p.RedirectURL = u.String()
		}
	}
	return p
}

// Consent returns the consent page's state. An unused link must be alive
// (in time, corp epoch unchanged); a link in use asks e签宝 how the
// authorization went, in case its callback has not arrived.
func (s *Corps) Consent(ctx context.Context, taskID string) (*ConsentPage, error) {
	t, err := s.pageTask(ctx, taskID, store.KindAuth)
	if err != nil {
		return nil, err
	}
	switch t.Status {
	case consentNew:
		if _, err := s.linkAlive(ctx, t); err != nil {
			return nil, err
		}
	case consentPending:
		if t, err = s.reconcileConsent(ctx, t); err != nil {
			return nil, err
		}
	}
	return s.consentPage(t), nil
}

// linkAlive refuses an unused link that expired or was made before the
// corp's last CancelCorpAuth; it returns the corp as it is now.
func (s *core) linkAlive(ctx context.Context, t *store.Task) (*store.Corp, error) {
	if s.linkExpired(t) {
		return nil, errLinkExpired
	}
	corp, err := s.store.Corp(ctx, t.CorpID)
	if err != nil {
		return nil, storeError(err, dingtalk.ErrTaskNotFound)
	}
	if corp.Epoch != t.Epoch {
		return nil, errLinkRevoked
	}
	return corp, nil
}

// claimLink marks an unused page link used (status 0 → to), once across
// replicas: the store's update is atomic.
func (s *core) claimLink(ctx context.Context, id string, to int) (*store.Task, error) {
	t, err := s.store.UpdateTask(ctx, id, func(t *store.Task) error {
		if t.Status != 0 || t.Finished {
			return errLinkUsed
		}
		t.Status = to
		return nil
	})
	s.cache.drop(id)
	if errors.Is(err, errLinkUsed) {
		return nil, errLinkUsed
	}
	return t, storeError(err, nil)
}

// releaseLink gives a claimed link back after the upstream call failed,
// so that the user may try again.
func (s *core) releaseLink(ctx context.Context, id string, from int) {
	_, err := s.store.UpdateTask(context.WithoutCancel(ctx), id, func(t *store.Task) error {
		if t.Status == from && !t.Finished {
			t.Status = 0
		}
		return nil
	})
	s.cache.drop(id)
	if err != nil {
		s.log.Warn("page link not released", "task", id, "error", err)
	}
}

// Authorize is the consent page's POST: the link is used up, and the admin
// goes on to e签宝's organization authorization page (Next). The
// organization is named by its v3 orgId if the gateway knows it, else by
// its verified name, else the admin names it on e签宝's page; the v1
// organization used for signing is created separately, on first use.
func (s *Corps) Authorize(ctx context.Context, taskID string, o Origin) (*ConsentPage, error) {
	if err := s.checkOrigin(o); err != nil {
		return nil, err
	}
	t, err := s.pageTask(ctx, taskID, store.KindAuth)
	if err != nil {
		return nil, err
	}
	if t.Status != consentNew {
		return nil, errLinkUsed
	}
	corp, err := s.linkAlive(ctx, t)
	if err != nil {
		return nil, err
	}
	if t, err = s.claimLink(ctx, t.ID, consentPending); err != nil {
		return nil, err
	}
	req := &esign.OrgAuthURLRequest{
		AuthorizeConfig: &esign.AuthorizeConfig{AuthorizedScopes: s.cfg.Pages.AuthScopes},
		RedirectConfig:  &esign.RedirectConfig{RedirectURL: s.pageURLs("auth", t.ID).PCURL},
		NotifyURL:       s.CallbackURL(),
	}
	switch {
	case corp.SaaSOrgID != "":
		req.OrgAuthConfig.OrgID = corp.SaaSOrgID
	case corp.OrgName != "":
		req.OrgAuthConfig.OrgName = corp.OrgName
	}
	if corp.TransactorPsnID != "" {
		req.OrgAuthConfig.TransactorInfo = &esign.TransactorInfo{PsnID: corp.TransactorPsnID}
	}
	res, err := s.esign.OrgAuthURL(ctx, req)
	if err != nil {
		s.releaseLink(ctx, t.ID, consentPending)
		return nil, s.upstreamError("org_auth_url", err)
	}
	wctx := context.WithoutCancel(ctx)
	t, err = s.store.UpdateTask(wctx, t.ID, func(t *store.Task) error {
		t.FlowID = res.AuthFlowID // the callback finds the task by it
		return nil
	})
	s.cache.drop(taskID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	if err := s.appendLog(wctx, t.ID, logEntry("consent:start", logCreated, "企业管理员前往e签宝授权", s.nowMs(), "")); err != nil {
		return nil, err
	}
	p := s.consentPage(t)
	p.Next = res.AuthURL
	return p, nil
}

// reconcileConsent asks e签宝 (GET /v3/auth-flow) how a pending
// authorization went and records a final outcome. e签宝 failing leaves it
// pending: the page says so and the callback may still come.
func (s *core) reconcileConsent(ctx context.Context, t *store.Task) (*store.Task, error) {
	if t.FlowID == "" {
		return t, nil
	}
	// The page needs no token: whoever holds the link may reload it, but
	// e签宝 is asked at most once per consentPoll per link and replica.
	now := s.now()
	if last, ok := s.polled.Load(t.ID); ok && now.Sub(last.(time.Time)) < consentPoll {
		return t, nil
	}
	s.polled.Store(t.ID, now)
	f, err := s.esign.AuthFlow(ctx, t.FlowID)
	if err != nil {
		s.log.Warn("auth flow lookup failed", "task", t.ID, "error", err)
		return t, nil
	}
	var scopes []string
	for _, a := range f.AuthorizedInfo {
		scopes = append(scopes, a.AuthorizedScope)
	}
	switch f.AuthorizedStatus {
	case esign.AuthFlowAuthorized:
		if len(scopes) == 0 {
			// The page's own example shows authorizedInfo null while
			// authorized: without the grants, AUTHORIZE_FINISH decides.
			return t, nil
		}
		err = s.consentOutcome(ctx, t, f.AuthInfo.Organization.OrgID, f.AuthInfo.Person.PsnID, scopes, true)
	case esign.AuthFlowExpired, esign.AuthFlowRejected:
		err = s.consentOutcome(ctx, t, "", "", nil, false)
	default:
		return t, nil
	}
	if err != nil {
		return nil, err
	}
	s.polled.Delete(t.ID)
	return s.taskOrSame(ctx, t), nil
}

func (s *core) taskOrSame(ctx context.Context, t *store.Task) *store.Task {
	if n, err := s.store.Task(ctx, t.ID); err == nil {
		return n
	}
	return t
}

// consentOutcome records how an authorization task ended, once: on
// success (every required scope granted, the corp's epoch still the
// link's) the corp is authorized with the v3 orgId and the transactor who
// granted; either way one CORP_AUTH event (SUCCESS or FALL) is queued.
func (s *core) consentOutcome(ctx context.Context, t *store.Task, orgID, psnID string, scopes []string, granted bool) error {
	if t.Finished {
		return nil
	}
	ok := granted && orgID != ""
	why := "企业授权未完成"
	for _, need := range s.cfg.Pages.RequiredScopes {
		if ok && !slices.Contains(scopes, need) {
			ok, why = false, "企业未授予所需权限："+need
		}
	}
	if ok {
		stale := false
		_, err := s.store.UpdateCorp(ctx, t.CorpID, func(c *store.Corp) error {
			if c.Epoch != t.Epoch {
				stale = true // cancelled since the link was made
				return nil
			}
			c.Authorized, c.Installed, c.AuthTime, c.UpdatedAt = true, true, s.nowMs(), s.nowMs()
			c.SaaSOrgID = orgID
			if psnID != "" {
				c.TransactorPsnID = psnID
			}
			return nil
		})
		if err != nil {
			return storeError(err, nil)
		}
		if stale {
			ok, why = false, "企业已取消授权，本次授权作废"
		} else {
			s.corpChanged(ctx, t.CorpID)
		}
	}
	if err := s.corpAuthEvent(ctx, t.CorpID, t.ID, ok); err != nil {
		return err
	}
	e, status := logEntry("consent:end", logArchived, "企业已授权e签宝", s.nowMs(), ""), consentDone
	if !ok {
		e, status = logEntry("consent:end", logRevoked, why, s.nowMs(), ""), consentFailed
		s.log.Info("corp authorization failed", slog.String("corp", t.CorpID), slog.String("task", t.ID), slog.String("reason", why))
	}
	if err := s.appendLog(ctx, t.ID, e); err != nil {
		return err
	}
	_, err := s.setStatus(ctx, t.ID, status)
	return err
}

// authorizeFinish applies e签宝's AUTHORIZE_FINISH callback.
func (s *Callbacks) authorizeFinish(ctx context.Context, cb *callbackBody) error {
	t, err := s.callbackTask(ctx, cb.Action, string(cb.AuthFlowID), store.KindAuth)
	if t == nil || err != nil {
		return err
	}
	var scopes []string
	now := s.nowMs()
	for _, a := range cb.AuthorizedInfo {
		if a.ExpireTime == 0 || a.ExpireTime > now {
			scopes = append(scopes, a.AuthorizedScope)
		}
	}
	return s.consentOutcome(ctx, t, string(cb.OrgID), string(cb.PsnID), scopes, true)
}
