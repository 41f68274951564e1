package store

import (
	"bytes"
	"context"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// EnsureSecret returns the secret under name, storing candidate if there is
// none.
func (b *Bolt) EnsureSecret(ctx context.Context, name string, candidate []byte) (_ []byte, err error) {
	defer b.obs.done(ctx, "EnsureSecret", time.Now(), &err)
	var out []byte
	err = b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketSecrets)
		if v := bk.Get([]byte(name)); v != nil {
			out = bytes.Clone(v)
			return errNoChange
		}
		out = bytes.Clone(candidate)
		return bk.Put([]byte(name), candidate)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Corp returns the corp with id, or ErrNotFound.
func (b *Bolt) Corp(ctx context.Context, id string) (_ *Corp, err error) {
	defer b.obs.done(ctx, "Corp", time.Now(), &err)
	c := new(Corp)
	err = b.view(ctx, func(tx *bolt.Tx) error { return getJSON(bucket(tx, bucketCorps), id, c) })
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCorp applies fn to the corp (created if missing) in one transaction.
func (b *Bolt) UpdateCorp(ctx context.Context, id string, fn func(c *Corp) error) (_ *Corp, err error) {
	var fnErr error
	defer b.obs.doneUpdate(ctx, "UpdateCorp", time.Now(), &err, &fnErr)
	if id == "" {
		return nil, errors.New("store: corp id required")
	}
	c := &Corp{ID: id}
	err = b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketCorps)
		if err := getJSON(bk, id, c); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if fnErr = fn(c); fnErr != nil {
			return fnErr
		}
		c.ID = id
		c.UpdatedAt = b.nowMS()
		return putJSON(bk, id, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// PublishCorpChange tells this process's subscribers that corp id changed;
// a Bolt store has no other replicas.
func (b *Bolt) PublishCorpChange(ctx context.Context, id string) (err error) {
	defer b.obs.done(ctx, "PublishCorpChange", time.Now(), &err)
	if err := ctx.Err(); err != nil {
		return err
	}
	b.changes.publish(id)
	return nil
}

// SubscribeCorpChanges registers fn and returns; fn runs on its own
// goroutine until ctx is done or the store is closed.
func (b *Bolt) SubscribeCorpChanges(ctx context.Context, fn func(id string)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.changes.subscribe(ctx, b.closed, fn)
	return nil
}

// User returns the user, or ErrNotFound.
func (b *Bolt) User(ctx context.Context, corpID, userID string) (_ *User, err error) {
	defer b.obs.done(ctx, "User", time.Now(), &err)
	u := new(User)
	err = b.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(bucket(tx, bucketUsers), join(corpID, userID), u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// PutUser stores u unless its key is taken and returns the stored user.
func (b *Bolt) PutUser(ctx context.Context, u *User) (_ *User, err error) {
	defer b.obs.done(ctx, "PutUser", time.Now(), &err)
	if u.CorpID == "" || u.UserID == "" {
		return nil, errors.New("store: user needs corp id and user id")
	}
	stored := *u
	err = b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketUsers)
		if stored.CreatedAt == 0 {
			stored.CreatedAt = b.nowMS()
		}
		ok, err := putFirst(bk, join(u.CorpID, u.UserID), &stored)
		if err == nil && !ok {
			return errNoChange
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &stored, nil
}

// SetUserPsnID records a user's v3 psnId; ErrNotFound if there is no user.
func (b *Bolt) SetUserPsnID(ctx context.Context, corpID, userID, psnID string) (err error) {
	defer b.obs.done(ctx, "SetUserPsnID", time.Now(), &err)
	return b.update(ctx, func(tx *bolt.Tx) error {
		bk := bucket(tx, bucketUsers)
		var u User
		if err := getJSON(bk, join(corpID, userID), &u); err != nil {
			return err
		}
		u.PsnID = psnID
		return putJSON(bk, join(corpID, userID), &u)
	})
}

// PutFile stores f, replacing a file with the same id.
func (b *Bolt) PutFile(ctx context.Context, f *File) (err error) {
	defer b.obs.done(ctx, "PutFile", time.Now(), &err)
	if f.ID == "" {
		return errors.New("store: file id required")
	}
	if f.CreatedAt == 0 {
		f.CreatedAt = b.nowMS()
	}
	return b.update(ctx, func(tx *bolt.Tx) error { return putJSON(bucket(tx, bucketFiles), f.ID, f) })
}

// File returns the file with id, or ErrNotFound.
func (b *Bolt) File(ctx context.Context, id string) (_ *File, err error) {
	defer b.obs.done(ctx, "File", time.Now(), &err)
	f := new(File)
	err = b.view(ctx, func(tx *bolt.Tx) error { return getJSON(bucket(tx, bucketFiles), id, f) })
	if err != nil {
		return nil, err
	}
	return f, nil
}
