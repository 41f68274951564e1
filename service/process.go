package service

import (
	"context"
	"net/url"
	"strings"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Process starts sign flows: at once (CreateProcess) or through the
// gateway's start page (GetProcessStartUrl, ProcessStart).
type Process service

// Participant account types DingTalk uses.
const (
	accountDingUser  = "DING_USER"
	accountOuterUser = "OUTER_USER"
)

// plan is a flow to create, from CreateProcess or a start page request.
type plan struct {
	title, initiator, redirectURL string
	thirdBizID                    string
	signEnd                       int64
	source                        *dingtalk.SourceInfo
	files                         []dingtalk.StartFile
	attachments                   map[string]bool // fileIds of files[].fileType 2
	signers                       []planSigner
	ccs                           []dingtalk.Party
}

// planSigner is a participant with what it signs and where.
type planSigner struct {
	dingtalk.Party
	requirements string
	order        *int64
	positions    []dingtalk.SignPos
}

// Create is esign_2.0 CreateProcess: it ensures e签宝 accounts for the
// initiator and participants, uses one contract of the corp's quota, stores
// the task, creates the flow with createFlowOneStep (started at once,
// archived automatically, callbacks to the gateway), and only then hands out
// the task id. A crash after the task is stored and before the flow id is
// recorded leaves a pending task that no client ever saw.
func (s *Process) Create(ctx context.Context, req *dingtalk.CreateRequest) (*dingtalk.TaskID, error) {
	p := &plan{title: req.TaskName, initiator: req.InitiatorUserID, redirectURL: req.RedirectURL, source: req.SourceInfo,
		ccs: req.Ccs, thirdBizID: req.ThirdBizID, attachments: map[string]bool{}}
	if req.SignEndTime != nil && *req.SignEndTime > 0 {
		p.signEnd = *req.SignEndTime
	}
	for _, f := range req.Files {
		p.files = append(p.files, f.StartFile)
		if f.FileType != nil && *f.FileType == fileTypeAttachment {
			p.attachments[f.FileID] = true
		}
	}
	if len(p.attachments) == len(p.files) {
		return nil, dingtalk.ErrInvalidParam.Msg("参数错误:files至少包含一个合同文件(fileType=1)")
	}
	for _, x := range req.Participants {
		p.signers = append(p.signers, planSigner{Party: x.Party, requirements: x.SignRequirements, order: x.SignOrder, positions: x.SignPosList})
	}
	t, err := s.prepareFlow(ctx, p, store.KindSignFlow, true)
	if err != nil {
		return nil, err
	}
	return &dingtalk.TaskID{TaskID: t.ID}, nil
}

// prepareFlow does the work CreateProcess and the start pages share: quota,
// accounts, a durable task, and the upstream flow (started when start).
func (s *core) prepareFlow(ctx context.Context, p *plan, kind store.TaskKind, start bool) (*store.Task, error) {
	// e签宝 sends the signer's browser there once the flow is signed.
	if err := s.checkURL("redirectUrl", p.redirectURL); err != nil {
		return nil, err
	}
	// Before any upstream call: the sign fields are what the request costs
	// in memory and what e签宝 refuses past its limit anyway.
	if n := p.signFields(); n > dingtalk.MaxSignFields {
		return nil, dingtalk.ErrInvalidParam.Msg("参数错误:participants(签署区共%d个，最多%d：参与方×签署要求×合同文件 / %d sign fields, at most %d: participants × requirements × contract files)",
			n, dingtalk.MaxSignFields, n, dingtalk.MaxSignFields)
	}
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return nil, err
	}
	for i, f := range p.files {
		if err := s.ownFile(ctx, corpID, f.FileID); err != nil {
			return nil, dingtalk.ErrInvalidParam.Msg("参数错误:files[%d].fileId不存在", i).Wrap(err)
		}
		if err := s.fileReady(ctx, i, f.FileID); err != nil {
			return nil, err
		}
	}
	initiator, err := s.ensureUser(ctx, corpID, p.initiator, p.initiatorName())
	if err != nil {
		return nil, err
	}
	orgID, err := s.ensureOrg(ctx, corpID, initiator.AccountID)
	if err != nil {
		return nil, err
	}
	signers, parts, err := s.flowSigners(ctx, corpID, orgID, p)
	if err != nil {
		return nil, err
	}
	if err := s.store.UseQuota(ctx, corpID, 1); err != nil {
		if err == store.ErrNoQuota {
			return nil, dingtalk.ErrNoQuota
		}
		return nil, storeError(err, nil)
	}
	t := &store.Task{ID: newID("tk"), CorpID: corpID, AppKey: caller(ctx).AppKey, Kind: kind, Epoch: caller(ctx).Epoch,
		Title: p.taskTitle(), InitiatorUserID: p.initiator, InitiatorAccountID: initiator.AccountID,
		InitiatorOrgID: orgID, InstanceID: instanceOf(p.source), RedirectURL: p.redirectURL,
		Participants: parts, CreatedAt: s.nowMs(), UpdatedAt: s.nowMs()}
	for _, f := range p.files {
		tf := store.TaskFile{FileID: f.FileID, FileName: f.FileName, FileType: fileTypeContract}
		if p.attachments[f.FileID] {
			tf.FileType = fileTypeAttachment
		}
		t.Files = append(t.Files, tf)
	}
	if err := s.store.CreateTask(ctx, t); err != nil {
		_ = s.store.ReleaseQuota(context.WithoutCancel(ctx), corpID, 1)
		return nil, storeError(err, nil)
	}
	// e签宝's own SMS/e-mail notices are off (noticeType ""): signers are
	// reached inside DingTalk and through the ISV's events (README, decisions).
	noNotices := ""
	one := &esign.CreateFlowOneStepRequest{
		FlowInfo: esign.OneStepFlowInfo{BusinessScene: t.Title, AutoArchive: true, AutoInitiate: start,
			InitiatorAccountID: initiator.AccountID, InitiatorAuthorizedAccountID: orgID, SignValidity: p.signEnd,
			FlowConfigInfo: esign.FlowConfigInfo{NoticeDeveloperURL: s.CallbackURL(), RedirectURL: p.redirectURL, NoticeType: &noNotices}},
		Signers: signers,
	}
	for _, f := range p.files {
		if p.attachments[f.FileID] {
			one.Attachments = append(one.Attachments, esign.Attachment{FileID: f.FileID, AttachmentName: f.FileName})
			continue
		}
		one.Docs = append(one.Docs, esign.OneStepDoc{FileID: f.FileID, FileName: f.FileName})
	}
	for _, x := range parts {
		if x.Role == "cc" {
			one.Copiers = append(one.Copiers, esign.Copier{CopierAccountID: x.AccountID, CopierIdentityAccountType: 0})
		}
	}
	flowID, err := s.esign.CreateFlowOneStep(ctx, one)
	if err != nil {
		// Nothing was created upstream that we know of; give the quota back.
		_ = s.store.ReleaseQuota(context.WithoutCancel(ctx), corpID, 1)
		return nil, s.upstreamError("create_flow_one_step", err)
	}
	// The flow exists now: record it even if the client has gone away.
	wctx := context.WithoutCancel(ctx)
	status := 0
	if start {
		status = 1
	}
	t, err = s.store.UpdateTask(wctx, t.ID, func(t *store.Task) error {
		t.FlowID, t.Status, t.UpdatedAt = flowID, status, s.nowMs()
		return nil
	})
	s.cache.drop(t.ID)
	if err != nil {
		return nil, storeError(err, nil)
	}
	entries := []store.LogEntry{logEntry("created", logCreated, "发起签署流程："+t.Title, t.CreatedAt, initiator.Name)}
	if start {
		entries = append(entries, startedEntry(s.nowMs()))
	}
	if _, err := s.apply(wctx, t, []store.LogEntry{}, change{entries: entries, status: keepStatus}); err != nil {
		return nil, err
	}
	return t, nil
}

// File types of CreateProcess's files[].fileType.
const (
	fileTypeContract   = 1
	fileTypeAttachment = 2
)

// fileReady asks e签宝 once whether a file may go into a flow (status 2 or
// 5, GET /v1/files/{fileId}/status, the endpoint e签宝 names for polling):
// the gateway does not wait in a loop; a client that uploaded with
// convert2Pdf retries CreateProcess once the conversion is done.
func (s *core) fileReady(ctx context.Context, i int, fileID string) error {
	st, err := s.esign.FileStatus(ctx, fileID)
	if err != nil {
		return s.upstreamError("file_status", err)
	}
	if !esign.FileUsable(st) {
		return dingtalk.ErrInvalidParam.Msg("参数错误:files[%d]文件未就绪(e签宝文件状态%d，需为2或5)", i, st)
	}
	return nil
}

// flowSigners makes e签宝 signers and copiers from the plan's parties.
// signRequirements "1" means the corp's seal (signing for the organization,
// actorIndentityType 2), "2" a personal signature, "1,2" both: two e签宝
// signers for the same person, one for the organization and one for
// themselves. A signPosList entry goes to the requirement it names
// (signRequirement "1" or "2"), or to every one when it names none.
// Attachments get no sign fields. thirdBizId is every signer's
// thirdOrderNo, which e签宝 echoes in its callbacks and signer list.
func (s *core) flowSigners(ctx context.Context, corpID, orgID string, p *plan) ([]esign.OneStepSigner, []store.Participant, error) {
	var signers []esign.OneStepSigner
	var parts []store.Participant
	for _, x := range p.signers {
		u, err := s.partyAccount(ctx, corpID, x.Party)
		if err != nil {
			return nil, nil, err
		}
		reqs := strings.Split(nonEmpty(x.requirements, "2"), ",")
		for _, req := range reqs {
			req = strings.TrimSpace(req)
			sg := esign.OneStepSigner{SignerAccount: esign.SignerAccount{SignerAccountID: u.AccountID}, ThirdOrderNo: p.thirdBizID}
			if x.order != nil {
				sg.SignOrder = int(*x.order)
			}
			if req == "1" {
				sg.SignerAccount.AuthorizedAccountID = orgID
			}
			for _, f := range p.files {
				if p.attachments[f.FileID] {
					continue
				}
				field := esign.SignField{FileID: f.FileID, SignType: 1, PosBean: &esign.PosBean{PosPage: "1", PosX: 200, PosY: 200}}
				if req == "1" {
					field.ActorIndentityType = 2
				}
				for _, pos := range x.positions {
					if pos.FileID != f.FileID || (pos.SignRequirement != "" && pos.SignRequirement != req) {
						continue
					}
					field.PosBean = &esign.PosBean{PosPage: nonEmpty(pos.Page, "1")}
					if pos.X != nil {
						field.PosBean.PosX = *pos.X
					}
					if pos.Y != nil {
						field.PosBean.PosY = *pos.Y
					}
					if pos.IsCrossPage {
						field.SignType = 2
					}
					if pos.NeedSignDate {
						field.SignDateBeanType = 1
						field.SignDateBean = &esign.SignDateBean{Format: "yyyy-MM-dd"}
						if pos.SignDate != nil && pos.SignDate.Format != "" {
							field.SignDateBean.Format = pos.SignDate.Format
						}
					}
				}
				sg.Signfields = append(sg.Signfields, field)
			}
			signers = append(signers, sg)
		}
		parts = append(parts, participant(x.Party, u, "signer"))
	}
	for _, x := range p.ccs {
		u, err := s.partyAccount(ctx, corpID, x)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, participant(x, u, "cc"))
	}
	return signers, parts, nil
}

// signFields is how many sign fields flowSigners makes: one per signer,
// sign requirement and contract file.
func (p *plan) signFields() int {
	contracts := 0
	for _, f := range p.files {
		if !p.attachments[f.FileID] {
			contracts++
		}
	}
	n := 0
	for _, x := range p.signers {
		n += len(strings.Split(nonEmpty(x.requirements, "2"), ",")) * contracts
	}
	return n
}

// initiatorName is the initiator's name when the plan names them as a party.
func (p *plan) initiatorName() string {
	for _, x := range p.signers {
		if x.UserID == p.initiator && x.AccountName != "" {
			return x.AccountName
		}
	}
	for _, x := range p.ccs {
		if x.UserID == p.initiator && x.AccountName != "" {
			return x.AccountName
		}
	}
	return ""
}

func (p *plan) taskTitle() string {
	if p.title != "" {
		return p.title
	}
	if len(p.files) > 0 {
		return p.files[0].FileName
	}
	return "签署流程"
}

// partyAccount finds or creates the e签宝 account of a participant: a corp
// user by userId, an outside person by account (mobile or e-mail).
func (s *core) partyAccount(ctx context.Context, corpID string, p dingtalk.Party) (*store.User, error) {
	if p.UserID != "" {
		return s.ensureUser(ctx, corpID, p.UserID, p.AccountName)
	}
	return s.outsidePerson(ctx, corpID, p.Account, p.AccountName)
}

// instanceOf finds the DingTalk approval instance a flow comes from: the
// procInstId or instanceId query parameter of the sourceInfo URLs.
func instanceOf(si *dingtalk.SourceInfo) string {
	if si == nil {
		return ""
	}
	for _, raw := range []string{si.PCURL, si.MobileURL} {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		q := u.Query()
		if frag, err := url.ParseQuery(fragmentQuery(u.Fragment)); err == nil {
			for k, v := range frag {
				q[k] = append(q[k], v...)
			}
		}
		for _, k := range []string{"procInstId", "instanceId", "processInstanceId"} {
			if v := q.Get(k); validID(v) {
				return v
			}
		}
	}
	return ""
}

// fragmentQuery returns the query part of a hash-routed URL fragment
// ("/detail?procInstId=x").
func fragmentQuery(f string) string {
	if i := strings.IndexByte(f, '?'); i >= 0 {
		return f[i+1:]
	}
	return ""
}
