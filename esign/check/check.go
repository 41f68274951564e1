// Package check is the self-check an ISV runs against its e签宝 account
// (the sandbox first) before going live: it makes the calls the gateway
// makes, in the order a first customer would cause them, and says which
// DingTalk actions the account is ready for.
//
// It changes the account only as a first customer would: it creates (or
// finds) one person and one organization under fixed thirdPartyUserIds,
// uploads a one-page PDF, and creates two flows that it revokes at once.
package check

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"esign-gateway/esign"
)

// Config is what the check needs besides the e签宝 client.
type Config struct {
	// AppID names the account in the report (never the secret).
	AppID string
	// PublicURL and CallbackPath are where e签宝 sends callbacks; real-name
	// pages return to PublicURL's done page, as the gateway's do.
	PublicURL, CallbackPath string
	// Reach asks the check to POST to PublicURL+CallbackPath and expect
	// the gateway's own refusal of an unsigned callback.
	Reach bool
	// OrgName and PsnAccount name a real-named organization and person
	// (mobile or email) of the account: the v3 endpoints find e签宝's v3
	// ids only for real-named accounts, so without them those checks are
	// skipped and say so.
	OrgName, PsnAccount string
	// HTTP uploads the PDF and reaches the callback URL; nil means a
	// client with a 15 s timeout.
	HTTP *http.Client
	// Prefix starts the thirdPartyUserIds the check creates.
	Prefix string
	// FileWait bounds how long the uploaded file may take to become
	// usable (status 2 or 5); zero means 30 s. Poll is the interval
	// between status reads; zero means 1 s.
	FileWait, Poll time.Duration
	// AuthScopes are the grants the consent page asks for; the check asks
	// e签宝 for an authorization link with them (a plan without them is
	// refused there). nil skips the step.
	AuthScopes []string
}

// Action is one DingTalk action and the e签宝 endpoints it may call.
type Action struct {
	Action, Version string
	Calls           []string
}

// State is the outcome of a step or of an action's readiness.
type State string

const (
	OK      State = "ok"
	Failed  State = "FAILED"
	Skipped State = "skipped"
	// Grant means e签宝 refused for want of an authorization (or plan)
	// the customer organization gives the ISV's e签宝 app.
	Grant State = "needs grant"
)

// Step is one e签宝 call the check made.
type Step struct {
	Name     string
	Endpoint string // "METHOD /path" as e签宝's pages write it
	State    State
	// Code and Message are e签宝's answer when it refused.
	Code    int
	Message string
	// Note says what was found, or why the step was skipped.
	Note string
}

// Readiness is one action's verdict: ok when every endpoint it calls
// passed, otherwise the first endpoint that did not.
type Readiness struct {
	Action, Version string
	State           State
	Detail          string
}

// Report is the whole check.
type Report struct {
	AppID   string
	Steps   []Step
	Actions []Readiness
}

// Failed reports whether any step failed (skips and missing grants are
// reported, not failures: they depend on the customer, not the setup).
func (r *Report) Failed() bool {
	for _, s := range r.Steps {
		if s.State == Failed {
			return true
		}
	}
	return false
}

// Steps the check makes that are not client endpoints.
const (
	epUpload   = "PUT {uploadUrl}"
	epCallback = "POST {public_url}{callback_path}"
)

// grantCode is e签宝's refusal of a v3 call the organization has not
// authorized (esign-docs README fact 3: 1453001 用户:%s未授权:<scope>).
// The console's page documents no code, so a message saying 未授权 counts
// too.
const grantCode = 1453001

// run is one check in progress.
type run struct {
	c   *esign.Client
	cfg Config
	rep Report

	personID, orgID, fileID, flowID string
	psnID, orgV3ID                  string
}

// Run makes the calls and judges the actions. It stops early only where a
// later call cannot be made (no person, no file); everything else is
// tried and reported.
func Run(ctx context.Context, c *esign.Client, cfg Config, actions []Action) Report {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "esigngw-check"
	}
	if cfg.FileWait == 0 {
		cfg.FileWait = 30 * time.Second
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	r := &run{c: c, cfg: cfg, rep: Report{AppID: cfg.AppID}}
	r.credentials(ctx)
	r.accounts(ctx)
	r.file(ctx)
	r.flows(ctx)
	r.identity(ctx)
	r.authorization(ctx)
	r.v3(ctx)
	r.reach(ctx)
	r.rep.Actions = judge(r.rep.Steps, actions)
	return r.rep
}

// record adds a step from a call's error.
func (r *run) record(name, endpoint string, err error, note string) bool {
	s := Step{Name: name, Endpoint: endpoint, State: OK, Note: note}
	if err != nil {
		s.State, s.Note = Failed, ""
		var ae *esign.APIError
		switch {
		case errors.As(err, &ae):
			s.Code, s.Message = ae.Code, ae.Message
			if ae.Code == grantCode || strings.Contains(ae.Message, "未授权") {
				s.State = Grant
			}
		default:
			s.Message = err.Error()
		}
	}
	r.rep.Steps = append(r.rep.Steps, s)
	return err == nil
}

func (r *run) skip(name, endpoint, why string) {
	r.rep.Steps = append(r.rep.Steps, Step{Name: name, Endpoint: endpoint, State: Skipped, Note: why})
}

// credentials is one signed GET: e签宝 checks the app id, the signature and
// the timestamp (±15 min) before anything else, so a business answer of
// any kind proves all three.
func (r *run) credentials(ctx context.Context) {
	_, err := r.c.PersonByThirdID(ctx, r.cfg.Prefix+"-probe-"+fmt.Sprint(time.Now().UnixNano()))
	var ae *esign.APIError
	if errors.As(err, &ae) && !ae.Auth() && ae.HTTPStatus < 500 && !ae.Undecodable() {
		err = nil // "account not found" is the expected answer
	}
	r.record("credentials and clock (signed GET)", esign.EpPersonByThirdID, err, "signature, app id and timestamp accepted")
}

// accounts creates or finds the check's person, then its organization
// with that person as creator, as e签宝 requires.
func (r *run) accounts(ctx context.Context) {
	third := r.cfg.Prefix + "-person"
	id, err := r.c.CreatePerson(ctx, &esign.CreatePersonRequest{ThirdPartyUserID: third, Name: "网关自检"})
	if id == "" && err != nil {
		if p, err2 := r.c.PersonByThirdID(ctx, third); err2 == nil {
			id, err = p.AccountID, nil
		}
	}
	if !r.record("person account", esign.EpPersonCreate, err, "accountId "+id) {
		return
	}
	r.personID = id
	_, err = r.c.Person(ctx, id)
	r.record("read person", esign.EpPerson, err, "")

	third = r.cfg.Prefix + "-org"
	org, err := r.c.CreateOrganization(ctx, &esign.CreateOrgRequest{ThirdPartyUserID: third, Creator: id, Name: "网关自检机构"})
	if org == "" && err != nil {
		if o, err2 := r.c.OrganizationByThirdID(ctx, third); err2 == nil {
			org, err = o.OrgID, nil
		}
	}
	if !r.record("organization account (creator: the person)", esign.EpOrgCreate, err, "orgId "+org) {
		return
	}
	r.orgID = org
	_, err = r.c.Organization(ctx, org)
	r.record("read organization", esign.EpOrg, err, "")
}

// file uploads a one-page PDF the way the gateway's callers do and waits
// until e签宝 says it is usable (status 2 or 5).
func (r *run) file(ctx context.Context) {
	if r.orgID == "" {
		r.skip("upload a PDF", esign.EpUploadURL, "no organization account")
		return
	}
	pdf := onePagePDF()
	sum := md5.Sum(pdf)
	md5b64 := base64.StdEncoding.EncodeToString(sum[:])
	u, err := r.c.UploadURL(ctx, &esign.UploadURLRequest{ContentMd5: md5b64, ContentType: "application/pdf",
		FileName: "esign-gateway-check.pdf", FileSize: int64(len(pdf))})
	if !r.record("upload address", esign.EpUploadURL, err, "") {
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.UploadURL, bytes.NewReader(pdf))
	if err == nil {
		req.Header.Set("Content-MD5", md5b64)
		req.Header.Set("Content-Type", "application/pdf")
		var res *http.Response
		if res, err = r.cfg.HTTP.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
			res.Body.Close()
			if res.StatusCode/100 != 2 {
				err = fmt.Errorf("upload answered HTTP %d: %s", res.StatusCode, strings.TrimSpace(string(body)))
			}
		}
	}
	if !r.record("upload the PDF", epUpload, err, fmt.Sprintf("%d bytes", len(pdf))) {
		return
	}
	deadline := time.Now().Add(r.cfg.FileWait)
	for {
		f, err := r.c.File(ctx, u.FileID)
		if err == nil && f.Status != 2 && f.Status != 5 {
			if f.Status == 3 || f.Status == 9 || time.Now().After(deadline) {
				err = fmt.Errorf("file status %d, not usable (2 or 5)", f.Status)
			}
		}
		if err != nil {
			r.record("file usable", esign.EpFile, err, "")
			return
		}
		if f.Status == 2 || f.Status == 5 {
			r.fileID = u.FileID
			r.record("file usable", esign.EpFile, nil, fmt.Sprintf("fileId %s, status %d", u.FileID, f.Status))
			return
		}
		select {
		case <-ctx.Done():
			r.record("file usable", esign.EpFile, ctx.Err(), "")
			return
		case <-time.After(r.cfg.Poll):
		}
	}
}

// flows creates a started flow (as CreateProcess does) and a draft that it
// starts (as the start page does), reads them, asks for the person's
// signing page, and revokes both.
func (r *run) flows(ctx context.Context) {
	if r.fileID == "" || r.personID == "" {
		for _, ep := range []string{esign.EpOneStep, esign.EpFlow, esign.EpSigners, esign.EpExecuteURL, esign.EpStart, esign.EpRevoke} {
			r.skip("sign flow", ep, "no usable file or person")
		}
		return
	}
	flow, err := r.c.CreateFlowOneStep(ctx, r.oneStep(true))
	if !r.record("create a started flow", esign.EpOneStep, err, "flowId "+flow) {
		return
	}
	r.flowID = flow
	_, err = r.c.Flow(ctx, flow)
	r.record("read the flow", esign.EpFlow, err, "")
	_, err = r.c.Signers(ctx, flow)
	r.record("read its signers", esign.EpSigners, err, "")
	_, err = r.c.ExecuteURL(ctx, flow, r.personID, "0", 0)
	r.record("signing page of the signer", esign.EpExecuteURL, err, "")
	r.skip("signed documents", esign.EpDocuments, "e签宝 answers them only for a finished flow; nobody signs during the check")

	draft, err := r.c.CreateFlowOneStep(ctx, r.oneStep(false))
	if err == nil {
		err = r.c.StartFlow(ctx, draft)
		r.record("start a draft flow", esign.EpStart, err, "")
		_ = r.c.RevokeFlow(ctx, draft, "esign-gateway check")
	} else {
		r.record("start a draft flow", esign.EpStart, err, "")
	}
	err = r.c.RevokeFlow(ctx, flow, "esign-gateway check")
	r.record("revoke the flow", esign.EpRevoke, err, "")
}

func (r *run) oneStep(start bool) *esign.CreateFlowOneStepRequest {
	return &esign.CreateFlowOneStepRequest{
		Docs: []esign.OneStepDoc{{FileID: r.fileID, FileName: "esign-gateway-check.pdf"}},
		FlowInfo: esign.OneStepFlowInfo{BusinessScene: "esign-gateway check", AutoArchive: true, AutoInitiate: start,
			InitiatorAccountID: r.personID, FlowConfigInfo: esign.FlowConfigInfo{NoticeType: new(string)}},
		Signers: []esign.OneStepSigner{{SignerAccount: esign.SignerAccount{SignerAccountID: r.personID},
			Signfields: []esign.SignField{{FileID: r.fileID, PosBean: &esign.PosBean{PosPage: "1", PosX: 200, PosY: 200}}}}},
	}
}

// identity asks for the real-name pages of the person and of the
// organization (they open an identity flow at e签宝 that nobody finishes).
func (r *run) identity(ctx context.Context) {
	if r.personID == "" {
		r.skip("person real-name page", esign.EpIndivRealname, "no person account")
	} else {
		_, err := r.c.IndivIdentityURL(ctx, r.personID, &esign.IndivIdentityRequest{ContextInfo: r.returnTo()})
		r.record("person real-name page", esign.EpIndivRealname, err, "")
	}
	if r.orgID == "" {
		r.skip("organization real-name page", esign.EpOrgRealname, "no organization account")
		return
	}
	_, err := r.c.OrgIdentityURL(ctx, r.orgID, &esign.OrgIdentityRequest{AgentAccountID: r.personID, ContextInfo: r.returnTo()})
	r.record("organization real-name page", esign.EpOrgRealname, err, "")
}

// authorization asks for the link the consent page sends a corp's admin
// to (POST /v3/org-auth-url with the consent page's scopes). The link is
// left to lapse (30 days): nobody opens it.
func (r *run) authorization(ctx context.Context) {
	if r.cfg.AuthScopes == nil {
		r.skip("consent: e签宝 authorization link", esign.EpOrgAuthURL, "no scopes configured")
		return
	}
	res, err := r.c.OrgAuthURL(ctx, &esign.OrgAuthURLRequest{
		AuthorizeConfig: &esign.AuthorizeConfig{AuthorizedScopes: r.cfg.AuthScopes},
		RedirectConfig:  &esign.RedirectConfig{RedirectURL: strings.TrimRight(r.cfg.PublicURL, "/") + "/pages/done"},
	})
	note := ""
	if err == nil {
		note = "authFlowId " + res.AuthFlowID + ", scopes " + strings.Join(r.cfg.AuthScopes, ",")
	}
	if !r.record("consent: e签宝 authorization link", esign.EpOrgAuthURL, err, note) {
		r.skip("consent: authorization state", esign.EpAuthFlow, "no authorization link")
		return
	}
	f, err := r.c.AuthFlow(ctx, res.AuthFlowID)
	if err == nil {
		note = fmt.Sprintf("authorizedStatus %d (2 授权中 until someone opens the link)", f.AuthorizedStatus)
	}
	r.record("consent: authorization state", esign.EpAuthFlow, err, note)
}

func (r *run) returnTo() esign.IdentityContext {
	return esign.IdentityContext{RedirectURL: strings.TrimRight(r.cfg.PublicURL, "/") + "/pages/done"}
}

// v3 checks the endpoints that take e签宝's v3 ids and the customer's
// grants. They need real-named accounts named by the caller.
func (r *run) v3(ctx context.Context) {
	const why = "needs a real-named %s of the account: pass --%s"
	if r.cfg.PsnAccount == "" {
		r.skip("person identity (v3)", esign.EpPsnIdentity, fmt.Sprintf(why, "person", "psn-account"))
	} else {
		info, err := r.c.PersonIdentity(ctx, esign.PersonLookup{Account: r.cfg.PsnAccount})
		if err == nil {
			r.psnID = info.PsnID
		}
		r.record("person identity (v3)", esign.EpPsnIdentity, err, "psnId "+r.psnID)
	}
	if r.cfg.OrgName == "" {
		for _, ep := range []string{esign.EpOrgIdentity, esign.EpConsole, esign.EpApprovalList, esign.EpApproval} {
			r.skip("organization (v3)", ep, fmt.Sprintf(why, "organization", "org-name"))
		}
		return
	}
	info, err := r.c.OrgIdentity(ctx, esign.OrgLookup{Name: r.cfg.OrgName})
	if err == nil {
		r.orgV3ID = info.OrgID
	}
	if !r.record("organization identity (v3)", esign.EpOrgIdentity, err, "orgId "+r.orgV3ID) {
		return
	}
	if r.psnID == "" {
		r.skip("organization console", esign.EpConsole, "needs a real-named member as transactor: pass --psn-account")
	} else {
		_, err = r.c.OrgConsoleURL(ctx, r.orgV3ID, r.psnID)
		r.record("organization console (grant manage_org_resource)", esign.EpConsole, err, "")
	}
	list, err := r.c.Approvals(ctx, &esign.ApprovalListRequest{PageNum: 1, PageSize: 1, OrgID: r.orgV3ID})
	r.record("seal approvals (grant org_approval_info)", esign.EpApprovalList, err, "")
	if err == nil && len(list) > 0 {
		_, err = r.c.Approval(ctx, list[0].ApprovalFlowID)
		r.record("seal approval detail", esign.EpApproval, err, "")
	} else if err == nil {
		r.skip("seal approval detail", esign.EpApproval, "the organization has no approval to read")
	}
}

// reach posts an unsigned callback to the public callback URL: the
// gateway refuses it with its own JSON error, which proves the address
// reaches a gateway (from where the check runs, not from e签宝's side).
func (r *run) reach(ctx context.Context) {
	if !r.cfg.Reach {
		r.skip("callback URL reachable", epCallback, "not asked (--reach)")
		return
	}
	target := strings.TrimRight(r.cfg.PublicURL, "/") + r.cfg.CallbackPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader("{}"))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		var res *http.Response
		if res, err = r.cfg.HTTP.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
			res.Body.Close()
			if res.StatusCode < 400 || res.StatusCode >= 500 || !bytes.Contains(body, []byte(`"requestid"`)) {
				err = fmt.Errorf("%s answered HTTP %d, not the gateway's refusal of an unsigned callback", target, res.StatusCode)
			}
		}
	}
	r.record("callback URL reachable", epCallback, err, target)
}

// judge gives each action the verdict of the endpoints it calls: the
// first step that was not ok decides; an endpoint no step covered is
// reported as not checked.
func judge(steps []Step, actions []Action) []Readiness {
	byEP := map[string]Step{}
	for _, s := range steps {
		if prev, ok := byEP[s.Endpoint]; !ok || prev.State == OK {
			byEP[s.Endpoint] = s
		}
	}
	out := make([]Readiness, 0, len(actions))
	for _, a := range actions {
		rd := Readiness{Action: a.Action, Version: a.Version, State: OK, Detail: "gateway state only"}
		if len(a.Calls) > 0 {
			rd.Detail = "all its e签宝 calls passed"
		}
		for _, ep := range a.Calls {
			s, ok := byEP[ep]
			if !ok {
				rd.State, rd.Detail = Skipped, ep+": not checked"
				break
			}
			if s.State != OK {
				rd.State, rd.Detail = s.State, ep+": "+s.describe()
				break
			}
		}
		out = append(out, rd)
	}
	return out
}

func (s Step) describe() string {
	if s.State == Skipped {
		return s.Note
	}
	if s.Code != 0 {
		return fmt.Sprintf("e签宝 %d %s", s.Code, s.Message)
	}
	return s.Message
}
