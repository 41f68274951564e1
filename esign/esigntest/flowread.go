package esigntest

import (
	"net/http"
	"net/url"
	"time"
)

var (
	errNotParticipant = bizErr(1437114, "当前用户不是流程参与人")
	errNotStarted     = bizErr(1437103, "流程未开启")
	errNotFinished    = bizErr(1437518, "流程非签署完成状态，不允许下载文档")
)

// statusText is the flowDesc / statusDescription of each flow status.
var statusText = map[int]string{
	flowDraft: "草稿", flowSigning: "签署中", flowDone: "完成", flowRevoked: "撤销",
	4: "终止", flowExpired: "过期", flowRejected: "拒签",
}

// msOrNil is epoch milliseconds, or null for a moment not reached yet.
func msOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func (s *Server) flowDetail(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		return nil, err
	}
	desc := f.Desc
	if desc == "" {
		desc = statusText[f.Status]
	}
	return map[string]any{
		"flowId": f.ID, "appId": s.cfg.AppID, "businessScene": f.Scene, "flowStatus": f.Status,
		"flowDesc": desc, "flowStartTime": msOrNil(f.Started),
		"flowEndTime":        msOrNil(f.Ended),
		"initiatorAccountId": f.Initiator, "initiatorAuthorizedAccountId": f.InitiatorOrg,
		"autoArchive": f.AutoArchive, "signValidity": f.SignValidity,
		"contractValidity": f.ContractValid, "contractRemind": f.ContractRemind,
		"configInfo": map[string]string{"noticeDeveloperUrl": f.NoticeURL, "noticeType": f.NoticeType,
			"redirectUrl": f.RedirectURL, "signPlatform": f.SignPlatform},
	}, nil
}

func (s *Server) flowSigners(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		return nil, err
	}
	list := make([]map[string]any, 0, len(f.Signers))
	for _, sg := range f.Signers {
		m := map[string]any{"signOrder": sg.Order, "signStatus": sg.Status, "thirdOrderNo": sg.ThirdOrderNo,
			"signerAccountId": sg.Account, "signerName": "", "signerRealName": false,
			"signerAuthorizedAccountId": sg.Authorized, "signerAuthorizedAccountName": "",
			"signerAuthorizedAccountRealName": false, "signerAuthorizedAccountType": 0}
		if p := s.st.persons[sg.Account]; p != nil {
			m["signerName"], m["signerRealName"] = p.Name, p.Realname
			m["signerAuthorizedAccountName"], m["signerAuthorizedAccountRealName"] = p.Name, p.Realname
		}
		if o := s.st.orgs[sg.Authorized]; o != nil {
			m["signerAuthorizedAccountName"], m["signerAuthorizedAccountRealName"] = o.Name, o.Realname
			m["signerAuthorizedAccountType"] = 1
		}
		if sg.Platform {
			m["signerAuthorizedAccountType"] = 1
		}
		list = append(list, m)
	}
	return map[string]any{"signers": list}, nil
}

func (s *Server) flowDocuments(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		return nil, err
	}
	if f.Status != flowDone {
		return nil, errNotFinished
	}
	docs := make([]map[string]any, 0, len(f.Docs))
	for _, d := range f.Docs {
		docs = append(docs, map[string]any{"fileId": d.FileID, "fileName": d.FileName,
			"fileUrl": s.ossURL(r, "download", d.FileID, f.ID), "ctType": nil, "ctRescindStatus": nil,
			"flowId": nil, "ctRescindProcessId": nil, "fileFlowRelationBeanList": nil})
	}
	return map[string]any{"docs": docs}, nil
}

// participates reports whether account signs in f, for orgID when it is
// neither empty (own tasks) nor "0" (self and every org represented).
func participates(f *flow, account, orgID string) bool {
	for _, sg := range f.Signers {
		if sg.Account == account && (orgID == "" || orgID == "0" || sg.Authorized == orgID) {
			return true
		}
	}
	return false
}

func (s *Server) executeURL(r *http.Request) (any, error) {
	q := r.URL.Query()
	account, orgID, urlType := q.Get("accountId"), q.Get("organizeId"), q.Get("urlType")
	if urlType == "" {
		urlType = "0"
	}
	if urlType != "0" && urlType != "1" {
		return nil, paramErr("urlType取值错误")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(r.PathValue("flowId"))
	if err != nil {
		return nil, err
	}
	if account == "" {
		return nil, paramErr("accountId不能为空")
	}
	if !participates(f, account, orgID) {
		return nil, errNotParticipant
	}
	if f.Status != flowSigning && !(urlType == "1" && f.Status == flowDone) {
		return nil, errNotStarted
	}
	v := url.Values{"account": {account}, "urlType": {urlType}}
	if orgID != "" {
		v.Set("organize", orgID)
	}
	long := s.baseURL(r) + "/sign/" + f.ID + "?" + v.Encode()
	return map[string]string{"url": long, "shortUrl": s.shortLocked(r, long)}, nil
}
