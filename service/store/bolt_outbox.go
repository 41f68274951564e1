package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The outbox's buckets besides bucketOutbox (seq -> boltEvent) and
// bucketOutboxIDs (id -> seq). Every operation touches only the entries
// of the keys it works on, so Claim costs the same with 10 or 100k events
// waiting.
const (
	bucketOutboxQ       = "outboxq"       // key \x00 seq -> "": each key's events in order
	bucketOutboxKeys    = "outboxkeys"    // key -> boltKey
	bucketOutboxDue     = "outboxdue"     // due ms (8 bytes) key -> "": live keys by when their head may be claimed
	bucketOutboxCorp    = "outboxcorp"    // corp \x00 key -> "": the keys of a corp
	bucketOutboxDead    = "outboxdead"    // dead-at ms (8 bytes) key -> "": dead keys, oldest first
	bucketOutboxCreated = "outboxcreated" // createdAt ms (8 bytes) seq -> "": live events, for OldestAge
	bucketOutboxMeta    = "outboxmeta"    // "live", "dead" -> counts; "v" -> layout version
)

// boltEvent is an outbox entry: the event and the lease a claimant holds
// on it (ms; 0 or past means free).
type boltEvent struct {
	Event
	LeaseUntil int64 `json:"leaseUntil,omitempty"`
}

// boltKey is the state of one ordering key that has events.
type boltKey struct {
	Corp string `json:"corp"`
	// Due is when the head may be claimed: its NextAt, or the end of the
	// lease someone holds. Unused while Dead.
	Due    int64 `json:"due"`
	Dead   bool  `json:"dead,omitempty"`
	DeadAt int64 `json:"deadAt,omitempty"`
}

// obx is the outbox's buckets in one transaction.
type obx struct {
	ev, ids, q, keys, due, corp, dead, created, meta *bolt.Bucket
}

func outboxOf(tx *bolt.Tx) obx {
	return obx{ev: bucket(tx, bucketOutbox), ids: bucket(tx, bucketOutboxIDs), q: bucket(tx, bucketOutboxQ),
		keys: bucket(tx, bucketOutboxKeys), due: bucket(tx, bucketOutboxDue), corp: bucket(tx, bucketOutboxCorp),
		dead: bucket(tx, bucketOutboxDead), created: bucket(tx, bucketOutboxCreated), meta: bucket(tx, bucketOutboxMeta)}
}

// initOutbox creates the outbox's index buckets and, for a file written
// before they existed, builds them from the events.
func initOutbox(tx *bolt.Tx) error {
	for _, name := range []string{bucketOutboxQ, bucketOutboxKeys, bucketOutboxDue, bucketOutboxCorp,
		bucketOutboxDead, bucketOutboxCreated, bucketOutboxMeta} {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return err
		}
	}
	o := outboxOf(tx)
	if o.meta.Get([]byte("v")) != nil {
		return nil
	}
	c := o.ev.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		r := new(boltEvent)
		if err := json.Unmarshal(v, r); err != nil {
			return err
		}
		if err := o.index(r, bytes.Clone(k)); err != nil {
			return err
		}
	}
	return o.meta.Put([]byte("v"), []byte("2"))
}

func ms8(ms int64) []byte { return u64(uint64(max(ms, 0))) }

func (o obx) qKey(key string, seq []byte) []byte { return append([]byte(key+"\x00"), seq...) }

func (o obx) dueKey(due int64, key string) []byte { return append(ms8(due), key...) }

// head is the seq of key's first event, or nil.
func (o obx) head(key string) []byte {
	prefix := []byte(key + "\x00")
	k, _ := o.q.Cursor().Seek(prefix)
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil
	}
	return bytes.Clone(k[len(prefix):])
}

// seqs are the seqs of key's events in order.
func (o obx) seqs(key string) [][]byte {
	prefix := []byte(key + "\x00")
	var out [][]byte
	c := o.q.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, bytes.Clone(k[len(prefix):]))
	}
	return out
}

func (o obx) event(seq []byte) (*boltEvent, error) {
	r := new(boltEvent)
	return r, getJSON(o.ev, string(seq), r)
}

func (o obx) key(key string) (*boltKey, error) {
	k := new(boltKey)
	if err := getJSON(o.keys, key, k); err != nil {
		return nil, err
	}
	return k, nil
}

// setDue moves a live key to due in the due index.
func (o obx) setDue(key string, k *boltKey, due int64) error {
	if err := o.due.Delete(o.dueKey(k.Due, key)); err != nil {
		return err
	}
	k.Due = due
	if err := o.due.Put(o.dueKey(due, key), nil); err != nil {
		return err
	}
	return putJSON(o.keys, key, k)
}

func (o obx) add(name string, delta int64) error {
	n := int64(0)
	if v := o.meta.Get([]byte(name)); v != nil {
		n = int64(binary.BigEndian.Uint64(v))
	}
	return o.meta.Put([]byte(name), u64(uint64(max(n+delta, 0))))
}

func (o obx) count(name string) int64 {
	if v := o.meta.Get([]byte(name)); v != nil {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

// index adds a stored event r (at seq) to the indexes: its key's queue,
// the key's state, and the live or dead counts.
func (o obx) index(r *boltEvent, seq []byte) error {
	if err := o.q.Put(o.qKey(r.Key, seq), nil); err != nil {
		return err
	}
	k, err := o.key(r.Key)
	switch {
	case err == ErrNotFound:
		k = &boltKey{Corp: r.CorpID, Due: max(r.NextAt, r.LeaseUntil)}
		if err := o.due.Put(o.dueKey(k.Due, r.Key), nil); err != nil {
			return err
		}
		if err := o.corp.Put([]byte(r.CorpID+"\x00"+r.Key), nil); err != nil {
			return err
		}
		if err := putJSON(o.keys, r.Key, k); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if k.Dead {
		// A dead key keeps its order: what comes after waits with it.
		return o.add("dead", 1)
	}
	if err := o.created.Put(append(ms8(r.CreatedAt), seq...), nil); err != nil {
		return err
	}
	return o.add("live", 1)
}

// Enqueue adds e to the outbox (ErrExists if its id is taken). An empty ID
// gets a random one and a zero CreatedAt the current time. An event whose
// key is dead joins it there, behind the events it must follow.
func (b *Bolt) Enqueue(ctx context.Context, e *Event) (err error) {
	defer b.obs.done(ctx, "Enqueue", time.Now(), &err)
	if e.ID == "" {
		e.ID = newID()
	}
	if e.CreatedAt == 0 {
		e.CreatedAt = b.nowMS()
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		if o.ids.Get([]byte(e.ID)) != nil {
			return ErrExists
		}
		n, err := o.ev.NextSequence()
		if err != nil {
			return err
		}
		seq := u64(n)
		if err := o.ids.Put([]byte(e.ID), seq); err != nil {
			return err
		}
		r := &boltEvent{Event: *e}
		if err := putJSON(o.ev, string(seq), r); err != nil {
			return err
		}
		return o.index(r, seq)
	})
}

// Claim leases the head event of up to n keys whose head is due and free,
// earliest due first. It reads only the due index's first entries.
func (b *Bolt) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) (_ []*Event, err error) {
	defer b.obs.done(ctx, "Claim", time.Now(), &err)
	if n <= 0 {
		return nil, nil
	}
	nowMS := now.UnixMilli()
	var out []*Event
	err = b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		var due []string
		c := o.due.Cursor()
		for k, _ := c.First(); k != nil && len(due) < n; k, _ = c.Next() {
			if int64(binary.BigEndian.Uint64(k[:8])) > nowMS {
				break
			}
			due = append(due, string(k[8:]))
		}
		if len(due) == 0 {
			return errNoChange
		}
		for _, key := range due {
			k, err := o.key(key)
			if err != nil {
				return err
			}
			seq := o.head(key)
			if seq == nil { // cannot happen: an empty key has no state
				if err := o.due.Delete(o.dueKey(k.Due, key)); err != nil {
					return err
				}
				continue
			}
			r, err := o.event(seq)
			if err != nil {
				return err
			}
			r.LeaseUntil = nowMS + lease.Milliseconds()
			if err := putJSON(o.ev, string(seq), r); err != nil {
				return err
			}
			if err := o.setDue(key, k, r.LeaseUntil); err != nil {
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

// Ack removes e from the outbox and makes the next event of its key the
// head; acking an event that is gone is not an error.
func (b *Bolt) Ack(ctx context.Context, e *Event) (err error) {
	defer b.obs.done(ctx, "Ack", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		seq := bytes.Clone(o.ids.Get([]byte(e.ID)))
		if seq == nil {
			return errNoChange
		}
		r, err := o.event(seq)
		if err != nil {
			return err
		}
		k, err := o.key(r.Key)
		if err != nil {
			return err
		}
		wasHead := bytes.Equal(o.head(r.Key), seq)
		for _, del := range []struct {
			bk  *bolt.Bucket
			key []byte
		}{{o.ids, []byte(e.ID)}, {o.ev, seq}, {o.q, o.qKey(r.Key, seq)}, {o.created, append(ms8(r.CreatedAt), seq...)}} {
			if err := del.bk.Delete(del.key); err != nil {
				return err
			}
		}
		if err := o.add(map[bool]string{true: "dead", false: "live"}[k.Dead], -1); err != nil {
			return err
		}
		next := o.head(r.Key)
		switch {
		case next == nil:
			return o.dropKey(r.Key, k)
		case wasHead && !k.Dead:
			h, err := o.event(next)
			if err != nil {
				return err
			}
			return o.setDue(r.Key, k, h.NextAt)
		}
		return nil
	})
}

// dropKey forgets a key that has no events left.
func (o obx) dropKey(key string, k *boltKey) error {
	var err error
	if k.Dead {
		err = o.dead.Delete(append(ms8(k.DeadAt), key...))
	} else {
		err = o.due.Delete(o.dueKey(k.Due, key))
	}
	if err != nil {
		return err
	}
	if err := o.corp.Delete([]byte(k.Corp + "\x00" + key)); err != nil {
		return err
	}
	return o.keys.Delete([]byte(key))
}

// Retry releases e's lease and schedules it at next, counting the attempt;
// e is updated to what is stored.
func (b *Bolt) Retry(ctx context.Context, e *Event, next time.Time, lastErr string) (err error) {
	defer b.obs.done(ctx, "Retry", time.Now(), &err)
	return b.reschedule(ctx, e, next, &lastErr)
}

// Defer releases e's lease and schedules it at next without counting an
// attempt (it was not tried).
func (b *Bolt) Defer(ctx context.Context, e *Event, next time.Time) (err error) {
	defer b.obs.done(ctx, "Defer", time.Now(), &err)
	return b.reschedule(ctx, e, next, nil)
}

// reschedule is Retry (lastErr set) or Defer (nil).
func (b *Bolt) reschedule(ctx context.Context, e *Event, next time.Time, lastErr *string) error {
	return b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		seq := bytes.Clone(o.ids.Get([]byte(e.ID)))
		if seq == nil {
			return ErrNotFound
		}
		r, err := o.event(seq)
		if err != nil {
			return err
		}
		if lastErr != nil {
			r.Attempts++
			r.LastError = *lastErr
		}
		r.NextAt, r.LeaseUntil = next.UnixMilli(), 0
		if err := putJSON(o.ev, string(seq), r); err != nil {
			return err
		}
		*e = r.Event
		k, err := o.key(r.Key)
		if err != nil {
			return err
		}
		if k.Dead || !bytes.Equal(o.head(r.Key), seq) {
			return nil
		}
		return o.setDue(r.Key, k, r.NextAt)
	})
}

// Bury moves e's key aside as dead, counting the attempt that failed with
// reason: e and every later event of its key stay stored, in order, but
// are no longer claimed until Revive. e is updated to what is stored.
func (b *Bolt) Bury(ctx context.Context, e *Event, reason string, now time.Time) (err error) {
	defer b.obs.done(ctx, "Bury", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		seq := bytes.Clone(o.ids.Get([]byte(e.ID)))
		if seq == nil {
			return ErrNotFound
		}
		r, err := o.event(seq)
		if err != nil {
			return err
		}
		r.Attempts++
		r.LastError, r.LeaseUntil = reason, 0
		if err := putJSON(o.ev, string(seq), r); err != nil {
			return err
		}
		*e = r.Event
		k, err := o.key(r.Key)
		if err != nil || k.Dead {
			return err
		}
		if err := o.due.Delete(o.dueKey(k.Due, r.Key)); err != nil {
			return err
		}
		k.Dead, k.DeadAt = true, now.UnixMilli()
		if err := o.dead.Put(append(ms8(k.DeadAt), r.Key...), nil); err != nil {
			return err
		}
		if err := putJSON(o.keys, r.Key, k); err != nil {
			return err
		}
		return o.move(r.Key, true)
	})
}

// move takes a key's events out of (dead) or back into (!dead) the live
// counts and the created index.
func (o obx) move(key string, dead bool) error {
	seqs := o.seqs(key)
	for _, seq := range seqs {
		r, err := o.event(seq)
		if err != nil {
			return err
		}
		ck := append(ms8(r.CreatedAt), seq...)
		if dead {
			err = o.created.Delete(ck)
		} else {
			err = o.created.Put(ck, nil)
		}
		if err != nil {
			return err
		}
	}
	n := int64(len(seqs))
	if !dead {
		n = -n
	}
	if err := o.add("live", -n); err != nil {
		return err
	}
	return o.add("dead", n)
}

// DeadEvents lists up to n events of dead keys, the longest dead first and
// each key's events in order; DeadAt says when the key died.
func (b *Bolt) DeadEvents(ctx context.Context, n int) (_ []*Event, err error) {
	defer b.obs.done(ctx, "DeadEvents", time.Now(), &err)
	var out []*Event
	err = b.view(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		c := o.dead.Cursor()
		for k, _ := c.First(); k != nil && len(out) < n; k, _ = c.Next() {
			at := int64(binary.BigEndian.Uint64(k[:8]))
			for _, seq := range o.seqs(string(k[8:])) {
				if len(out) >= n {
					break
				}
				r, err := o.event(seq)
				if err != nil {
					return err
				}
				ev := r.Event
				ev.DeadAt = at
				out = append(out, &ev)
			}
		}
		return nil
	})
	return out, err
}

// Revive makes events due again at now with their attempts reset: the
// dead keys and the waiting (not leased) keys that sel picks. It returns
// how many keys it changed.
func (b *Bolt) Revive(ctx context.Context, sel Revival, now time.Time) (n int, err error) {
	defer b.obs.done(ctx, "Revive", time.Now(), &err)
	nowMS := now.UnixMilli()
	err = b.update(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		n = 0
		for _, key := range o.selected(sel) {
			changed, err := o.revive(key, nowMS, sel.CorpID != "" || sel.EventID != "")
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		if n == 0 {
			return errNoChange
		}
		return nil
	})
	return n, err
}

// selected are the keys sel names: the key of an event, the keys of a
// corp, or every dead key.
func (o obx) selected(sel Revival) []string {
	var keys []string
	switch {
	case sel.EventID != "":
		if seq := o.ids.Get([]byte(sel.EventID)); seq != nil {
			if r, err := o.event(seq); err == nil {
				keys = append(keys, r.Key)
			}
		}
	case sel.CorpID != "":
		prefix := []byte(sel.CorpID + "\x00")
		c := o.corp.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, string(k[len(prefix):]))
		}
	default:
		c := o.dead.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			keys = append(keys, string(k[8:]))
		}
	}
	return keys
}

// revive makes key's head due at now with no attempts counted, if the key
// is dead, or (when waiting too) if its head waits and nobody holds it.
func (o obx) revive(key string, nowMS int64, waiting bool) (bool, error) {
	k, err := o.key(key)
	if err != nil {
		return false, err
	}
	seq := o.head(key)
	if seq == nil {
		return false, nil
	}
	r, err := o.event(seq)
	if err != nil {
		return false, err
	}
	switch {
	case k.Dead:
		if err := o.dead.Delete(append(ms8(k.DeadAt), key...)); err != nil {
			return false, err
		}
		if err := o.move(key, false); err != nil {
			return false, err
		}
		k.Dead, k.DeadAt = false, 0
		k.Due = nowMS
		if err := o.due.Put(o.dueKey(nowMS, key), nil); err != nil {
			return false, err
		}
		if err := putJSON(o.keys, key, k); err != nil {
			return false, err
		}
	case waiting && r.LeaseUntil <= nowMS && r.NextAt > nowMS:
		if err := o.setDue(key, k, nowMS); err != nil {
			return false, err
		}
	default:
		return false, nil
	}
	r.Attempts, r.NextAt = 0, nowMS
	return true, putJSON(o.ev, string(seq), r)
}

// OutboxStats counts the live and dead events and the age of the oldest
// live one.
func (b *Bolt) OutboxStats(ctx context.Context, now time.Time) (_ OutboxStats, err error) {
	defer b.obs.done(ctx, "OutboxStats", time.Now(), &err)
	var st OutboxStats
	err = b.view(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		st.Depth, st.Dead = o.count("live"), o.count("dead")
		if k, _ := o.created.Cursor().First(); k != nil {
			st.OldestAge = max(now.UnixMilli()-int64(binary.BigEndian.Uint64(k[:8])), 0)
		}
		return nil
	})
	return st, err
}
