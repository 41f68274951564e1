package store

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// boltEvent is an outbox entry: the event and the lease a claimant holds
// on it (ms; 0 or past means free).
type boltEvent struct {
	Event
	LeaseUntil int64 `json:"leaseUntil,omitempty"`
}

// Enqueue adds e to the outbox (ErrExists if its id is taken). An empty ID
// gets a random one and a zero CreatedAt the current time.
func (b *Bolt) Enqueue(ctx context.Context, e *Event) (err error) {
	defer b.obs.done("Enqueue", time.Now(), &err)
	if e.ID == "" {
		e.ID = newID()
	}
	if e.CreatedAt == 0 {
		e.CreatedAt = b.nowMS()
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		ids, events := bucket(tx, bucketOutboxIDs), bucket(tx, bucketOutbox)
		if ids.Get([]byte(e.ID)) != nil {
			return ErrExists
		}
		seq, err := events.NextSequence()
		if err != nil {
			return err
		}
		if err := ids.Put([]byte(e.ID), u64(seq)); err != nil {
			return err
		}
		return putJSON(events, string(u64(seq)), &boltEvent{Event: *e})
	})
}

// Claim leases up to max deliverable events. Entries are kept in enqueue
// order, so the first entry met for a key is that key's head.
func (b *Bolt) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) (_ []*Event, err error) {
	defer b.obs.done("Claim", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	nowMS := now.UnixMilli()
	var out []*Event
	err = b.update(ctx, func(tx *bolt.Tx) error {
		events := bucket(tx, bucketOutbox)
		heads := make(map[string]bool)
		var claimed []string
		var leased []*boltEvent
		c := events.Cursor()
		for k, v := c.First(); k != nil && len(leased) < n; k, v = c.Next() {
			r := new(boltEvent)
			if err := json.Unmarshal(v, r); err != nil {
				return err
			}
			if heads[r.Key] {
				continue
			}
			heads[r.Key] = true
			if r.NextAt > nowMS || r.LeaseUntil > nowMS {
				continue
			}
			r.LeaseUntil = nowMS + lease.Milliseconds()
			claimed = append(claimed, string(k))
			leased = append(leased, r)
		}
		if len(leased) == 0 {
			return errNoChange
		}
		for i, r := range leased {
			if err := putJSON(events, claimed[i], r); err != nil {
				return err
			}
			ev := r.Event
			out = append(out, &ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Ack removes e from the outbox; acking an event that is gone is not an
// error.
func (b *Bolt) Ack(ctx context.Context, e *Event) (err error) {
	defer b.obs.done("Ack", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		ids := bucket(tx, bucketOutboxIDs)
		seq := bytes.Clone(ids.Get([]byte(e.ID)))
		if seq == nil {
			return errNoChange
		}
		if err := ids.Delete([]byte(e.ID)); err != nil {
			return err
		}
		return bucket(tx, bucketOutbox).Delete(seq)
	})
}

// Retry releases e's lease and schedules it at next, counting the attempt;
// e is updated to what is stored.
func (b *Bolt) Retry(ctx context.Context, e *Event, next time.Time, lastErr string) (err error) {
	defer b.obs.done("Retry", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		seq := bucket(tx, bucketOutboxIDs).Get([]byte(e.ID))
		if seq == nil {
			return ErrNotFound
		}
		events := bucket(tx, bucketOutbox)
		r := new(boltEvent)
		if err := getJSON(events, string(seq), r); err != nil {
			return err
		}
		r.Attempts++
		r.NextAt = next.UnixMilli()
		r.LastError = lastErr
		r.LeaseUntil = 0
		if err := putJSON(events, string(seq), r); err != nil {
			return err
		}
		*e = r.Event
		return nil
	})
}

// OutboxStats counts the outbox and the age of its oldest event.
func (b *Bolt) OutboxStats(ctx context.Context, now time.Time) (_ OutboxStats, err error) {
	defer b.obs.done("OutboxStats", time.Now(), &err)
	var st OutboxStats
	err = b.view(ctx, func(tx *bolt.Tx) error {
		events := bucket(tx, bucketOutbox)
		oldest := int64(-1)
		c := events.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var r boltEvent
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			st.Depth++
			if oldest < 0 || r.CreatedAt < oldest {
				oldest = r.CreatedAt
			}
		}
		if oldest >= 0 {
			st.OldestAge = max(now.UnixMilli()-oldest, 0)
		}
		return nil
	})
	return st, err
}
