package esign

import "sync"

// budget limits retries to about 20% of calls, so that a struggling e签宝
// is not hit by three times the usual load from retrying GETs.
//
// It is a token bucket counted in tenths: every call deposits 0.2 tokens,
// up to 10; every retry withdraws 1 and is refused if less than 1 is left.
// Over any stretch of time retries are therefore at most 20% of calls plus
// the 10 in the bucket. It starts full, so a fresh client can still ride out
// a short blip.
type budget struct {
	mu     sync.Mutex
	tenths int
}

const (
	budgetDeposit = 2   // 0.2 tokens per call
	budgetCost    = 10  // 1 token per retry
	budgetMax     = 100 // at most 10 tokens saved up
)

func newBudget() budget { return budget{tenths: budgetMax} }

// deposit records a call.
func (b *budget) deposit() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tenths = min(b.tenths+budgetDeposit, budgetMax)
}

// withdraw reports whether a retry is allowed, and pays for it if so.
func (b *budget) withdraw() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tenths < budgetCost {
		return false
	}
	b.tenths -= budgetCost
	return true
}
