package api

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"esign-gateway/dingtalk"
	"esign-gateway/service"
)

// The gateway's own pages: the corp consent page (AuthUrl) and the start
// page (GetProcessStartUrl/ProcessStart). Server-rendered, no script, a
// mobile viewport: they work inside DingTalk's phone container.
var pages = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f2329}
main{max-width:560px;margin:0 auto;padding:24px 16px}.card{background:#fff;border-radius:8px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}p,li{line-height:1.6}button{width:100%;padding:12px;font-size:16px;border:0;border-radius:6px;background:#1677ff;color:#fff}
.ok{color:#16a34a}.muted{color:#6b7280;font-size:14px}</style></head><body><main><div class="card">{{end}}
{{define "foot"}}</div></main></body></html>{{end}}
{{define "consent"}}{{template "head" .}}<h1>授权 e签宝 电子签署</h1>
<p>企业 <b>{{.CorpID}}</b> 将在 e签宝 完成企业认证，并授权本应用管理企业的 e签宝 资源（控制台、用印审批、企业信息）。</p>
{{if eq .State "authorized"}}<p class="ok">企业已完成授权。</p>{{if .Back}}<p><a href="{{.Back}}">返回应用</a></p>{{end}}
{{else if eq .State "failed"}}<p>授权未完成，请在应用中重新发起授权。</p>{{if .Back}}<p><a href="{{.Back}}">返回应用</a></p>{{end}}
{{else if eq .State "pending"}}<p>授权进行中：请在 e签宝 页面完成认证与授权，完成后刷新本页。</p>
{{else}}<form method="post"><button type="submit">前往 e签宝 授权</button></form>{{end}}
<p class="muted">任务 {{.TaskID}}</p>{{template "foot"}}{{end}}
{{define "start"}}{{template "head" .}}<h1>{{.Name}}</h1>
<p>文件：</p><ul>{{range .Files}}<li>{{.}}</li>{{end}}</ul>
<p>签署人：</p><ul>{{range .Signers}}<li>{{.}}</li>{{end}}</ul>
{{if .Started}}<p class="ok">签署流程已发起，签署人将收到签署通知。</p>{{if .Back}}<p><a href="{{.Back}}">返回应用</a></p>{{end}}
{{else}}<form method="post"><button type="submit">发起签署</button></form>{{end}}
<p class="muted">任务 {{.TaskID}}</p>{{template "foot"}}{{end}}
{{define "done"}}{{template "head" .}}<h1>已完成</h1><p>操作已完成，可以关闭此页面。</p>{{template "foot"}}{{end}}
{{define "error"}}{{template "head" .}}<h1>无法打开此页面</h1><p>{{.Message}}</p>{{template "foot"}}{{end}}`))

type pageData map[string]any

func render(c *gin.Context, status int, name string, data pageData) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	c.Header("X-Frame-Options", "SAMEORIGIN")
	// Task ids in the URL are capabilities: never sent to another site as
	// a Referer, never kept by a cache. same-origin, not no-referrer: under
	// no-referrer a browser sends "Origin: null" on the form's POST, which
	// the origin check must refuse.
	c.Header("Referrer-Policy", "same-origin")
	c.Header("Cache-Control", "no-store")
	c.Status(status)
	if err := pages.ExecuteTemplate(c.Writer, name, data); err != nil {
		_ = c.Error(err)
	}
}

func pageError(c *gin.Context, err error) {
	var e *dingtalk.Error
	if !errors.As(err, &e) {
		e = dingtalk.ErrSystem
	}
	_ = c.Error(err)
	render(c, e.Status, "error", pageData{"Title": "错误", "Message": e.Message})
}

// safeBack returns u if it is an http(s) URL, for a "back" link.
func safeBack(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return ""
	}
	return u
}

// consentPage handles GET /pages/auth/:taskId; e签宝's authorization page
// returns the admin here too.
func (h *handlers) consentPage(c *gin.Context) {
	p, err := h.s.Corps.Consent(c.Request.Context(), c.Param("taskId"))
	if err != nil {
		pageError(c, err)
		return
	}
	renderConsent(c, p)
}

// consent handles POST /pages/auth/:taskId: the admin goes on to e签宝's
// organization authorization page.
func (h *handlers) consent(c *gin.Context) {
	p, err := h.s.Corps.Authorize(c.Request.Context(), c.Param("taskId"), origin(c))
	if err != nil {
		pageError(c, err)
		return
	}
	if next := safeBack(p.Next); next != "" {
		c.Redirect(http.StatusSeeOther, next)
		return
	}
	renderConsent(c, p)
}

func renderConsent(c *gin.Context, p *service.ConsentPage) {
	render(c, http.StatusOK, "consent", pageData{"Title": "授权 e签宝", "CorpID": p.CorpID, "TaskID": p.TaskID,
		"State": p.State, "Back": safeBack(p.RedirectURL)})
}

// origin is what a page POST says about where it comes from.
func origin(c *gin.Context) service.Origin {
	return service.Origin{Origin: c.GetHeader("Origin"), Referer: c.GetHeader("Referer")}
}

// startPage handles GET /pages/start/:taskId.
func (h *handlers) startPage(c *gin.Context) {
	p, err := h.s.Process.StartState(c.Request.Context(), c.Param("taskId"))
	if err != nil {
		pageError(c, err)
		return
	}
	renderStart(c, p, p.RedirectURL)
}

// start handles POST /pages/start/:taskId: the initiator starts the flow.
func (h *handlers) start(c *gin.Context) {
	p, err := h.s.Process.Start(c.Request.Context(), c.Param("taskId"), origin(c))
	if err != nil {
		pageError(c, err)
		return
	}
	if back := safeBack(p.RedirectURL); back != "" {
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	renderStart(c, p, "")
}

func renderStart(c *gin.Context, p *service.StartPage, back string) {
	render(c, http.StatusOK, "start", pageData{"Title": "发起签署", "TaskID": p.TaskID, "Name": p.Title, "Started": p.Started,
		"Back": safeBack(back), "Files": p.Files, "Signers": p.Signers})
}

// donePage handles GET /pages/done, where identity flows return by default.
func (h *handlers) donePage(c *gin.Context) {
	render(c, http.StatusOK, "done", pageData{"Title": "已完成"})
}
