package esigntest

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
)

// The pages stand in for e签宝's H5 signing, identity and console pages:
// plain server-rendered HTML a browser test can click through.
const pageHead = `{{define "head"}}<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - e签宝模拟器</title>
<style>body{font-family:sans-serif;margin:0 auto;max-width:40rem;padding:1rem;line-height:1.5}
button{font-size:1rem;padding:.6rem 1.2rem;margin:.3rem 0}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}.msg{background:#fee;padding:.5rem}</style>
</head><body><h1>{{.Title}}</h1>{{if .Msg}}<p class="msg" role="alert">{{.Msg}}</p>{{end}}{{end}}`

var pages = template.Must(template.New("pages").Parse(pageHead + `
{{define "sign"}}{{template "head" .}}
<p>流程 <code id="flow-id">{{.FlowID}}</code> · 状态 <strong id="flow-status">{{.Status}}</strong></p>
<h2>文档</h2><ul>{{range .Docs}}<li>{{.FileName}}</li>{{end}}</ul>
<h2>签署人</h2><table><tr><th>顺序</th><th>签署人</th><th>主体</th><th>状态</th></tr>
{{range .Signers}}<tr><td>{{.Order}}</td><td>{{.Name}}</td><td>{{.Subject}}</td><td>{{.Status}}</td></tr>{{end}}</table>
{{if .CanAct}}
<form method="post" action="/sign/{{.FlowID}}/sign"><input type="hidden" name="account" value="{{.Account}}">
<button type="submit" id="sign">签署</button></form>
<form method="post" action="/sign/{{.FlowID}}/refuse"><input type="hidden" name="account" value="{{.Account}}">
<label>拒签原因 <input name="reason" value=""></label> <button type="submit" id="refuse">拒签</button></form>
{{end}}</body></html>{{end}}
{{define "identity"}}{{template "head" .}}
<p>认证流程 <code>{{.FlowID}}</code> · {{.Subject}} · 状态 <strong id="identity-status">{{.Status}}</strong></p>
{{if .CanAct}}<form method="post" action="/identity/{{.FlowID}}/complete"><input type="hidden" name="ok" value="1">
<button type="submit" id="complete">完成认证</button></form>
<form method="post" action="/identity/{{.FlowID}}/complete"><input type="hidden" name="ok" value="0">
<button type="submit" id="fail">认证失败</button></form>{{end}}</body></html>{{end}}
{{define "console"}}{{template "head" .}}<p>企业 <strong id="org-name">{{.Subject}}</strong> 的管理控制台。</p>
<p><code>{{.FlowID}}</code></p></body></html>{{end}}`))

type signerRow struct {
	Order                 int
	Name, Subject, Status string
}

type pageData struct {
	Title, Msg, FlowID, Status, Account, Subject string
	CanAct                                       bool
	Docs                                         []flowDoc
	Signers                                      []signerRow
}

var signerStatusText = map[int]string{signerWaiting: "等待签署", signerSigning: "签署中",
	signerSigned: "已签署", signerApproval: "等待审批", signerRefused: "拒签"}

func (s *Server) pageRoutes() {
	s.open.HandleFunc("GET /sign/{flowId}", s.signPage)
	s.open.HandleFunc("POST /sign/{flowId}/{action}", s.signAction)
	s.open.HandleFunc("GET /identity/{flowId}", s.identityPage)
	s.open.HandleFunc("POST /identity/{flowId}/complete", s.identityComplete)
	s.open.HandleFunc("GET /console/{orgId}", s.consolePage)
	s.open.HandleFunc("GET /s/{code}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		long, ok := s.st.short[r.PathValue("code")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, long, http.StatusFound)
	})
}

func render(w http.ResponseWriter, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, d); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) signPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	account, msg := q.Get("account"), q.Get("msg")
	s.mu.Lock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		s.mu.Unlock()
		render(w, http.StatusNotFound, "sign", pageData{Title: "流程不存在"})
		return
	}
	if !participates(f, account, q.Get("organize")) {
		s.mu.Unlock()
		render(w, http.StatusForbidden, "sign", pageData{Title: "无法签署", Msg: errNotParticipant.Message, FlowID: f.ID})
		return
	}
	s.markReadLocked(f, account)
	d := pageData{Title: f.Scene, Msg: msg, FlowID: f.ID, Status: statusText[f.Status], Account: account, Docs: f.Docs}
	for _, sg := range f.Signers {
		row := signerRow{Order: sg.Order, Name: "平台", Subject: "平台", Status: signerStatusText[sg.Status]}
		if p := s.st.persons[sg.Account]; p != nil {
			row.Name, row.Subject = p.Name, p.Name
		}
		if o := s.st.orgs[sg.Authorized]; o != nil {
			row.Subject = o.Name
		}
		if sg.Account == account && (sg.Status == signerSigning || sg.Status == signerApproval) {
			d.CanAct = q.Get("urlType") != "1"
		}
		d.Signers = append(d.Signers, row)
	}
	s.mu.Unlock()
	render(w, http.StatusOK, "sign", d)
}

func (s *Server) signAction(w http.ResponseWriter, r *http.Request) {
	flowID, account := r.PathValue("flowId"), r.PostFormValue("account")
	var err error
	switch r.PathValue("action") {
	case "sign":
		err = s.Sign(flowID, account)
	case "refuse":
		err = s.Refuse(flowID, account, r.PostFormValue("reason"))
	default:
		http.NotFound(w, r)
		return
	}
	back := "/sign/" + url.PathEscape(flowID) + "?" + url.Values{"account": {account}}.Encode()
	if err != nil {
		http.Redirect(w, r, back+"&msg="+url.QueryEscape(errMessage(err)), http.StatusSeeOther)
		return
	}
	s.mu.Lock()
	redirect := s.st.flows[flowID].RedirectURL
	s.mu.Unlock()
	if redirect == "" {
		redirect = back
	}
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

func (s *Server) identityPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.idents[r.PathValue("flowId")]
	if fl == nil {
		render(w, http.StatusNotFound, "identity", pageData{Title: "认证流程不存在"})
		return
	}
	if fl.Status == "INIT" {
		fl.Status = "ING"
	}
	d := pageData{Title: "实名认证", FlowID: fl.ID, Status: fl.Status, CanAct: fl.Status == "ING"}
	if p := s.st.persons[fl.AccountID]; p != nil {
		d.Subject = "个人 " + p.Name
	}
	if o := s.st.orgs[fl.OrgID]; o != nil {
		d.Title, d.Subject = "企业实名认证", "企业 "+o.Name
	}
	render(w, http.StatusOK, "identity", d)
}

func (s *Server) identityComplete(w http.ResponseWriter, r *http.Request) {
	flowID := r.PathValue("flowId")
	if err := s.CompleteIdentity(flowID, r.PostFormValue("ok") == "1"); err != nil {
		render(w, http.StatusConflict, "identity", pageData{Title: "实名认证", Msg: errMessage(err), FlowID: flowID})
		return
	}
	s.mu.Lock()
	redirect := s.st.idents[flowID].RedirectURL
	s.mu.Unlock()
	http.Redirect(w, r, redirect, http.StatusSeeOther)
}

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o := s.st.orgs[r.PathValue("orgId")]
	s.mu.Unlock()
	if o == nil {
		render(w, http.StatusNotFound, "console", pageData{Title: "企业不存在"})
		return
	}
	render(w, http.StatusOK, "console", pageData{Title: "企业控制台", Subject: o.Name, FlowID: o.ID})
}

// errMessage is the user-facing text of an error on a page.
func errMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
