package api

import (
	"context"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// statusTimeout bounds the store calls of one status request, so the page
// still answers (with the errors) while the store is down.
const statusTimeout = 2 * time.Second

// adminStatus is GET /admin/status.
type adminStatus struct {
	Version       string         `json:"version" doc:"版本 / version"`
	Build         buildInfo      `json:"build" doc:"构建 / build"`
	StartedAt     time.Time      `json:"startedAt" doc:"启动时间 / start time"`
	UptimeSeconds int64          `json:"uptimeSeconds" doc:"运行秒数 / uptime in seconds"`
	Store         storeStatus    `json:"store" doc:"存储 / store"`
	Upstream      upstreamStatus `json:"upstream" doc:"最近五分钟的 e签宝 调用 / e签宝 calls of the last five minutes"`
	Outbox        outboxStatus   `json:"outbox" doc:"事件投递队列 / the event outbox"`
	// SigningKeyIDs are the token signing keys' ids, the signing one
	// first; never the keys.
	SigningKeyIDs []string     `json:"signingKeyIds" doc:"令牌签名密钥ID（不含密钥）/ token signing key ids, never the keys"`
	Counts        countsStatus `json:"counts" doc:"计数 / counts"`
}

type buildInfo struct {
	GoVersion    string `json:"goVersion" doc:"Go 版本 / Go version"`
	Revision     string `json:"vcsRevision,omitempty" doc:"提交 / revision"`
	RevisionTime string `json:"vcsTime,omitempty" doc:"提交时间 / revision time"`
	Modified     bool   `json:"vcsModified,omitempty" doc:"有未提交修改 / built from a modified tree"`
}

type storeStatus struct {
	Kind        string  `json:"kind" enum:"embedded,redis" doc:"存储类型 / store kind"`
	RoundTripMs float64 `json:"roundTripMs" doc:"往返耗时 / round trip in ms"`
	Error       string  `json:"error,omitempty" doc:"错误 / error"`
}

// upstreamStatus covers the e签宝 calls of the last five minutes.
type upstreamStatus struct {
	LastSuccess *time.Time `json:"lastSuccess,omitempty" doc:"最近一次成功 / last success"`
	Calls       int        `json:"calls" doc:"调用次数 / calls"`
	ErrorRate   float64    `json:"errorRate" doc:"错误率 / error rate"`
	P50Ms       float64    `json:"p50Ms" doc:"中位耗时 / median in ms"`
	P99Ms       float64    `json:"p99Ms" doc:"P99 耗时 / p99 in ms"`
	Breaker     string     `json:"breaker" doc:"熔断器状态 / breaker state"`
	// TokenExpiry is set in token auth mode once a token was fetched.
	TokenExpiry *time.Time `json:"tokenExpiry,omitempty" doc:"令牌模式下的 e签宝 令牌到期 / e签宝 token expiry in token mode"`
}

type outboxStatus struct {
	Depth       int64  `json:"depth" doc:"待投递事件数 / events waiting"`
	OldestAgeMs int64  `json:"oldestAgeMs" doc:"最早事件的等待时间（毫秒）/ age of the oldest, in ms"`
	Dead        int64  `json:"dead" doc:"死信事件数（见 /admin/v1/events/dead）/ dead events (see /admin/v1/events/dead)"`
	Error       string `json:"error,omitempty" doc:"错误 / error"`
}

type countsStatus struct {
	Corps int64  `json:"corps" doc:"企业数 / corps"`
	Tasks int64  `json:"tasks" doc:"任务数 / tasks"`
	Files int64  `json:"files" doc:"文件数 / files"`
	Error string `json:"error,omitempty" doc:"错误 / error"`
}

// adminPage serves the status as JSON and HTML.
type adminPage struct {
	s       Services
	version string
	now     func() time.Time
	started time.Time
	build   buildInfo
}

func newAdminPage(s Services, cfg *Config) *adminPage {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &adminPage{s: s, version: cfg.Version, now: now, started: now(), build: readBuildInfo()}
}

// json serves GET /admin/status.
func (a *adminPage) json(c *gin.Context) { c.JSON(http.StatusOK, a.status(c.Request.Context())) }

func (a *adminPage) status(ctx context.Context) *adminStatus {
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	now := a.now()
	s := &adminStatus{Version: a.version, Build: a.build, StartedAt: a.started,
		UptimeSeconds: int64(now.Sub(a.started).Seconds()), SigningKeyIDs: a.s.Tokens.KeyIDs()}

	s.Store.Kind = a.s.Admin.StoreKind()
	start := a.now()
	if err := a.s.Admin.Ping(ctx); err != nil {
		s.Store.Error = err.Error()
	}
	s.Store.RoundTripMs = ms(a.now().Sub(start))

	up := a.s.Admin.Upstream()
	if !up.LastSuccess.IsZero() {
		s.Upstream.LastSuccess = &up.LastSuccess
	}
	s.Upstream.Calls, s.Upstream.ErrorRate = up.Calls, up.ErrorRate
	s.Upstream.P50Ms, s.Upstream.P99Ms = ms(up.P50), ms(up.P99)
	s.Upstream.Breaker = up.Breaker
	if !up.TokenExpiry.IsZero() {
		s.Upstream.TokenExpiry = &up.TokenExpiry
	}

	if ob, err := a.s.Outbox.Stats(ctx); err != nil {
		s.Outbox.Error = err.Error()
	} else {
		s.Outbox.Depth, s.Outbox.OldestAgeMs, s.Outbox.Dead = ob.Depth, ob.OldestAge, ob.Dead
	}
	if n, err := a.s.Admin.Counts(ctx); err != nil {
		s.Counts.Error = err.Error()
	} else {
		s.Counts.Corps, s.Counts.Tasks, s.Counts.Files = n.Corps, n.Tasks, n.Files
	}
	return s
}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// readBuildInfo reads the Go version and, when the binary was built from a
// git checkout with VCS stamping, the revision.
func readBuildInfo() buildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return buildInfo{GoVersion: "unknown"}
	}
	b := buildInfo{GoVersion: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.RevisionTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}
