package api

import (
	"context"
	"net/http"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// Services is what the handlers call, one small interface per area
// (package service implements them; tests may fake any one). The api never
// reaches the store or the e签宝 client itself.
type Services struct {
	Tokens    Tokens
	Corps     Corps
	Users     Users
	Files     Files
	Flows     Flows
	Process   Process
	Orders    Orders
	Callbacks Callbacks
	Outbox    Outbox
	Admin     Admin
}

// ServicesOf returns the interfaces of svc.
func ServicesOf(svc *service.Service) Services {
	return Services{Tokens: svc.Tokens, Corps: svc.Corps, Users: svc.Users, Files: svc.Files, Flows: svc.Flows,
		Process: svc.Process, Orders: svc.Orders, Callbacks: svc.Callbacks, Outbox: svc.Outbox, Admin: svc.Admin}
}

// Tokens issues and checks access tokens.
type Tokens interface {
	Authenticate(r *http.Request) (context.Context, error)
	CorpToken(ctx context.Context, req *dingtalk.CorpTokenRequest) (*dingtalk.AccessToken, error)
	AppToken(ctx context.Context, req *dingtalk.AppTokenRequest) (*dingtalk.AccessToken, error)
	SuiteToken(ctx context.Context, req *dingtalk.SuiteTokenRequest) (*dingtalk.AccessToken, error)
	KeyIDs() []string
}

// Corps is a corp's relation with e签宝.
type Corps interface {
	SetDeveloper(ctx context.Context, noticeURL, redirectURL string) (bool, error)
	AuthURL(ctx context.Context, redirectURL string) (*dingtalk.PageURLs, error)
	Consent(ctx context.Context, taskID string) (*service.ConsentPage, error)
	Authorize(ctx context.Context, taskID string, o service.Origin) (*service.ConsentPage, error)
	CancelAuth(ctx context.Context) (*dingtalk.Result, error)
	AppStatus(ctx context.Context) (*dingtalk.AppStatus, error)
	Info(ctx context.Context) (name string, realName bool, err error)
	Console(ctx context.Context) (string, error)
	RealnameURL(ctx context.Context, userID, redirectURL string) (*dingtalk.PageURLs, error)
}

// Users is a corp's users at e签宝.
type Users interface {
	Info(ctx context.Context, userID string) (name string, realName bool, err error)
	RealnameURL(ctx context.Context, userID, redirectURL string) (*dingtalk.PageURLs, error)
}

// Files is the corp's uploaded files.
type Files interface {
	UploadURL(ctx context.Context, req *dingtalk.UploadURLRequest) (*dingtalk.UploadURL, error)
	Info(ctx context.Context, fileID string) (*dingtalk.FileInfo, error)
}

// Flows reads sign flows.
type Flows interface {
	Detail(ctx context.Context, taskID string) (*dingtalk.FlowDetail, error)
	SignDetail(ctx context.Context, taskID string) (*dingtalk.SignDetail, error)
	Docs(ctx context.Context, taskID string) ([]dingtalk.Doc, error)
	SealApprovals(ctx context.Context, taskID string) ([]dingtalk.Approval, error)
	Attachments(ctx context.Context, instanceID string) (*dingtalk.Attachs, error)
	ExecuteURL(ctx context.Context, req *dingtalk.ExecuteURLRequest) (*dingtalk.SignURLs, error)
	SignNoticeURL(ctx context.Context, taskID string) (*dingtalk.SignNoticeURLs, error)
}

// Process starts sign flows.
type Process interface {
	Create(ctx context.Context, req *dingtalk.CreateRequest) (*dingtalk.TaskID, error)
	StartURL(ctx context.Context, req *dingtalk.StartRequest) (*dingtalk.PageURLs, error)
	StartState(ctx context.Context, taskID string) (*service.StartPage, error)
	Start(ctx context.Context, taskID string, o service.Origin) (*service.StartPage, error)
}

// Orders is the resale ledger.
type Orders interface {
	Channel(ctx context.Context, req *dingtalk.ChannelOrderRequest) (*dingtalk.OrderID, error)
	Resale(ctx context.Context, req *dingtalk.ResaleOrderRequest) (*dingtalk.OrderID, error)
	Margin(ctx context.Context) (*dingtalk.Margin, error)
}

// Callbacks receives e签宝's callbacks.
type Callbacks interface {
	Path() string
	Handle(ctx context.Context, h http.Header, rawQuery string, body []byte) (action string, err error)
}

// Outbox is the queue of events for ISVs.
type Outbox interface {
	Stats(ctx context.Context) (service.OutboxStats, error)
	DeadList(ctx context.Context, r *service.DeadListRequest) (*service.DeadList, error)
	ReplayRequested(ctx context.Context, r *service.ReplayRequest) (*service.ReplayResult, error)
}

// Admin is what operators use.
type Admin interface {
	BindFlow(ctx context.Context, req *service.BindFlowRequest) (*dingtalk.TaskID, error)
	Ping(ctx context.Context) error
	StoreKind() string
	Counts(ctx context.Context) (service.Counts, error)
	Upstream() service.UpstreamStatus
	BreakerState() string
}
