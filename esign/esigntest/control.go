package esigntest

import "strings"

// Control API: what a signer, an approver or e签宝 itself would do, for
// tests and the demo. Errors are *Error with the code e签宝 would use.

// Sign completes accountID's active sign tasks (signStatus 1) in the flow.
// When every signer has signed, the flow finishes if autoArchive was set;
// otherwise it stays at 1 until Finish (or PUT .../archive).
func (s *Server) Sign(flowID, accountID string) error {
	return s.withFlow(flowID, func(f *flow) error { return s.signLocked(f, accountID) })
}

// Refuse records accountID's refusal (signStatus 4); the flow becomes 7.
func (s *Server) Refuse(flowID, accountID, reason string) error {
	return s.withFlow(flowID, func(f *flow) error { return s.refuseLocked(f, accountID, reason) })
}

// MarkRead records that accountID opened the flow (PARTICIPANT_MARKREAD
// the first time, while signing).
func (s *Server) MarkRead(flowID, accountID string) error {
	return s.withFlow(flowID, func(f *flow) error { return s.markReadLocked(f, accountID) })
}

// Finish archives a signing flow (status 2) whether or not every task is
// done; it is a test lever, unlike PUT /v1/signflows/{id}/archive.
func (s *Server) Finish(flowID string) error {
	return s.withFlow(flowID, func(f *flow) error {
		switch f.Status {
		case flowSigning:
			s.endLocked(f, flowDone, "")
			return nil
		case flowDone:
			return bizErr(1437136, "流程已归档")
		}
		return errNotStarted
	})
}

// Revoke revokes a signing flow (status 3), as the initiator would.
func (s *Server) Revoke(flowID, reason string) error {
	return s.withFlow(flowID, func(f *flow) error { return s.revokeLocked(f, reason) })
}

// Expire ends a signing flow as if its deadline had passed (status 5).
func (s *Server) Expire(flowID string) error {
	return s.withFlow(flowID, func(f *flow) error {
		if f.Status != flowSigning {
			return errNotStarted
		}
		s.endLocked(f, flowExpired, "")
		return nil
	})
}

// CompleteIdentity ends an identity flow as SUCCESS (making the account or
// organisation real-name verified) or FAIL, and notifies its notifyUrl.
func (s *Server) CompleteIdentity(flowID string, ok bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	fl := s.st.idents[flowID]
	if fl == nil {
		return errNoIdentFlow
	}
	return s.completeIdentityLocked(fl, ok)
}

// AddSealApproval opens a seal approval with status (1 审批中 … 5 终止) for
// orgID's sign task in the flow and returns its approvalFlowId. While it
// is pending the task shows signStatus 3.
func (s *Server) AddSealApproval(flowID, orgID string, status int) (string, error) {
	var id string
	err := s.withFlow(flowID, func(f *flow) (err error) {
		id, err = s.addApprovalLocked(f, orgID, status)
		return err
	})
	return id, err
}

// ConvertFile ends the conversion of a file held at status 4 or 8
// (Config.HoldConversion): 5 when ok, 9 (转换失败) otherwise.
func (s *Server) ConvertFile(fileID string, ok bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.files[fileID]
	if f == nil {
		return errFileMissing
	}
	if f.Status != fileAwaitConvert && f.Status != fileConverting {
		return bizErr(1435002, "参数错误: 文件不在转换中")
	}
	f.Status = fileConvertFailed
	if ok {
		f.Status = fileConverted
	}
	return nil
}

// SetApprovalStatus moves a seal approval to status (1–5).
func (s *Server) SetApprovalStatus(approvalFlowID string, status int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.approvals[approvalFlowID]
	if a == nil {
		return errNoApproval
	}
	return s.setApprovalLocked(a, status)
}

// SetRealname sets realnameStatus of a person account or organisation (v1
// id); a verified one gets its v3 id (see V3ID).
func (s *Server) SetRealname(accountOrOrgID string, ok bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.st.persons[accountOrOrgID]; p != nil {
		s.realnamePersonLocked(p, ok)
		return nil
	}
	if o := s.st.orgs[accountOrOrgID]; o != nil {
		s.realnameOrgLocked(o, ok)
		return nil
	}
	return errNoAccount
}

// FlowStatus reports a flow's status and whether the flow exists.
func (s *Server) FlowStatus(flowID string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(flowID)
	if err != nil {
		return 0, false
	}
	return f.Status, true
}

// SignerStatus reports the signStatus of accountID's first task in the flow.
func (s *Server) SignerStatus(flowID, accountID string) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(flowID)
	if err != nil {
		return 0, false
	}
	if e := entriesLocked(f, accountID); len(e) > 0 {
		return e[0].Status, true
	}
	return 0, false
}

// Calls returns a copy of every request answered so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallCount counts answered requests whose path starts with pathPrefix.
func (s *Server) CallCount(pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if strings.HasPrefix(c.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// Bodies returns the bodies of the API requests answered for method and
// path (exact, e.g. "POST", "/api/v2/signflows/createFlowOneStep"), oldest
// first, whatever their outcome.
func (s *Server) Bodies(method, path string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, c := range s.calls {
		if c.Method == method && c.Path == path && c.Body != nil {
			out = append(out, c.Body)
		}
	}
	return out
}

// ResetCalls forgets recorded calls.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

func (s *Server) withFlow(flowID string, fn func(*flow) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.flowLocked(flowID)
	if err != nil {
		return err
	}
	return fn(f)
}
