package service

import (
	"context"
	"sync"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Flows reads sign flows: their detail and log, signers, documents, seal
// approvals and signing pages, and binds existing flows to tasks.
type Flows service

// flowKinds are the task kinds backed by an e签宝 sign flow.
var flowKinds = []store.TaskKind{store.KindSignFlow, store.KindStart}

// Detail is GetFlowDetail (both versions): the flow from e签宝, the real
// names of its initiator and initiating organization, and the task's log.
// With Cache.TTL set, the answer is kept that long per task and corp,
// concurrent misses share one read, and any change to the task this replica
// makes or hears of by callback drops it at once. The result is shared and
// must not be modified.
//
// While e签宝 cannot answer (esign.Down), the answer comes from the state
// this replica last read and the store's status and log (staleDetail),
// marked stale in ctx (WithStaleness); with nothing held, e签宝's failure
// stands.
func (s *Flows) Detail(ctx context.Context, taskID string) (*dingtalk.FlowDetail, error) {
	if d, ok := s.cache.flows.get(taskID, caller(ctx).CorpID); ok {
		return d, nil
	}
	d, err := cached(ctx, s.cache, &s.cache.flows, "flow", taskID, s.flowDetail)
	if esign.Down(err) {
		return s.staleDetail(ctx, taskID, err)
	}
	return d, err
}

// SignDetail is GetFlowSignDetail/GetSignDetail: the flow's scene and status
// and each signer's state, cached like Detail. The result is shared and
// must not be modified. While e签宝 cannot answer it answers from held
// state like Detail (staleSignDetail).
func (s *Flows) SignDetail(ctx context.Context, taskID string) (*dingtalk.SignDetail, error) {
	if d, ok := s.cache.signs.get(taskID, caller(ctx).CorpID); ok {
		return d, nil
	}
	d, err := cached(ctx, s.cache, &s.cache.signs, "sign", taskID, s.signDetail)
	if esign.Down(err) {
		return s.staleSignDetail(ctx, taskID, err)
	}
	return d, err
}

// Docs is ListFlowDocs/GetFlowDocs: the signed documents of a finished flow
// (GET /v1/signflows/{flowId}/documents; e签宝 refuses before the end).
// While e签宝 cannot answer, the documents last read are served as long
// as their links work (staleDocs).
func (s *Flows) Docs(ctx context.Context, taskID string) ([]dingtalk.Doc, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	at := s.now()
	docs, err := s.esign.Documents(ctx, t.FlowID)
	if err != nil {
		if esign.Down(err) {
			return s.staleDocs(ctx, t, s.upstreamError("flow_documents", err))
		}
		return nil, s.upstreamError("flow_documents", err)
	}
	out := make([]dingtalk.Doc, len(docs))
	for i, d := range docs {
		out[i] = dingtalk.Doc{FileID: d.FileID, FileName: d.FileName, FileURL: d.FileURL}
	}
	s.holdDocs(ctx, taskID, t.CorpID, at, out)
	return out, nil
}

// flowDetail reads Detail's answer: the flow from e签宝 (GET
// /v1/signflows/{flowId}), the real names of the initiator and the
// initiating organization, and the task's log, which also records each
// signer's state seen in /signers. The task and its log come in one store
// round trip, alongside the e签宝 calls when the task's flow is known
// (flowState).
func (s *core) flowDetail(ctx context.Context, taskID string) (*dingtalk.FlowDetail, error) {
	at := s.now()
	t, logs, flow, signers, err := s.flowState(ctx, taskID)
	if err != nil {
		return nil, err
	}
	logs, err = s.apply(ctx, t, logs, s.reconcile(flow, signers))
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
	s.holdFlow(ctx, taskID, t.CorpID, at, flow, signers, &[2]string{initiator, org})
	out := &dingtalk.FlowDetail{BusinessScene: flow.BusinessScene, FlowStatus: flowStatus(flow.FlowStatus),
		InitiatorAuthorizedName: org, InitiatorName: initiator, Logs: make([]dingtalk.Log, len(logs))}
	for i, l := range logs {
		out.Logs[i] = dingtalk.Log{LogType: l.LogType, OperateDescription: l.Description, OperateTime: l.OperateTime, OperatorAccountName: l.OperatorName}
	}
	return out, nil
}

// reconcile is the change e签宝's state shows: signers that signed or
// refused, the flow's end, and its status. /signers gives no times
// (v1-signflows-signers.md: only the callback has them), so a signature
// found here is stamped when it is noticed; a refusal ends the flow, so it
// and the flow's end carry e签宝's flowEndTime. Callbacks record the same events
// under the same keys, so each appears once whichever arrives first, and
// the ISV hears of it either way.
func (s *core) reconcile(flow *esign.Flow, signers []esign.Signer) change {
	ch := change{status: flow.FlowStatus}
	for _, sg := range signers {
		switch sg.SignStatus {
		case 2:
			ch.entries = append(ch.entries, logEntry(signedKey(sg.SignerAccountID), logSigned, "签署完成", s.nowMs(), sg.SignerName))
		case 4:
			at := flow.FlowEndTime
			if at == 0 {
				at = s.nowMs()
			}
			ch.entries = append(ch.entries, logEntry(refusedKey, logRefused, "拒签", at, sg.SignerName))
		}
	}
	if e, ok := endEntry(flow.FlowStatus, flow.FlowEndTime, flow.FlowDesc); ok {
		ch.entries = append(ch.entries, e)
	}
	return ch
}

// flowAndSigners fetches a flow and its signers from e签宝 at once.
func (s *core) flowAndSigners(ctx context.Context, flowID string) (*esign.Flow, []esign.Signer, error) {
	var (
		wg      sync.WaitGroup
		signers []esign.Signer
		sErr    error
	)
	wg.Go(func() { signers, sErr = s.esign.Signers(ctx, flowID) })
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

// signDetail reads SignDetail's answer: the flow's scene and status and
// each signer's state (GET /v1/signflows/{flowId}/signers).
func (s *core) signDetail(ctx context.Context, taskID string) (*dingtalk.SignDetail, error) {
	t, err := s.task(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, err
	}
	at := s.now()
	flow, signers, err := s.flowAndSigners(ctx, t.FlowID)
	if err != nil {
		return nil, err
	}
	s.holdFlow(ctx, taskID, t.CorpID, at, flow, signers, nil)
	out := &dingtalk.SignDetail{BusinessScene: flow.BusinessScene, FlowStatus: flowStatus(flow.FlowStatus), Signers: make([]dingtalk.SignerState, len(signers))}
	for i, sg := range signers {
		out.Signers[i] = dingtalk.SignerState{SignStatus: sg.SignStatus, SignerName: signerName(sg)}
	}
	return out, nil
}
