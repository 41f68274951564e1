package service

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// heldMax bounds the flows whose last good read is held; past it half are
// shed. One with two signers and one document link takes about 630 bytes
// of heap (measured), so the bound is about 7 MB.
const heldMax = 10000

// docURLLifetime is how long e签宝's signed-document links work
// (v1-signflows-documents.md: fileUrl 有效期60分钟), counted from when the
// read that got them began, so it never overstates it. Held links are
// served only while docURLMargin of it is left for the client to download.
const (
	docURLLifetime = 60 * time.Minute
	docURLMargin   = 5 * time.Minute
)

// Staleness is how a read says it answered from held state because e签宝
// could not answer: the api layer turns it into response headers. A
// request carries at most one (WithStaleness).
type Staleness struct {
	// Stale is set when the answer came from held state.
	Stale bool
	// Age is how long ago the gateway last heard about the flow from
	// e签宝, by a read or a callback.
	Age time.Duration
}

type stalenessKey struct{}

// WithStaleness returns a context whose reads record in the returned
// Staleness whether they answered from held state.
func WithStaleness(ctx context.Context) (context.Context, *Staleness) {
	st := &Staleness{}
	return context.WithValue(ctx, stalenessKey{}, st), st
}

func markStale(ctx context.Context, age time.Duration) {
	if st, ok := ctx.Value(stalenessKey{}).(*Staleness); ok {
		st.Stale, st.Age = true, max(age, 0)
	}
}

// heldFlow is the last state of a flow that e签宝 gave this replica: what
// never changes (subject, initiator names) and what callbacks move on
// (signers' states, overlaid from the task's log when served). Status and
// log are not held here: the store has them, kept current by callbacks on
// every replica.
type heldFlow struct {
	corp    string
	scene   string
	named   bool // initiator names known (a GetFlowDetail read succeeded)
	person  string
	org     string
	signers []heldSigner
	docs    []dingtalk.Doc // nil: never read
	docsAt  time.Time
	at      time.Time // when the last good read of the flow began
}

type heldSigner struct {
	accountID, name string
	status          int
}

// heldFlows maps task ids to their heldFlow. Entries are replaced whole,
// never modified, so a reader may keep one.
type heldFlows struct {
	mu sync.RWMutex
	m  map[string]*heldFlow
}

func (h *heldFlows) get(taskID, corp string) (*heldFlow, bool) {
	h.mu.RLock()
	f, ok := h.m[taskID]
	h.mu.RUnlock()
	if !ok || f.corp != corp {
		return nil, false
	}
	return f, true
}

// update replaces taskID's entry by fn's change of a copy of it (or of a
// new one for corp). It returns the new entry when what it holds changed
// (not only when it was read), else nil.
func (h *heldFlows) update(taskID, corp string, fn func(*heldFlow)) *heldFlow {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*heldFlow{}
	}
	next := &heldFlow{corp: corp}
	old, had := h.m[taskID]
	if had && old.corp == corp {
		*next = *old
	} else if len(h.m) >= heldMax {
		for k := range h.m { // map order is random: shed an arbitrary half
			if len(h.m) <= heldMax/2 {
				break
			}
			delete(h.m, k)
		}
	}
	fn(next)
	h.m[taskID] = next
	if had && old.corp == corp && sameContent(old, next) {
		return nil
	}
	return next
}

// sameContent reports whether a and b hold the same answers (their read
// times aside).
func sameContent(a, b *heldFlow) bool {
	return a.scene == b.scene && a.named == b.named && a.person == b.person && a.org == b.org &&
		slices.Equal(a.signers, b.signers) && slices.Equal(a.docs, b.docs) && (a.docs == nil) == (b.docs == nil)
}

// holdFlow records a good read of a flow and its signers begun at at.
func (s *core) holdFlow(ctx context.Context, taskID, corp string, at time.Time, flow *esign.Flow, signers []esign.Signer, names *[2]string) {
	held := make([]heldSigner, len(signers))
	for i, sg := range signers {
		held[i] = heldSigner{accountID: sg.SignerAccountID, name: signerName(sg), status: sg.SignStatus}
	}
	s.keepHeld(ctx, taskID, s.held.update(taskID, corp, func(f *heldFlow) {
		if at.Before(f.at) {
			return // a later read already landed
		}
		f.scene, f.signers, f.at = flow.BusinessScene, held, at
		if names != nil {
			f.named, f.person, f.org = true, names[0], names[1]
		}
	}))
}

// holdDocs records a good read of a flow's documents begun at at.
func (s *core) holdDocs(ctx context.Context, taskID, corp string, at time.Time, docs []dingtalk.Doc) {
	s.keepHeld(ctx, taskID, s.held.update(taskID, corp, func(f *heldFlow) {
		if at.Before(f.docsAt) {
			return
		}
		f.docs, f.docsAt = docs, at
		if at.After(f.at) {
			f.at = at
		}
	}))
}

// heldRecord is a heldFlow as the store keeps it (store.Task.Held), so
// that every replica, and this one after a restart, can answer from it.
// It is written when what it holds changes, not on every read, so its At
// may be older than the last read: ages from it are overstated, never
// understated.
type heldRecord struct {
	Scene   string             `json:"scene,omitempty"`
	Named   bool               `json:"named,omitempty"`
	Person  string             `json:"person,omitempty"`
	Org     string             `json:"org,omitempty"`
	Signers []heldSignerRecord `json:"signers,omitempty"`
	Docs    []dingtalk.Doc     `json:"docs,omitempty"`
	HasDocs bool               `json:"hasDocs,omitempty"`
	At      int64              `json:"at"` // ms
	DocsAt  int64              `json:"docsAt,omitempty"`
}

type heldSignerRecord struct {
	AccountID string `json:"accountId"`
	Name      string `json:"name"`
	Status    int    `json:"status"`
}

// errHeldNewer: the store holds a later read than the one to keep.
var errHeldNewer = errors.New("a later read of the flow is kept")

// keepHeld writes f, if set (a change), into its task in the store. A
// failed write costs only the stale answers of other replicas: the read
// that held f goes on.
func (s *core) keepHeld(ctx context.Context, taskID string, f *heldFlow) {
	if f == nil {
		return
	}
	r := heldRecord{Scene: f.scene, Named: f.named, Person: f.person, Org: f.org, Docs: f.docs, HasDocs: f.docs != nil,
		At: f.at.UnixMilli(), DocsAt: f.docsAt.UnixMilli()}
	for _, sg := range f.signers {
		r.Signers = append(r.Signers, heldSignerRecord{AccountID: sg.accountID, Name: sg.name, Status: sg.status})
	}
	raw, err := json.Marshal(r)
	if err == nil {
		_, err = s.store.UpdateTask(context.WithoutCancel(ctx), taskID, func(t *store.Task) error {
			var old heldRecord
			if len(t.Held) > 0 && json.Unmarshal(t.Held, &old) == nil && old.At > r.At {
				return errHeldNewer
			}
			t.Held = raw
			return nil
		})
	}
	if err != nil && !errors.Is(err, errHeldNewer) {
		s.log.Warn("could not keep a flow's last read in the store", slog.String("task", taskID), slog.Any("error", err))
	}
}

// heldOf is the held state of t: this replica's, else the store's.
func (s *core) heldOf(t *store.Task) (*heldFlow, bool) {
	if f, ok := s.held.get(t.ID, t.CorpID); ok {
		return f, true
	}
	var r heldRecord
	if len(t.Held) == 0 || json.Unmarshal(t.Held, &r) != nil {
		return nil, false
	}
	f := &heldFlow{corp: t.CorpID, scene: r.Scene, named: r.Named, person: r.Person, org: r.Org,
		at: time.UnixMilli(r.At), docsAt: time.UnixMilli(r.DocsAt)}
	for _, sg := range r.Signers {
		f.signers = append(f.signers, heldSigner{accountID: sg.AccountID, name: sg.Name, status: sg.Status})
	}
	if r.HasDocs {
		f.docs = append([]dingtalk.Doc{}, r.Docs...)
	}
	return f, true
}

// heldState is what a stale answer is built from: the held read, and the
// task and its log from the store. ok is false when e签宝's failure upErr
// should stand: nothing is held for the caller, or the store cannot say.
func (s *core) heldState(ctx context.Context, taskID string, need func(*heldFlow) bool) (*heldFlow, *store.Task, []store.LogEntry, bool) {
	t, logs, err := s.taskAndLogs(ctx, taskID, flowKinds...)
	if err != nil {
		return nil, nil, nil, false
	}
	f, ok := s.heldOf(t)
	if !ok || !need(f) {
		return nil, nil, nil, false
	}
	return f, t, logs, true
}

// heardAt is when the gateway last heard about the flow from e签宝: its
// last good read here, or the latest entry of the task's log (a callback
// or a read on any replica). Log times are e签宝's event times, no later
// than when the gateway heard of them, so the age is never understated.
// (The task's UpdatedAt is not used: stores stamp it on their own clock.)
func heardAt(f *heldFlow, logs []store.LogEntry) time.Time {
	at := f.at
	for _, l := range logs {
		if ms := time.UnixMilli(l.OperateTime); ms.After(at) {
			at = ms
		}
	}
	return at
}

// staleDetail is GetFlowDetail from held state: the held subject and
// names, the stored status and log.
func (s *core) staleDetail(ctx context.Context, taskID string, upErr error) (*dingtalk.FlowDetail, error) {
	f, t, logs, ok := s.heldState(ctx, taskID, func(f *heldFlow) bool { return f.named })
	if !ok {
		return nil, upErr
	}
	out := &dingtalk.FlowDetail{BusinessScene: f.scene, FlowStatus: flowStatus(t.Status),
		InitiatorAuthorizedName: f.org, InitiatorName: f.person, Logs: make([]dingtalk.Log, len(logs))}
	for i, l := range logs {
		out.Logs[i] = dingtalk.Log{LogType: l.LogType, OperateDescription: l.Description, OperateTime: l.OperateTime, OperatorAccountName: l.OperatorName}
	}
	markStale(ctx, s.now().Sub(heardAt(f, logs)))
	return out, nil
}

// staleSignDetail is GetSignDetail from held state: the held signers with
// what the log has learnt since (a signature by account; a refusal by the
// name or account its entry names), and the stored status.
func (s *core) staleSignDetail(ctx context.Context, taskID string, upErr error) (*dingtalk.SignDetail, error) {
	f, t, logs, ok := s.heldState(ctx, taskID, func(*heldFlow) bool { return true })
	if !ok {
		return nil, upErr
	}
	keys := make(map[string]bool, len(logs))
	refusedBy := ""
	for _, l := range logs {
		keys[l.Key] = true
		if l.Key == refusedKey {
			refusedBy = l.OperatorName
		}
	}
	out := &dingtalk.SignDetail{BusinessScene: f.scene, FlowStatus: flowStatus(t.Status), Signers: make([]dingtalk.SignerState, len(f.signers))}
	for i, sg := range f.signers {
		st := sg.status
		switch {
		case keys[signedKey(sg.accountID)]:
			st = 2
		case refusedBy != "" && st != 2 && (refusedBy == sg.accountID || refusedBy == sg.name):
			st = 4
		}
		out.Signers[i] = dingtalk.SignerState{SignStatus: st, SignerName: sg.name}
	}
	markStale(ctx, s.now().Sub(heardAt(f, logs)))
	return out, nil
}

// staleDocs is GetFlowDocs from held state, for a task the caller already
// found in the store: the documents last read, while their download links
// still work (docURLLifetime less docURLMargin); an expired link would be
// an answer that cannot be used, so then e签宝's failure stands. A flow's
// signed documents do not change once it ends, which is the only time
// e签宝 gives them.
func (s *core) staleDocs(ctx context.Context, t *store.Task, upErr error) ([]dingtalk.Doc, error) {
	f, ok := s.heldOf(t)
	now := s.now()
	if !ok || f.docs == nil || now.Sub(f.docsAt) > docURLLifetime-docURLMargin {
		return nil, upErr
	}
	markStale(ctx, now.Sub(f.docsAt))
	return f.docs, nil
}

// signerName is how GetSignDetail names a signer: "org（agent）" when
// signing for an organization.
func signerName(sg esign.Signer) string {
	if sg.SignerAuthorizedAccountType == 1 && sg.SignerAuthorizedAccountName != "" {
		return sg.SignerAuthorizedAccountName + "（" + sg.SignerName + "）"
	}
	return sg.SignerName
}
