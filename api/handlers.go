package api

import (
	"context"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// handlers are the thin adapters between the action table and the
// services: each takes the DingTalk request, makes one service call and
// returns the DingTalk answer of its version. Validation already happened
// (dingtalk.Check, by the request's tags).
type handlers struct {
	s   Services
	cfg *Config
	doc []byte // the OpenAPI document, built once
}

// Tokens.

func (h *handlers) corpToken(ctx context.Context, r *dingtalk.CorpTokenRequest) (*dingtalk.AccessToken, error) {
	return h.s.Tokens.CorpToken(ctx, r)
}

func (h *handlers) appToken(ctx context.Context, r *dingtalk.AppTokenRequest) (*dingtalk.AccessToken, error) {
	return h.s.Tokens.AppToken(ctx, r)
}

func (h *handlers) suiteToken(ctx context.Context, r *dingtalk.SuiteTokenRequest) (*dingtalk.AccessToken, error) {
	return h.s.Tokens.SuiteToken(ctx, r)
}

// Corps and users.

func (h *handlers) createDeveloperV1(ctx context.Context, r *dingtalk.DeveloperQuery) (bool, error) {
	return h.s.Corps.SetDeveloper(ctx, r.NoticeURL, r.RedirectURL)
}

func (h *handlers) createDevelopers(ctx context.Context, r *dingtalk.DeveloperRequest) (*dingtalk.DataBool, error) {
	ok, err := h.s.Corps.SetDeveloper(ctx, r.NoticeURL, r.RedirectURL)
	if err != nil {
		return nil, err
	}
	return &dingtalk.DataBool{Data: ok}, nil
}

func (h *handlers) authURL(ctx context.Context, r *dingtalk.RedirectRequest) (*dingtalk.PageURLs, error) {
	return h.s.Corps.AuthURL(ctx, r.RedirectURL)
}

func (h *handlers) cancelAuthV1(ctx context.Context, _ *dingtalk.None) (*dingtalk.Result, error) {
	return h.s.Corps.CancelAuth(ctx)
}

func (h *handlers) cancelAuth(ctx context.Context, _ *dingtalk.CancelCorpAuthRequest) (*dingtalk.Result, error) {
	return h.s.Corps.CancelAuth(ctx)
}

func (h *handlers) appStatus(ctx context.Context, _ *dingtalk.None) (*dingtalk.AppStatus, error) {
	return h.s.Corps.AppStatus(ctx)
}

// corpInfoV1 sends realName as a bool (esign_1.0).
func (h *handlers) corpInfoV1(ctx context.Context, _ *dingtalk.None) (*dingtalk.CorpInfoV1, error) {
	name, real, err := h.s.Corps.Info(ctx)
	if err != nil {
		return nil, err
	}
	return &dingtalk.CorpInfoV1{OrgRealName: name, RealName: real}, nil
}

// corpInfo sends isRealName as a string (esign_2.0).
func (h *handlers) corpInfo(ctx context.Context, _ *dingtalk.None) (*dingtalk.CorpInfo, error) {
	name, real, err := h.s.Corps.Info(ctx)
	if err != nil {
		return nil, err
	}
	return &dingtalk.CorpInfo{OrgRealName: name, IsRealName: service.BoolString(real)}, nil
}

// corpConsoleV1 sends the address in a response header: its SDK model
// types orgConsoleUrl as a number.
func (h *handlers) corpConsoleV1(ctx context.Context, _ *dingtalk.None) (*dingtalk.CorpConsoleV1, error) {
	u, err := h.s.Corps.Console(ctx)
	if err != nil {
		return nil, err
	}
	return dingtalk.NewCorpConsoleV1(u), nil
}

func (h *handlers) corpConsole(ctx context.Context, _ *dingtalk.None) (*dingtalk.CorpConsole, error) {
	u, err := h.s.Corps.Console(ctx)
	if err != nil {
		return nil, err
	}
	return &dingtalk.CorpConsole{OrgConsoleURL: u}, nil
}

func (h *handlers) corpRealname(ctx context.Context, r *dingtalk.UserPageRequest) (*dingtalk.PageURLs, error) {
	return h.s.Corps.RealnameURL(ctx, r.UserID, r.RedirectURL)
}

func (h *handlers) userRealname(ctx context.Context, r *dingtalk.UserPageRequest) (*dingtalk.PageURLs, error) {
	return h.s.Users.RealnameURL(ctx, r.UserID, r.RedirectURL)
}

func (h *handlers) userInfoV1(ctx context.Context, r *dingtalk.UserPath) (*dingtalk.UserInfoV1, error) {
	name, real, err := h.s.Users.Info(ctx, r.UserID)
	if err != nil {
		return nil, err
	}
	return &dingtalk.UserInfoV1{RealName: real, UserRealName: name}, nil
}

func (h *handlers) userInfo(ctx context.Context, r *dingtalk.UserPath) (*dingtalk.UserInfo, error) {
	name, real, err := h.s.Users.Info(ctx, r.UserID)
	if err != nil {
		return nil, err
	}
	return &dingtalk.UserInfo{IsRealName: service.BoolString(real), UserRealName: name}, nil
}

// Files.

func (h *handlers) uploadURL(ctx context.Context, r *dingtalk.UploadURLRequest) (*dingtalk.UploadURL, error) {
	return h.s.Files.UploadURL(ctx, r)
}

func (h *handlers) fileInfo(ctx context.Context, r *dingtalk.FilePath) (*dingtalk.FileInfo, error) {
	return h.s.Files.Info(ctx, r.FileID)
}

// Flows.

func (h *handlers) flowDetailV1(ctx context.Context, r *dingtalk.TaskQuery) (*dingtalk.FlowDetailV1, error) {
	d, err := h.s.Flows.Detail(ctx, r.TaskID)
	if err != nil {
		return nil, err
	}
	v1 := d.V1()
	return &v1, nil
}

func (h *handlers) flowDetail(ctx context.Context, r *dingtalk.TaskPath) (*dingtalk.FlowDetail, error) {
	return h.s.Flows.Detail(ctx, r.TaskID)
}

func (h *handlers) signDetailV1(ctx context.Context, r *dingtalk.TaskQuery) (*dingtalk.SignDetailV1, error) {
	d, err := h.s.Flows.SignDetail(ctx, r.TaskID)
	if err != nil {
		return nil, err
	}
	v1 := d.V1()
	return &v1, nil
}

func (h *handlers) signDetail(ctx context.Context, r *dingtalk.TaskPath) (*dingtalk.SignDetail, error) {
	return h.s.Flows.SignDetail(ctx, r.TaskID)
}

// flowDocsV1 sends the list itself as esign_1.0's data.
func (h *handlers) flowDocsV1(ctx context.Context, r *dingtalk.TaskQuery) ([]dingtalk.Doc, error) {
	return h.s.Flows.Docs(ctx, r.TaskID)
}

func (h *handlers) flowDocs(ctx context.Context, r *dingtalk.TaskPath) (*dingtalk.Docs, error) {
	docs, err := h.s.Flows.Docs(ctx, r.TaskID)
	if err != nil {
		return nil, err
	}
	return &dingtalk.Docs{Data: docs}, nil
}

func (h *handlers) sealApprovalsV1(ctx context.Context, r *dingtalk.TaskQuery) ([]dingtalk.Approval, error) {
	return h.s.Flows.SealApprovals(ctx, r.TaskID)
}

// approvalList sends approvalTime as a string (esign_2.0).
func (h *handlers) approvalList(ctx context.Context, r *dingtalk.TaskPath) (*dingtalk.Approvals, error) {
	list, err := h.s.Flows.SealApprovals(ctx, r.TaskID)
	if err != nil {
		return nil, err
	}
	out := &dingtalk.Approvals{Data: make([]dingtalk.ApprovalV2, len(list))}
	for i, a := range list {
		out.Data[i] = a.V2()
	}
	return out, nil
}

func (h *handlers) attachments(ctx context.Context, r *dingtalk.InstancePath) (*dingtalk.Attachs, error) {
	return h.s.Flows.Attachments(ctx, r.InstanceID)
}

func (h *handlers) signNoticeURL(ctx context.Context, r *dingtalk.SignNoticeRequest) (*dingtalk.SignNoticeURLs, error) {
	return h.s.Flows.SignNoticeURL(ctx, r.TaskID)
}

func (h *handlers) executeURL(ctx context.Context, r *dingtalk.ExecuteURLRequest) (*dingtalk.SignURLs, error) {
	return h.s.Flows.ExecuteURL(ctx, r)
}

// Process.

func (h *handlers) createProcess(ctx context.Context, r *dingtalk.CreateRequest) (*dingtalk.TaskID, error) {
	return h.s.Process.Create(ctx, r)
}

func (h *handlers) startURLV1(ctx context.Context, r *dingtalk.StartRequestV1) (*dingtalk.PageURLs, error) {
	return h.s.Process.StartURL(ctx, &dingtalk.StartRequest{StartRequestV1: *r})
}

func (h *handlers) startURL(ctx context.Context, r *dingtalk.StartRequest) (*dingtalk.PageURLs, error) {
	return h.s.Process.StartURL(ctx, r)
}

// Orders.

func (h *handlers) channelOrder(ctx context.Context, r *dingtalk.ChannelOrderRequest) (*dingtalk.OrderID, error) {
	return h.s.Orders.Channel(ctx, r)
}

func (h *handlers) resaleOrder(ctx context.Context, r *dingtalk.ResaleOrderRequest) (*dingtalk.OrderID, error) {
	return h.s.Orders.Resale(ctx, r)
}

func (h *handlers) margin(ctx context.Context, _ *dingtalk.None) (*dingtalk.Margin, error) {
	return h.s.Orders.Margin(ctx)
}

// Admin.

func (h *handlers) bindFlow(ctx context.Context, r *service.BindFlowRequest) (*dingtalk.TaskID, error) {
	return h.s.Admin.BindFlow(ctx, r)
}
