package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// pruneEvery and pruneMax bound the lazy sweep of expired FirstSeen keys.
const (
	pruneEvery = time.Minute
	pruneMax   = 1000
)

// PlaceOrder stores o and adds its quantity to the corp's quota in one
// transaction, unless the corp has the order already.
func (b *Bolt) PlaceOrder(ctx context.Context, o *Order) (*Order, bool, error) {
	if o.CorpID == "" || o.OrderID == "" {
		return nil, false, errors.New("store: order needs corp id and order id")
	}
	stored := *o
	created := false
	err := b.update(ctx, func(tx *bolt.Tx) error {
		orders := bucket(tx, bucketOrders)
		if stored.CreatedAt == 0 {
			stored.CreatedAt = b.nowMS()
		}
		ok, err := putFirst(orders, join(o.CorpID, o.OrderID), &stored)
		if err != nil {
			return err
		}
		if !ok {
			return errNoChange
		}
		created = true
		return b.changeQuota(tx, o.CorpID, func(q *Quota) error {
			q.Bought += o.Quantity
			return nil
		})
	})
	if err != nil {
		return nil, false, err
	}
	return &stored, created, nil
}

// Quota returns the corp's quota; a corp without orders has a zero quota.
func (b *Bolt) Quota(ctx context.Context, corpID string) (Quota, error) {
	var q Quota
	err := b.view(ctx, func(tx *bolt.Tx) error {
		err := getJSON(bucket(tx, bucketQuotas), corpID, &q)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return q, err
}

// UseQuota takes n from the corp's quota or returns ErrNoQuota.
func (b *Bolt) UseQuota(ctx context.Context, corpID string, n int64) error {
	if n < 0 {
		return fmt.Errorf("store: negative quota amount %d", n)
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		return b.changeQuota(tx, corpID, func(q *Quota) error {
			if q.Bought-q.Used < n {
				return ErrNoQuota
			}
			q.Used += n
			return nil
		})
	})
}

// ReleaseQuota gives back n taken by UseQuota; used never drops below zero.
func (b *Bolt) ReleaseQuota(ctx context.Context, corpID string, n int64) error {
	if n < 0 {
		return fmt.Errorf("store: negative quota amount %d", n)
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		return b.changeQuota(tx, corpID, func(q *Quota) error {
			q.Used = max(q.Used-n, 0)
			return nil
		})
	})
}

func (b *Bolt) changeQuota(tx *bolt.Tx, corpID string, fn func(q *Quota) error) error {
	bk := bucket(tx, bucketQuotas)
	var q Quota
	if err := getJSON(bk, corpID, &q); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := fn(&q); err != nil {
		return err
	}
	return putJSON(bk, corpID, &q)
}

// FirstSeen records key until ttl has passed (forever if ttl <= 0) and
// reports whether it was new. Expired keys count as unseen and are swept
// lazily, at most once a minute.
func (b *Bolt) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	now := b.nowMS()
	var expiry int64
	if ttl > 0 {
		expiry = now + max(ttl.Milliseconds(), 1)
	}
	fresh := false
	err := b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketSeen)
		if v := bk.Get([]byte(key)); len(v) == 8 && !expired(v, now) {
			return errNoChange
		}
		if err := bk.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(expiry))); err != nil {
			return err
		}
		fresh = true
		return b.pruneSeen(bk, now)
	})
	return fresh, err
}

func expired(v []byte, now int64) bool {
	exp := int64(binary.BigEndian.Uint64(v))
	return exp != 0 && exp <= now
}

// pruneSeen deletes up to pruneMax expired keys, once per pruneEvery.
func (b *Bolt) pruneSeen(bk *bolt.Bucket, now int64) error {
	if now < b.nextPrune.Load() {
		return nil
	}
	b.nextPrune.Store(now + pruneEvery.Milliseconds())
	var dead [][]byte
	c := bk.Cursor()
	for k, v := c.First(); k != nil && len(dead) < pruneMax; k, v = c.Next() {
		if len(v) == 8 && expired(v, now) {
			dead = append(dead, bytes.Clone(k))
		}
	}
	for _, k := range dead {
		if err := bk.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Allow reports whether one more call under key fits in limit per second;
// a Bolt store serves one process, so the limiter lives in memory.
func (b *Bolt) Allow(ctx context.Context, key string, limit int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return b.limiter.Allow(key, limit), nil
}
