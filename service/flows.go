package service

import (
	"context"
	"strconv"
	"sync"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// flowKinds are the task kinds backed by an e签宝 sign flow.
var flowKinds = []store.TaskKind{store.KindSignFlow, store.KindStart}

// flowDetail reads GetFlowDetail's answer (FlowDetail, in flowcache.go,
// caches it): the flow from e签宝 (GET /v1/signflows/{flowId}), the real
// names of the initiator and the initiating organization, and the task's
// log, which also records each signer's state seen in /signers. The task
// and its log come in one store round trip, alongside the e签宝 calls when
// the task's flow is known (flowState).
func (s *Service) flowDetail(ctx context.Context, taskID string) (*dingtalk.FlowDetail, error) {
	t, logs, flow, signers, err := s.flowState(ctx, taskID)
	if err != nil {
		return nil, err
	}
	logs, err = s.reconcile(ctx, t, flow, signers, logs)
	if err != nil {
		return nil, err
	}
	initiator, err := s.personName(ctx, flow.InitiatorAccountID)
	if err != nil {
		return nil, err
	}
	org, err := s.orgName(ctx, flow.InitiatorAuthorizedAccountID)
	if err != nil {
		return nil, err
	}
	out := &dingtalk.FlowDetail{BusinessScene: flow.BusinessScene, FlowStatus: flow.FlowStatus,
		InitiatorAuthorizedName: org, InitiatorName: initiator, Logs: make([]dingtalk.Log, len(logs))}
	for i, l := range logs {
		out.Logs[i] = dingtalk.Log{LogType: l.LogType, OperateDescription: l.Description, OperateTime: l.OperateTime, OperatorAccountName: l.OperatorName}
	}
	return out, nil
}

// flowAndSigners fetches a flow and its signers from e签宝 at once.
func (s *Service) flowAndSigners(ctx context.Context, flowID string) (*esign.Flow, []esign.Signer, error) {
	var (
		wg      sync.WaitGroup
		signers []esign.Signer
		sErr    error
	)
	wg.Add(1)
	go func() { defer wg.Done(); signers, sErr = s.esign.Signers(ctx, flowID) }()
	flow, fErr := s.esign.Flow(ctx, flowID)
	wg.Wait()
	if fErr != nil {
		return nil, nil, s.upstreamError("flow_detail", fErr)
	}
	if sErr != nil {
		return nil, nil, s.upstreamError("flow_signers", sErr)
	}
	return flow, signers, nil
}

// reconcile records what e签宝 shows but the log lacks: signers that signed
// or refused, and the flow's end, then the task's status. Callbacks record
// the same events under the same keys, so each appears once whichever
// arrives first.
func (s *Service) reconcile(ctx context.Context, t *store.Task, flow *esign.Flow, signers []esign.Signer, logs []store.LogEntry) ([]store.LogEntry, error) {
	have := make(map[string]bool, len(logs))
	for _, l := range logs {
		have[l.Key] = true
	}
	var add []store.LogEntry
	for _, sg := range signers {
		switch sg.SignStatus {
		case 2:
			add = append(add, logEntry(signKey(sg.SignerAccountID, 2), logSigned, "签署完成", s.nowMs(), sg.SignerName))
		case 4:
			add = append(add, logEntry(signKey(sg.SignerAccountID, 4), logRefused, "拒签", s.nowMs(), sg.SignerName))
		}
	}
	if e, ok := endEntry(flow.FlowStatus, flow.FlowEndTime, flow.FlowDesc); ok {
		add = append(add, e)
	}
	changed := false
	for _, e := range add {
		if have[e.Key] {
			continue
		}
		// Seen here before any callback: the ISV still hears of it.
		if err := s.pushChange(ctx, t, e, flow.FlowStatus, nil); err != nil {
			return nil, err
		}
		if _, err := s.store.AppendLog(ctx, t.ID, e); err != nil {
			return nil, storeError(err, nil)
		}
		changed = true
	}
	// A finished task never moves (setStatus), so it needs no write.
	if t.Status != flow.FlowStatus && !t.Finished {
		if _, err := s.setStatus(ctx, t.ID, flow.FlowStatus); err != nil {
			return nil, err
		}
	}
	if !changed {
		return logs, nil
	}
	logs, err := s.store.Logs(ctx, t.ID)
	return logs, storeError(err, nil)
}

// setStatus moves a task to status, never moving a finished flow back.
func (s *Service) setStatus(ctx context.Context, taskID string, status int) (*store.Task, error) {
	t, err := s.store.UpdateTask(ctx, taskID, func(t *store.Task) error {
		if t.Finished {
			return nil
		}
		t.Status = status
		t.Finished = finalStatus(status)
		t.UpdatedAt = s.nowMs()
		return nil
	})
	return t, storeError(err, errTaskNotFound)
}

// finalStatus reports whether an e签宝 flowStatus ends the flow: every
// status from 2 (完成) up is an end (撤销, 终止, 过期, 删除, 拒签, 解约).
func finalStatus(st int) bool { return st >= 2 }

func signKey(accountID string, status int) string {
	return "signer:" + accountID + ":" + strconv.Itoa(status)
}

// endEntry is the log entry for a flow's end state.
func endEntry(status int, at int64, desc string) (store.LogEntry, bool) {
	key := "flow:end:" + strconv.Itoa(status)
	switch status {
	case 2:
		return logEntry(key, logFinished, "签署完成，流程结束", at, ""), true
	case 3:
		return logEntry(key, logRevoked, nonEmpty(desc, "流程已撤销"), at, ""), true
	case 5:
		return logEntry(key, logExpired, "流程已过期", at, ""), true
	case 7:
		return logEntry(key, logRefused, nonEmpty(desc, "流程被拒签"), at, ""), true
	case 4:
		return logEntry(key, logFinished, nonEmpty(desc, "流程已终止"), at, ""), true
	}
	return store.LogEntry{}, false
}

func nonEmpty(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// signDetail reads GetFlowSignDetail/GetSignDetail's answer (SignDetail,
// in flowcache.go, caches it): the flow's scene and status and each
// signer's state (GET /v1/signflows/{flowId}/signers).
func (s *Service) signDetail(ctx context.Context, taskID string) (*dingtalk.SignDetail, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	flow, signers, err := s.flowAndSigners(ctx, t.FlowID)
	if err != nil {
		return nil, err
	}
	out := &dingtalk.SignDetail{BusinessScene: flow.BusinessScene, FlowStatus: flow.FlowStatus, Signers: make([]dingtalk.SignerState, len(signers))}
	for i, sg := range signers {
		name := sg.SignerName
		if sg.SignerAuthorizedAccountType == 1 && sg.SignerAuthorizedAccountName != "" {
			name = sg.SignerAuthorizedAccountName + "（" + sg.SignerName + "）"
		}
		out.Signers[i] = dingtalk.SignerState{SignStatus: sg.SignStatus, SignerName: name}
	}
	return out, nil
}

// FlowDocs is ListFlowDocs/GetFlowDocs: the signed documents of a finished
// flow (GET /v1/signflows/{flowId}/documents; e签宝 refuses before the end).
func (s *Service) FlowDocs(ctx context.Context, taskID string) ([]dingtalk.Doc, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	docs, err := s.esign.Documents(ctx, t.FlowID)
	if err != nil {
		return nil, s.upstreamError("flow_documents", err)
	}
	out := make([]dingtalk.Doc, len(docs))
	for i, d := range docs {
		out[i] = dingtalk.Doc{FileID: d.FileID, FileName: d.FileName, FileURL: d.FileURL}
	}
	return out, nil
}
