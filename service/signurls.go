package service

import (
	"context"
	"sort"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// ExecuteURL is esign_2.0 GetExecuteUrl: the signing page of the participant
// the request names (account: their DingTalk userId or account), or of the
// next signer still to sign (GET /v1/signflows/{flowId}/executeUrl). Anyone
// who is not a signer of the flow gets a clear error.
//
// signContainer (DingTalk's page): 1, the default, answers the addresses
// for DingTalk's container (pcUrl, mobileUrl) and takes account as a
// choice; 2 answers the browser addresses (longUrl, shortUrl) and then
// account is required.
func (s *Flows) ExecuteURL(ctx context.Context, req *dingtalk.ExecuteURLRequest) (*dingtalk.SignURLs, error) {
	browser := req.SignContainer != nil && *req.SignContainer == 2
	if browser && req.Account == "" {
		return nil, dingtalk.Field("account")
	}
	u, err := s.signURL(ctx, req.TaskID, req.Account)
	if err != nil {
		return nil, err
	}
	if browser {
		return &dingtalk.SignURLs{LongURL: u.URL, ShortURL: u.ShortURL}, nil
	}
	mobile := u.ShortURL
	if mobile == "" {
		mobile = u.URL
	}
	return &dingtalk.SignURLs{PCURL: u.URL, MobileURL: mobile}, nil
}

// SignNoticeURL is esign_1.0 GetSignNoticeUrl: the next signer's page.
func (s *Flows) SignNoticeURL(ctx context.Context, taskID string) (*dingtalk.SignNoticeURLs, error) {
	u, err := s.signURL(ctx, taskID, "")
	if err != nil {
		return nil, err
	}
	mobile := u.ShortURL
	if mobile == "" {
		mobile = u.URL
	}
	return &dingtalk.SignNoticeURLs{PCURL: u.URL, MobileURL: mobile}, nil
}

func (s *core) signURL(ctx context.Context, taskID, account string) (*esign.ExecuteURL, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	accountID, err := s.signerAccount(ctx, t, account)
	if err != nil {
		return nil, err
	}
	u, err := s.esign.ExecuteURL(ctx, t.FlowID, accountID, "0", 0)
	if err != nil {
		return nil, s.upstreamError("execute_url", err)
	}
	return u, nil
}

// signerAccount picks the e签宝 account whose page is wanted.
func (s *core) signerAccount(ctx context.Context, t *store.Task, account string) (string, error) {
	if account != "" {
		for _, p := range t.Participants {
			if p.Role != "signer" {
				continue
			}
			ok, err := s.isParticipant(ctx, p, account)
			if err != nil {
				return "", err
			}
			if ok {
				return p.AccountID, nil
			}
		}
		return "", dingtalk.ErrNotSigner.Msg("当前用户不是流程参与人:%s", account)
	}
	signers, err := s.esign.Signers(ctx, t.FlowID)
	if err != nil {
		return "", s.upstreamError("flow_signers", err)
	}
	sort.SliceStable(signers, func(i, j int) bool { return signers[i].SignOrder < signers[j].SignOrder })
	for _, sg := range signers {
		if sg.SignStatus == 0 || sg.SignStatus == 1 {
			return sg.SignerAccountID, nil
		}
	}
	return "", dingtalk.ErrInvalidParam.Msg("参数错误:流程没有待签署的签署人")
}
