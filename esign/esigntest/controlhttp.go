package esigntest

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// controlRequest is the JSON body of every /_control/ call; each action
// reads the fields it needs.
type controlRequest struct {
	AccountID string `json:"accountId"`
	OrgID     string `json:"orgId"`
	Reason    string `json:"reason"`
	Status    int    `json:"status"`
	OK        bool   `json:"ok"`
	// Scopes an organization grants (POST /_control/grants/{id}).
	Scopes []string `json:"scopes"`
	// OrgName typed on the authorization page (POST /_control/auth-flows/{id}).
	OrgName string `json:"orgName"`
	// Fault fields; latency is a Go duration string such as "250ms".
	PathPrefix string `json:"pathPrefix"`
	Latency    string `json:"latency"`
	Reset      bool   `json:"reset"`
	Malformed  bool   `json:"malformed"`
	Count      int    `json:"count"`
}

type controlFunc func(r *http.Request, req controlRequest) (any, error)

// controlRoutes mirrors the Go control API over HTTP (Config.Control):
//
//	GET    /_control/flows/{flowId}                  -> {flowStatus}
//	POST   /_control/flows/{flowId}/{action}          sign|refuse|markread|finish|revoke|expire
//	POST   /_control/flows/{flowId}/approvals         {orgId, status} -> {approvalFlowId}
//	POST   /_control/approvals/{approvalFlowId}       {status}
//	POST   /_control/identity/{flowId}                {ok}
//	POST   /_control/realname/{id}                    {ok}
//	POST   /_control/auth-flows/{authFlowId}          {ok, orgName, scopes}
//	POST   /_control/faults, DELETE /_control/faults
//	GET    /_control/calls, POST /_control/callbacks/wait
func (s *Server) controlRoutes() {
	c := func(pattern string, fn controlFunc) {
		s.control.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			var req controlRequest
			if err := decodeOptional(r, &req); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": "bad json"})
				return
			}
			data, err := fn(r, req)
			var e *Error
			switch {
			case errors.As(err, &e):
				writeJSON(w, http.StatusConflict, map[string]any{"code": e.Code, "message": e.Message})
			case err != nil:
				writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "message": err.Error()})
			default:
				writeJSON(w, http.StatusOK, map[string]any{"ok": true, "data": data})
			}
		})
	}
	flowID := func(r *http.Request) string { return r.PathValue("flowId") }
	c("GET /_control/flows/{flowId}", func(r *http.Request, _ controlRequest) (any, error) {
		st, ok := s.FlowStatus(flowID(r))
		if !ok {
			return nil, errNoFlow
		}
		return map[string]int{"flowStatus": st}, nil
	})
	actions := map[string]func(*http.Request, controlRequest) error{
		"sign":     func(r *http.Request, q controlRequest) error { return s.Sign(flowID(r), q.AccountID) },
		"refuse":   func(r *http.Request, q controlRequest) error { return s.Refuse(flowID(r), q.AccountID, q.Reason) },
		"markread": func(r *http.Request, q controlRequest) error { return s.MarkRead(flowID(r), q.AccountID) },
		"finish":   func(r *http.Request, _ controlRequest) error { return s.Finish(flowID(r)) },
		"revoke":   func(r *http.Request, q controlRequest) error { return s.Revoke(flowID(r), q.Reason) },
		"expire":   func(r *http.Request, _ controlRequest) error { return s.Expire(flowID(r)) },
	}
	for name, act := range actions {
		c("POST /_control/flows/{flowId}/"+name, func(r *http.Request, q controlRequest) (any, error) {
			return nil, act(r, q)
		})
	}
	c("POST /_control/flows/{flowId}/approvals", func(r *http.Request, q controlRequest) (any, error) {
		id, err := s.AddSealApproval(flowID(r), q.OrgID, q.Status)
		return map[string]string{"approvalFlowId": id}, err
	})
	c("POST /_control/approvals/{id}", func(r *http.Request, q controlRequest) (any, error) {
		return nil, s.SetApprovalStatus(r.PathValue("id"), q.Status)
	})
	c("POST /_control/identity/{flowId}", func(r *http.Request, q controlRequest) (any, error) {
		return nil, s.CompleteIdentity(flowID(r), q.OK)
	})
	c("POST /_control/realname/{id}", func(r *http.Request, q controlRequest) (any, error) {
		return nil, s.SetRealname(r.PathValue("id"), q.OK)
	})
	// The customer organization authorizes the app (what e签宝's own
	// authorization pages do); {id} is its v1 or v3 id or thirdPartyUserId.
	c("POST /_control/grants/{id}", func(r *http.Request, q controlRequest) (any, error) {
		id := r.PathValue("id")
		s.mu.Lock()
		if v1, ok := s.st.thirdIDs[id]; ok {
			id = v1
		}
		s.mu.Unlock()
		return nil, s.Grant(id, q.Scopes...)
	})
	// The transactor on e签宝's authorization page: {ok, orgName, scopes}
	// (scopes omitted: every scope asked for).
	c("POST /_control/auth-flows/{id}", func(r *http.Request, q controlRequest) (any, error) {
		return nil, s.CompleteAuthFlow(r.PathValue("id"), AuthVisit{Agree: q.OK, OrgName: q.OrgName, Scopes: q.Scopes})
	})
	c("POST /_control/faults", func(_ *http.Request, q controlRequest) (any, error) {
		var lat time.Duration
		if q.Latency != "" {
			var err error
			if lat, err = time.ParseDuration(q.Latency); err != nil {
				return nil, err
			}
		}
		s.SetFault(Fault{PathPrefix: q.PathPrefix, Latency: lat, Status: q.Status, Reset: q.Reset,
			Malformed: q.Malformed, Count: q.Count})
		return nil, nil
	})
	c("DELETE /_control/faults", func(*http.Request, controlRequest) (any, error) {
		s.ClearFaults()
		return nil, nil
	})
	c("GET /_control/calls", func(*http.Request, controlRequest) (any, error) { return s.Calls(), nil })
	c("POST /_control/callbacks/wait", func(r *http.Request, _ controlRequest) (any, error) {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		return nil, s.WaitCallbacks(ctx)
	})
	s.control.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{"code": 404, "message": "not found"})
	})
}
