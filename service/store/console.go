package store

// The operator console's records and queries (service.Console): an audit
// log of admin actions, each corp's delivery health, and paged scans of
// corps and tasks. They live apart from the gateway's own records so that
// the console adds no work to the request path beyond one write per
// delivery attempt.

// AuditEntry is one admin action.
type AuditEntry struct {
	At        int64  `json:"at"`  // ms
	Who       string `json:"who"` // "console:<name>" or "bearer"
	Action    string `json:"action"`
	Target    string `json:"target,omitempty"`
	Outcome   string `json:"outcome"`
	RequestID string `json:"requestId"`
}

// MaxAudit is how many audit entries a store keeps; older ones are dropped.
const MaxAudit = 10000

// Delivery is how a corp's noticeUrl has been answering.
type Delivery struct {
	LastSuccess int64 `json:"lastSuccess,omitempty"` // ms
	LastFailure int64 `json:"lastFailure,omitempty"` // ms
	// Failures counts the failed attempts since the last success.
	Failures  int    `json:"failures,omitempty"`
	LastError string `json:"lastError,omitempty"`
}

// CorpRow is a corp as the console lists it.
type CorpRow struct {
	Corp     Corp
	Quota    Quota
	Delivery Delivery
}

// CorpQuery pages through the corps in id order. Prefix keeps the ids
// that start with it; Keep, if set, the rows it accepts. A page reads at
// most Budget corps (0 means 20·Limit), so a filter that matches little
// still answers quickly, with Next to go on from.
type CorpQuery struct {
	After  string
	Prefix string
	Limit  int
	Budget int
	Keep   func(*CorpRow) bool
}

// TaskQuery pages through the tasks. Keep picks the tasks; a page reads at
// most Budget tasks (0 means 20000).
type TaskQuery struct {
	After  string
	Limit  int
	Budget int
	Keep   func(*Task) bool
}

func (q *CorpQuery) defaults() {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Budget <= 0 {
		q.Budget = 20 * q.Limit
	}
}

func (q *TaskQuery) defaults() {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Budget <= 0 {
		q.Budget = 20000
	}
}
