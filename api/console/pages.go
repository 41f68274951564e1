package console

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/middleware"
	"esign-gateway/service"
)

//go:embed templates/*.html static/console.css static/favicon.svg
var files embed.FS

// pages are the parsed templates, one set per page with the layout.
type pages struct {
	set       map[string]*template.Template
	css, icon []byte
}

var funcs = template.FuncMap{
	"ms":  func(ms int64) string { return fmtMs(ms) },
	"dur": dur,
	"pct": func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"age": func(ms int64) string { return (time.Duration(ms) * time.Millisecond).Round(time.Second).String() },
	"q":   url.QueryEscape,
	"sub": func(a, b int64) int64 { return a - b },
}

// dur is a latency for people: µs under a millisecond, else ms.
func dur(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func fmtMs(ms int64) string {
	if ms <= 0 {
		return "—"
	}
	return time.UnixMilli(ms).Format("2006-01-02 15:04:05")
}

func newPages() *pages {
	p := &pages{set: map[string]*template.Template{}}
	for _, name := range []string{"login", "overview", "corps", "tasks", "task", "events", "bind", "audit", "error"} {
		p.set[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html"))
	}
	p.css, _ = files.ReadFile("static/console.css")
	p.icon, _ = files.ReadFile("static/favicon.svg")
	return p
}

// view is what every page's template gets.
type view struct {
	Title string
	Nav   string
	Op    operator
	Flash string
	Err   string
	P     any
}

func (c *console) render(g *gin.Context, status int, name string, v view) {
	v.Op = op(g)
	var buf bytes.Buffer
	if err := c.page.set[name].Execute(&buf, v); err != nil {
		_ = g.Error(err)
		g.String(http.StatusInternalServerError, "template error")
		return
	}
	g.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// fail answers with an error page and stops the chain.
func (c *console) fail(g *gin.Context, status int, msg string) {
	c.render(g, status, "error", view{Title: "错误 / Error", Err: msg, P: middleware.RequestIDFrom(g.Request.Context())})
	g.Abort()
}

// failErr answers a service error: its DingTalk status and message, or
// 500 for anything else (the log gets the cause).
func (c *console) failErr(g *gin.Context, err error) {
	_ = g.Error(err)
	var e *dingtalk.Error
	if errors.As(err, &e) {
		c.fail(g, e.Status, e.Code+": "+e.Message)
		return
	}
	c.fail(g, http.StatusInternalServerError, "内部错误 / internal error")
}

func (c *console) favicon(g *gin.Context) {
	g.Header("Cache-Control", "max-age=300")
	g.Data(http.StatusOK, "image/svg+xml", c.page.icon)
}

func (c *console) css(g *gin.Context) {
	g.Header("Cache-Control", "max-age=300")
	g.Data(http.StatusOK, "text/css; charset=utf-8", c.page.css)
}

// audit records an admin action; a failure to record it fails the answer
// (an action must not go unrecorded unnoticed) but not the action, which
// has already happened.
func (c *console) record(g *gin.Context, action, target, outcome string) error {
	return c.svc.Console.Audit(context.WithoutCancel(g.Request.Context()), service.AuditEntry{
		Who: op(g).Who, Action: action, Target: target, Outcome: outcome,
		RequestID: middleware.RequestIDFrom(g.Request.Context())})
}

func (c *console) loginPage(g *gin.Context) {
	if _, err := c.session(g); err == nil {
		g.Redirect(http.StatusSeeOther, Base+"/")
		return
	}
	c.render(g, http.StatusOK, "login", view{Title: "登录 / Sign in", P: c.cfg.SessionTTL})
}

func (c *console) login(g *gin.Context) {
	name := cleanName(g.PostForm("name"))
	g.Set(operatorKey, operator{Who: "console:" + name})
	if subtle.ConstantTimeCompare([]byte(g.PostForm("token")), []byte(c.cfg.AdminToken)) != 1 {
		_ = c.record(g, "login", "", "refused")
		c.render(g, http.StatusUnauthorized, "login", view{Title: "登录 / Sign in", Err: "管理令牌不正确 / wrong admin token", P: c.cfg.SessionTTL})
		return
	}
	value, ses := c.ses.issue(name)
	path := Base
	if c.cfg.Secure {
		path = "/" // __Host- cookies must be Path=/
	}
	http.SetCookie(g.Writer, &http.Cookie{Name: c.cookieName(), Value: value, Path: path, Expires: ses.Exp,
		MaxAge: int(c.cfg.SessionTTL.Seconds()), HttpOnly: true, Secure: c.cfg.Secure, SameSite: http.SameSiteStrictMode})
	if err := c.record(g, "login", "", "ok"); err != nil {
		c.failErr(g, err)
		return
	}
	g.Redirect(http.StatusSeeOther, Base+"/")
}

func (c *console) logout(g *gin.Context) {
	path := Base
	if c.cfg.Secure {
		path = "/"
	}
	http.SetCookie(g.Writer, &http.Cookie{Name: c.cookieName(), Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: c.cfg.Secure, SameSite: http.SameSiteStrictMode})
	_ = c.record(g, "logout", "", "ok")
	g.Redirect(http.StatusSeeOther, Base+"/login")
}

// overviewData is the Overview page.
type overviewData struct {
	Version      string
	StoreKind    string
	StoreRTT     time.Duration
	StoreErr     string
	Upstream     service.UpstreamStatus
	Outbox       service.OutboxStats
	OutboxErr    string
	Counts       service.Counts
	CountsErr    string
	KeyIDs       []string
	StuckAfter   time.Duration
	LastSuccessS string
}

func (c *console) overview(g *gin.Context) {
	ctx, cancel := context.WithTimeout(g.Request.Context(), 2*time.Second)
	defer cancel()
	d := overviewData{Version: c.cfg.Version, StoreKind: c.svc.Admin.StoreKind(), Upstream: c.svc.Admin.Upstream(),
		KeyIDs: c.svc.Tokens.KeyIDs(), StuckAfter: c.cfg.StuckAfter}
	start := time.Now()
	if err := c.svc.Admin.Ping(ctx); err != nil {
		d.StoreErr = err.Error()
	}
	d.StoreRTT = time.Since(start)
	var err error
	if d.Outbox, err = c.svc.Outbox.Stats(ctx); err != nil {
		d.OutboxErr = err.Error()
	}
	if d.Counts, err = c.svc.Admin.Counts(ctx); err != nil {
		d.CountsErr = err.Error()
	}
	if !d.Upstream.LastSuccess.IsZero() {
		d.LastSuccessS = d.Upstream.LastSuccess.Format("2006-01-02 15:04:05")
	}
	c.render(g, http.StatusOK, "overview", view{Title: "概览 / Overview", Nav: "overview", P: d})
}

// corpsData is the Corps page.
type corpsData struct {
	Prefix, Status string
	Statuses       []string
	Page           *service.CorpPage
	Limit          int
}

func (c *console) corps(g *gin.Context) {
	limit, _ := strconv.Atoi(g.Query("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	d := corpsData{Prefix: g.Query("prefix"), Status: g.Query("status"), Statuses: service.CorpStatuses, Limit: limit}
	page, err := c.svc.Console.Corps(g.Request.Context(), service.CorpFilter{After: g.Query("after"), Prefix: d.Prefix, Status: d.Status, Limit: limit})
	if err != nil {
		c.failErr(g, err)
		return
	}
	d.Page = page
	c.render(g, http.StatusOK, "corps", view{Title: "企业 / Corps", Nav: "corps", P: d})
}

// tasksData is the Tasks page.
type tasksData struct {
	Q          string
	Found      any // []*store.Task
	Searched   bool
	Stuck      any
	StuckAfter time.Duration
	ShowStuck  bool
}

func (c *console) tasks(g *gin.Context) {
	d := tasksData{Q: g.Query("q"), StuckAfter: c.cfg.StuckAfter}
	ctx := g.Request.Context()
	if d.Q != "" {
		ts, err := c.svc.Console.FindTasks(ctx, d.Q)
		if err != nil {
			c.failErr(g, err)
			return
		}
		if len(ts) == 1 && ts[0].ID == d.Q {
			g.Redirect(http.StatusSeeOther, Base+"/tasks/"+url.PathEscape(d.Q))
			return
		}
		d.Found, d.Searched = ts, true
	}
	if s := g.Query("stuck"); s != "" {
		if age, err := time.ParseDuration(s); err == nil && age > 0 {
			d.StuckAfter = age
		}
		ts, err := c.svc.Console.StuckTasks(ctx, d.StuckAfter)
		if err != nil {
			c.failErr(g, err)
			return
		}
		d.Stuck, d.ShowStuck = ts, true
	}
	c.render(g, http.StatusOK, "tasks", view{Title: "任务 / Tasks", Nav: "tasks", P: d})
}

func (c *console) task(g *gin.Context) {
	v, err := c.svc.Console.Task(g.Request.Context(), g.Param("taskId"))
	if err != nil {
		c.failErr(g, err)
		return
	}
	c.render(g, http.StatusOK, "task", view{Title: "任务 / Task " + v.Task.ID, Nav: "tasks", P: v})
}

// eventsData is the Events page.
type eventsData struct {
	Corp   string
	Events []service.DeadEvent
}

func (c *console) events(g *gin.Context) {
	d := eventsData{Corp: g.Query("corp")}
	var err error
	if d.Corp != "" {
		d.Events, err = c.svc.Console.CorpEvents(g.Request.Context(), d.Corp)
	} else {
		d.Events, err = c.svc.Outbox.Dead(g.Request.Context(), service.MaxDeadList)
	}
	if err != nil {
		c.failErr(g, err)
		return
	}
	var flash string
	if n := g.Query("replayed"); n != "" {
		flash = "已重放 " + n + " 个任务的事件 / replayed the events of " + n + " task(s)"
	}
	c.render(g, http.StatusOK, "events", view{Title: "事件 / Events", Nav: "events", Flash: flash, P: d})
}

// replay makes events due again: of one event's task, of a corp, or every
// dead one. The events keep their ids, so a receiver that saw one before
// recognises it (X-Esigngw-Event-Id).
func (c *console) replay(g *gin.Context) {
	eventID, corpID := g.PostForm("eventId"), g.PostForm("corpId")
	target := "all dead"
	switch {
	case eventID != "":
		target, corpID = "event:"+eventID, ""
	case corpID != "":
		target = "corp:" + corpID
	case g.PostForm("all") != "1":
		c.fail(g, http.StatusBadRequest, "请指定事件、企业或全部 / name an event, a corp, or all")
		return
	}
	n, err := c.svc.Outbox.Replay(g.Request.Context(), corpID, eventID)
	outcome := fmt.Sprintf("%d task(s)", n)
	if err != nil {
		outcome = "failed: " + err.Error()
	}
	if aerr := c.record(g, "replay", target, outcome); aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		c.failErr(g, err)
		return
	}
	back := Base + "/events?replayed=" + strconv.Itoa(n)
	if back2 := g.PostForm("back"); back2 != "" {
		back += "&corp=" + url.QueryEscape(back2)
	}
	g.Redirect(http.StatusSeeOther, back)
}

// bindData is the Bind page.
type bindData struct {
	Req    service.BindFlowRequest
	TaskID string
}

func (c *console) bindPage(g *gin.Context) {
	c.render(g, http.StatusOK, "bind", view{Title: "绑定流程 / Bind a flow", Nav: "bind", P: bindData{}})
}

func (c *console) bind(g *gin.Context) {
	req := service.BindFlowRequest{CorpID: g.PostForm("corpId"), FlowID: g.PostForm("flowId"), InstanceID: g.PostForm("instanceId")}
	res, err := c.svc.Admin.BindFlow(g.Request.Context(), &req)
	outcome := "ok"
	if err != nil {
		outcome = "failed: " + err.Error()
	} else {
		outcome = "task " + res.TaskID
	}
	if aerr := c.record(g, "bind", "corp:"+req.CorpID+" flow:"+req.FlowID, outcome); aerr != nil && err == nil {
		err = aerr
	}
	if err != nil {
		var e *dingtalk.Error
		if errors.As(err, &e) && e.Status < 500 {
			c.render(g, e.Status, "bind", view{Title: "绑定流程 / Bind a flow", Nav: "bind", Err: e.Code + ": " + e.Message, P: bindData{Req: req}})
			return
		}
		c.failErr(g, err)
		return
	}
	c.render(g, http.StatusOK, "bind", view{Title: "绑定流程 / Bind a flow", Nav: "bind",
		Flash: "已绑定 / bound", P: bindData{Req: req, TaskID: res.TaskID}})
}

func (c *console) audit(g *gin.Context) {
	log, err := c.svc.Console.AuditLog(g.Request.Context(), 200)
	if err != nil {
		c.failErr(g, err)
		return
	}
	c.render(g, http.StatusOK, "audit", view{Title: "审计日志 / Audit log", Nav: "audit", P: log})
}
