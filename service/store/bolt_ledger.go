package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// PlaceOrder stores o and adds its quantity to the corp's quota in one
// transaction, unless the corp has the order already: both or neither.
// ErrQuotaOverflow when the total would pass MaxQuota.
func (b *Bolt) PlaceOrder(ctx context.Context, o *Order) (_ *Order, _ bool, err error) {
	defer b.obs.done(ctx, "PlaceOrder", time.Now(), &err)
	if o.CorpID == "" || o.OrderID == "" {
		return nil, false, errors.New("store: order needs corp id and order id")
	}
	if o.Quantity < 0 {
		return nil, false, fmt.Errorf("store: negative order quantity %d", o.Quantity)
	}
	stored := *o
	created := false
	err = b.update(ctx, func(tx *bolt.Tx) error {
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
		return b.changeQuota(tx, o.CorpID, func(q *Quota) error {
			if o.Quantity > MaxQuota-q.Bought { // q.Bought is in [0, MaxQuota]
				return ErrQuotaOverflow // rolls the order back with it
			}
			q.Bought += o.Quantity
			created = true
			return nil
		})
	})
	if err != nil {
		return nil, false, err
	}
	return &stored, created, nil
}

// Quota returns the corp's quota; a corp without orders has a zero quota.
func (b *Bolt) Quota(ctx context.Context, corpID string) (_ Quota, err error) {
	defer b.obs.done(ctx, "Quota", time.Now(), &err)
	var q Quota
	err = b.view(ctx, func(tx *bolt.Tx) error {
		err := getJSON(bucket(tx, bucketQuotas), corpID, &q)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return q, err
}

// UseQuota takes n from the corp's quota or returns ErrNoQuota.
func (b *Bolt) UseQuota(ctx context.Context, corpID string, n int64) (err error) {
	defer b.obs.done(ctx, "UseQuota", time.Now(), &err)
	if n < 0 {
		return fmt.Errorf("store: negative quota amount %d", n)
	}
	return b.update(ctx, func(tx *bolt.Tx) error {
		return b.changeQuota(tx, corpID, func(q *Quota) error {
			if n > q.Bought-q.Used { // 0 <= used <= bought: no overflow
				return ErrNoQuota
			}
			q.Used += n
			return nil
		})
	})
}

// ReleaseQuota gives back n taken by UseQuota; used never drops below zero.
func (b *Bolt) ReleaseQuota(ctx context.Context, corpID string, n int64) (err error) {
	defer b.obs.done(ctx, "ReleaseQuota", time.Now(), &err)
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
