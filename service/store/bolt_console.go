package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The console's buckets, created on first write (a view of a file that
// has none reads as empty).
const (
	bucketAudit    = "audit"    // seq (8 bytes) -> AuditEntry
	bucketDelivery = "delivery" // corpID -> Delivery
)

// AppendAudit records an admin action, dropping the oldest beyond MaxAudit.
func (b *Bolt) AppendAudit(ctx context.Context, e AuditEntry) (err error) {
	defer b.obs.done(ctx, "AppendAudit", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucketAudit))
		if err != nil {
			return err
		}
		seq, err := bk.NextSequence()
		if err != nil {
			return err
		}
		v, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if err := bk.Put(u64(seq), v); err != nil {
			return err
		}
		if seq <= MaxAudit {
			return nil
		}
		keep := u64(seq - MaxAudit)
		c := bk.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k, keep) <= 0; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}

// AuditLog returns up to n audit entries, the newest first.
func (b *Bolt) AuditLog(ctx context.Context, n int) (_ []AuditEntry, err error) {
	defer b.obs.done(ctx, "AuditLog", time.Now(), &err)
	var out []AuditEntry
	err = b.view(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketAudit)
		if bk == nil {
			return nil
		}
		c := bk.Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// NoteDelivery records the outcome of an attempt to push to corpID's
// noticeUrl at ms at.
func (b *Bolt) NoteDelivery(ctx context.Context, corpID string, ok bool, at int64, lastErr string) (err error) {
	defer b.obs.done(ctx, "NoteDelivery", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucketDelivery))
		if err != nil {
			return err
		}
		var d Delivery
		if err := getJSON(bk, corpID, &d); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		d.note(ok, at, lastErr)
		return putJSON(bk, corpID, &d)
	})
}

func (d *Delivery) note(ok bool, at int64, lastErr string) {
	if ok {
		d.LastSuccess, d.Failures = at, 0
		return
	}
	d.LastFailure, d.LastError = at, lastErr
	d.Failures++
}

// ListCorps returns a page of corps in id order with their quota and
// delivery health, and the id to go on after ("" at the end).
func (b *Bolt) ListCorps(ctx context.Context, q CorpQuery) (_ []CorpRow, next string, err error) {
	defer b.obs.done(ctx, "ListCorps", time.Now(), &err)
	q.defaults()
	var out []CorpRow
	err = b.view(ctx, func(tx *bolt.Tx) error {
		corps, quotas, dels := bucket(tx, bucketCorps), bucket(tx, bucketQuotas), bucket(tx, bucketDelivery)
		c := corps.Cursor()
		start := []byte(q.Prefix)
		if q.After > q.Prefix {
			start = []byte(q.After)
		}
		k, v := c.Seek(start)
		if k != nil && string(k) == q.After {
			k, v = c.Next()
		}
		for read := 0; k != nil && bytes.HasPrefix(k, []byte(q.Prefix)); k, v = c.Next() {
			if len(out) == q.Limit || read == q.Budget {
				next = string(k)
				break
			}
			read++
			var r CorpRow
			if err := json.Unmarshal(v, &r.Corp); err != nil {
				return err
			}
			if err := getJSON(quotas, r.Corp.ID, &r.Quota); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			if dels != nil {
				if err := getJSON(dels, r.Corp.ID, &r.Delivery); err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
			}
			if q.Keep == nil || q.Keep(&r) {
				out = append(out, r)
			}
		}
		// next names the first corp not read; going on "after" it would
		// skip it, so step back to the last one read.
		if next != "" {
			k, _ := c.Prev()
			next = string(k)
		}
		return nil
	})
	return out, next, err
}

// CorpEvents lists the events waiting or dead of corpID's tasks, each
// task's in order; DeadAt is set on the dead ones.
func (b *Bolt) CorpEvents(ctx context.Context, corpID string) (_ []*Event, err error) {
	defer b.obs.done(ctx, "CorpEvents", time.Now(), &err)
	var out []*Event
	err = b.view(ctx, func(tx *bolt.Tx) error {
		o := outboxOf(tx)
		prefix := []byte(corpID + "\x00")
		c := o.corp.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			key := string(k[len(prefix):])
			st, err := o.key(key)
			if err != nil {
				return err
			}
			for _, seq := range o.seqs(key) {
				r, err := o.event(seq)
				if err != nil {
					return err
				}
				ev := r.Event
				if st.Dead {
					ev.DeadAt = st.DeadAt
				}
				out = append(out, &ev)
			}
		}
		return nil
	})
	return out, err
}

// FindTasks returns a page of the tasks q keeps, in id order, and the id
// to go on after ("" at the end).
func (b *Bolt) FindTasks(ctx context.Context, q TaskQuery) (_ []*Task, next string, err error) {
	defer b.obs.done(ctx, "FindTasks", time.Now(), &err)
	q.defaults()
	var out []*Task
	err = b.view(ctx, func(tx *bolt.Tx) error {
		c := bucket(tx, bucketTasks).Cursor()
		k, v := c.Seek([]byte(q.After))
		if k != nil && q.After != "" && string(k) == q.After {
			k, v = c.Next()
		}
		read := 0
		for ; k != nil; k, v = c.Next() {
			if len(out) == q.Limit || read == q.Budget {
				k, _ = c.Prev()
				next = string(k)
				break
			}
			read++
			t := new(Task)
			if err := json.Unmarshal(v, t); err != nil {
				return err
			}
			if q.Keep == nil || q.Keep(t) {
				out = append(out, t)
			}
		}
		return nil
	})
	return out, next, err
}
