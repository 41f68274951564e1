package api

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// adminTemplate renders the status for a browser: no script, a 10s
// refresh. It sits behind the same bearer token as the JSON (a browser
// sends it through a header extension or a proxy that adds it; a token in
// the URL would land in proxy logs and browser history).
var adminTemplate = template.Must(template.New("admin").Funcs(template.FuncMap{
	"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"when": func(t *time.Time) string { return whenText(t) },
	"age":  func(ms int64) string { return (time.Duration(ms) * time.Millisecond).Round(time.Second).String() },
	"up":   func(s int64) string { return (time.Duration(s) * time.Second).String() },
}).Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="10">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>esign-gateway status</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f2329}
main{max-width:720px;margin:0 auto;padding:24px 16px}section{background:#fff;border-radius:8px;padding:12px 20px;margin:0 0 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px}h2{font-size:16px;margin:8px 0}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;font-size:14px}
th{width:40%;color:#6b7280;font-weight:normal}.bad{color:#dc2626}.ok{color:#16a34a}code{font-size:13px}</style></head><body><main>
<h1>esign-gateway {{.Version}}</h1>
<section><h2>Process</h2><table>
<tr><th>Go</th><td>{{.Build.GoVersion}}</td></tr>
{{if .Build.Revision}}<tr><th>Revision</th><td><code>{{.Build.Revision}}</code>{{if .Build.Modified}} (modified){{end}} {{.Build.RevisionTime}}</td></tr>{{end}}
<tr><th>Started</th><td>{{.StartedAt.Format "2006-01-02 15:04:05 MST"}} (up {{up .UptimeSeconds}})</td></tr>
<tr><th>Token signing keys</th><td>{{range $i, $k := .SigningKeyIDs}}{{if $i}}, {{end}}<code>{{$k}}</code>{{end}}</td></tr>
</table></section>
<section><h2>Store</h2><table>
<tr><th>Kind</th><td>{{.Store.Kind}}</td></tr>
<tr><th>Round trip</th><td>{{if .Store.Error}}<span class="bad">{{.Store.Error}}</span>{{else}}<span class="ok">{{.Store.RoundTripMs}} ms</span>{{end}}</td></tr>
<tr><th>Corps / tasks / files</th><td>{{if .Counts.Error}}<span class="bad">{{.Counts.Error}}</span>{{else}}{{.Counts.Corps}} / {{.Counts.Tasks}} / {{.Counts.Files}}{{end}}</td></tr>
</table></section>
<section><h2>e签宝 (last 5 minutes)</h2><table>
<tr><th>Circuit breaker</th><td class="{{if eq .Upstream.Breaker "closed"}}ok{{else}}bad{{end}}">{{.Upstream.Breaker}}</td></tr>
<tr><th>Last success</th><td>{{when .Upstream.LastSuccess}}</td></tr>
<tr><th>Calls / error rate</th><td>{{.Upstream.Calls}} / {{pct .Upstream.ErrorRate}}</td></tr>
<tr><th>Latency p50 / p99</th><td>{{.Upstream.P50Ms}} ms / {{.Upstream.P99Ms}} ms</td></tr>
{{if .Upstream.TokenExpiry}}<tr><th>Access token expires</th><td>{{when .Upstream.TokenExpiry}}</td></tr>{{end}}
</table></section>
<section><h2>Outbox</h2><table>
{{if .Outbox.Error}}<tr><th>Error</th><td class="bad">{{.Outbox.Error}}</td></tr>
{{else}}<tr><th>Waiting events</th><td>{{.Outbox.Depth}}</td></tr><tr><th>Oldest</th><td>{{age .Outbox.OldestAgeMs}}</td></tr>{{end}}
</table></section>
<p><a href="status">JSON</a> · <a href="../metrics">metrics</a></p>
</main></body></html>`))

func whenText(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// html serves GET /admin/: the status as a page.
func (a *adminPage) html(c *gin.Context) {
	var buf bytes.Buffer
	if err := adminTemplate.Execute(&buf, a.status(c.Request.Context())); err != nil {
		_ = c.Error(err)
		return
	}
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	c.Header("X-Frame-Options", "DENY")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}
