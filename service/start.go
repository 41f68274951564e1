package service

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service/store"
)

// StartURL is GetProcessStartUrl/ProcessStart: the flow is prepared upstream
// as a draft (createFlowOneStep without autoInitiate: accounts, files,
// signers) and the initiator gets the gateway's start page, where one click
// starts it (PUT /v1/signflows/{flowId}/start). autoStart "true" starts it
// at once and the page shows the started flow.
func (s *Process) StartURL(ctx context.Context, req *dingtalk.StartRequest) (*dingtalk.PageURLs, error) {
	p := &plan{title: req.TaskName, initiator: req.InitiatorUserID, redirectURL: req.RedirectURL, source: req.SourceInfo,
		files: req.Files, ccs: req.Ccs}
	if req.SignEndTime != nil && *req.SignEndTime > 0 {
		p.signEnd = *req.SignEndTime
	}
	for _, x := range req.Participants {
		p.signers = append(p.signers, planSigner{Party: x.Party, requirements: nonEmpty(x.SignRequirements, "2")})
	}
	if len(p.signers) == 0 {
		// Nobody named: the initiator signs personally.
		p.signers = []planSigner{{Party: dingtalk.Party{AccountType: accountDingUser, UserID: req.InitiatorUserID}, requirements: "2"}}
	}
	auto := req.AutoStart == "true"
	t, err := s.prepareFlow(ctx, p, store.KindStart, auto)
	if err != nil {
		return nil, err
	}
	return s.pageURLs("start", t.ID), nil
}

// StartPage is what the start page shows.
type StartPage struct {
	TaskID, Title, RedirectURL string
	Files, Signers             []string
	Started                    bool
	flowID                     string
}

func startPage(t *store.Task) *StartPage {
	p := &StartPage{TaskID: t.ID, Title: t.Title, RedirectURL: t.RedirectURL, Started: t.Status >= 1, flowID: t.FlowID}
	for _, f := range t.Files {
		p.Files = append(p.Files, f.FileName)
	}
	for _, x := range t.Participants {
		if x.Role == "signer" {
			p.Signers = append(p.Signers, x.Name)
		}
	}
	return p
}

// StartState returns the start page's state.
func (s *Process) StartState(ctx context.Context, taskID string) (*StartPage, error) {
	t, err := s.pageTask(ctx, taskID, store.KindStart)
	if err != nil {
		return nil, err
	}
	if t.FlowID == "" {
		return nil, dingtalk.ErrTaskNotFound
	}
	if t.Status == 0 && !t.Finished {
		if _, err := s.linkAlive(ctx, t); err != nil {
			return nil, err
		}
	}
	return startPage(t), nil
}

// Start starts a prepared flow from its start page: once (the link is
// used up), within Pages.LinkTTL, from a page of this gateway, and only
// while the corp is authorized under the epoch the link was made in (a
// link made before CancelCorpAuth starts nothing upstream).
func (s *Process) Start(ctx context.Context, taskID string, o Origin) (*StartPage, error) {
	if err := s.checkOrigin(o); err != nil {
		return nil, err
	}
	t, err := s.pageTask(ctx, taskID, store.KindStart)
	if err != nil {
		return nil, err
	}
	if t.FlowID == "" {
		return nil, dingtalk.ErrTaskNotFound
	}
	if t.Status != 0 || t.Finished {
		return nil, errLinkUsed
	}
	corp, err := s.linkAlive(ctx, t)
	if err != nil {
		return nil, err
	}
	if !corp.Authorized {
		return nil, errLinkRevoked
	}
	if t, err = s.claimLink(ctx, taskID, 1); err != nil {
		return nil, err
	}
	if err := s.esign.StartFlow(ctx, t.FlowID); err != nil {
		s.releaseLink(ctx, taskID, 1)
		return nil, s.upstreamError("start_flow", err)
	}
	if _, err := s.apply(context.WithoutCancel(ctx), t, nil, change{entries: []store.LogEntry{startedEntry(s.nowMs())}, status: keepStatus}); err != nil {
		return nil, err
	}
	return startPage(t), nil
}
