package esigntest

import (
	"encoding/json"
	"strconv"
	"time"
)

// chinaTime is the zone of e签宝's "yyyy-MM-dd HH:mm:ss" callback fields.
var chinaTime = time.FixedZone("CST", 8*3600)

const dateTimeLayout = "2006-01-02 15:04:05"

func formatTime(t time.Time) string { return t.In(chinaTime).Format(dateTimeLayout) }

// v1 callback bodies (§5.3); field order is what e签宝 documents.
type flowUpdateEvent struct {
	Action              string `json:"action"`
	FlowID              string `json:"flowId"`
	AccountID           string `json:"accountId"`
	AuthorizedAccountID string `json:"authorizedAccountId"`
	ThirdOrderNo        string `json:"thirdOrderNo"`
	Order               int    `json:"order"`
	SignTime            string `json:"signTime"`
	SignResult          int    `json:"signResult"`
	ResultDescription   string `json:"resultDescription"`
	Timestamp           int64  `json:"timestamp"`
	ThirdPartyUserID    string `json:"thirdPartyUserId"`
}

type flowFinishEvent struct {
	Action            string `json:"action"`
	FlowID            string `json:"flowId"`
	BusinessScence    string `json:"businessScence"` // sic
	FlowStatus        string `json:"flowStatus"`
	StatusDescription string `json:"statusDescription"`
	CreateTime        string `json:"createTime"`
	EndTime           string `json:"endTime"`
	Timestamp         int64  `json:"timestamp"`
}

type markReadEvent struct {
	Action           string `json:"action"`
	FlowID           string `json:"flowId"`
	AccountID        string `json:"accountId"`
	ThirdPartyUserID string `json:"thirdPartyUserId"`
	ThirdOrderNo     string `json:"thirdOrderNo"`
	Order            int    `json:"order"`
	ReadTime         string `json:"readTime"`
	Timestamp        int64  `json:"timestamp"`
}

func (s *Server) startLocked(f *flow) error {
	if f.Status != flowDraft {
		return bizErr(1437108, "非草稿状态不允许开启流程")
	}
	if len(f.Signers) == 0 {
		return bizErr(1437110, "流程没有签署区")
	}
	f.Status, f.Started = flowSigning, s.now()
	s.advanceLocked(f)
	return nil
}

// advanceLocked activates the lowest unsigned sign order, lets platform
// signers sign at once, and archives a fully signed flow if autoArchive.
func (s *Server) advanceLocked(f *flow) {
	for f.Status == flowSigning {
		active := -1
		for _, sg := range f.Signers {
			if sg.Status != signerSigned && (active < 0 || sg.Order < active) {
				active = sg.Order
			}
		}
		if active < 0 {
			if f.AutoArchive {
				s.endLocked(f, flowDone, "")
			}
			return
		}
		progressed := false
		for _, sg := range f.Signers {
			if sg.Order != active {
				continue
			}
			if sg.Status == signerWaiting {
				sg.Status = signerSigning
			}
			if sg.Platform && sg.Status == signerSigning {
				sg.Status, sg.SignTime, progressed = signerSigned, s.now(), true
			}
		}
		if !progressed {
			return
		}
	}
}

func (s *Server) archiveLocked(f *flow) error {
	switch f.Status {
	case flowDone:
		return bizErr(1437136, "流程已归档")
	case flowSigning:
	default:
		return errNotStarted
	}
	for _, sg := range f.Signers {
		if sg.Status != signerSigned {
			return bizErr(1437113, "签署区没有全部完成")
		}
	}
	s.endLocked(f, flowDone, "")
	return nil
}

func (s *Server) revokeLocked(f *flow, reason string) error {
	switch f.Status {
	case flowRevoked:
		return bizErr(1437168, "流程已撤销")
	case flowSigning:
	default:
		return bizErr(1437111, "非开启状态不允许撤回流程")
	}
	if reason == "" {
		reason = "撤销"
	}
	s.endLocked(f, flowRevoked, reason)
	return nil
}

// endLocked moves f to a final status and sends SIGN_FLOW_FINISH.
func (s *Server) endLocked(f *flow, status int, desc string) {
	f.Status, f.Desc, f.Ended = status, desc, s.now()
	s.notifyFlowLocked(f, flowFinishEvent{Action: "SIGN_FLOW_FINISH", FlowID: f.ID, BusinessScence: f.Scene,
		FlowStatus: strconv.Itoa(status), StatusDescription: statusText[status], CreateTime: formatTime(f.Created),
		EndTime: formatTime(f.Ended), Timestamp: s.nowMs()})
}

// entriesLocked returns account's sign tasks in f.
func entriesLocked(f *flow, account string) []*flowSigner {
	var out []*flowSigner
	for _, sg := range f.Signers {
		if sg.Account != "" && sg.Account == account {
			out = append(out, sg)
		}
	}
	return out
}

// signLocked completes account's active sign tasks (signStatus 1).
func (s *Server) signLocked(f *flow, account string) error {
	if f.Status != flowSigning {
		return errNotStarted
	}
	entries := entriesLocked(f, account)
	if len(entries) == 0 {
		return errNotParticipant
	}
	var active []*flowSigner
	waiting := false
	for _, sg := range entries {
		switch sg.Status {
		case signerSigning:
			active = append(active, sg)
		case signerApproval:
			waiting = true
		}
	}
	if len(active) == 0 {
		if waiting {
			return paramErr("签署人等待用印审批")
		}
		return paramErr("当前没有该签署人待签署的任务")
	}
	for _, sg := range active {
		sg.Status, sg.SignTime = signerSigned, s.now()
		s.notifyUpdateLocked(f, sg, 2, "签署完成")
	}
	s.advanceLocked(f)
	return nil
}

// refuseLocked records a refusal, which rejects the whole flow (status 7).
func (s *Server) refuseLocked(f *flow, account, reason string) error {
	if f.Status != flowSigning {
		return errNotStarted
	}
	entries := entriesLocked(f, account)
	if len(entries) == 0 {
		return errNotParticipant
	}
	if reason == "" {
		reason = "拒签"
	}
	refused := false
	for _, sg := range entries {
		if sg.Status == signerSigning || sg.Status == signerApproval {
			sg.Status, sg.SignTime, refused = signerRefused, s.now(), true
			s.notifyUpdateLocked(f, sg, 4, reason)
		}
	}
	if !refused {
		return paramErr("当前没有该签署人待签署的任务")
	}
	s.endLocked(f, flowRejected, reason)
	return nil
}

// markReadLocked notes that account opened the flow; the first time,
// while signing, it sends PARTICIPANT_MARKREAD.
func (s *Server) markReadLocked(f *flow, account string) error {
	entries := entriesLocked(f, account)
	if len(entries) == 0 {
		return errNotParticipant
	}
	if f.readers[account] {
		return nil
	}
	f.readers[account] = true
	if f.Status == flowSigning {
		now := s.now()
		s.notifyFlowLocked(f, markReadEvent{Action: "PARTICIPANT_MARKREAD", FlowID: f.ID, AccountID: account,
			ThirdPartyUserID: s.thirdIDLocked(account), ThirdOrderNo: entries[0].ThirdOrderNo,
			Order: entries[0].Order, ReadTime: formatTime(now), Timestamp: now.UnixMilli()})
	}
	return nil
}

func (s *Server) notifyUpdateLocked(f *flow, sg *flowSigner, result int, desc string) {
	s.notifyFlowLocked(f, flowUpdateEvent{Action: "SIGN_FLOW_UPDATE", FlowID: f.ID, AccountID: sg.Account,
		AuthorizedAccountID: sg.Authorized, ThirdOrderNo: sg.ThirdOrderNo, Order: sg.Order,
		SignTime: formatTime(sg.SignTime), SignResult: result, ResultDescription: desc,
		Timestamp: s.nowMs(), ThirdPartyUserID: s.thirdIDLocked(sg.Account)})
}

func (s *Server) thirdIDLocked(account string) string {
	if p := s.st.persons[account]; p != nil {
		return p.ThirdID
	}
	return ""
}

// notifyFlowLocked queues a callback to the flow's noticeDeveloperUrl.
func (s *Server) notifyFlowLocked(f *flow, event any) {
	if f.NoticeURL == "" {
		return
	}
	body, _ := json.Marshal(event)
	s.cb.enqueue(f.ID, f.NoticeURL, body)
}
