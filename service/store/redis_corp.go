package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// subscribeTimeout bounds the wait for Redis to confirm a new subscription.
const subscribeTimeout = 2 * time.Second

// EnsureSecret stores candidate under name unless a secret is there (SETNX)
// and returns whichever secret is stored.
func (r *Redis) EnsureSecret(ctx context.Context, name string, candidate []byte) (_ []byte, err error) {
	defer r.obs.done(ctx, "EnsureSecret", time.Now(), &err)
	key := r.kSecret(name)
	if err := r.c.SetNX(ctx, key, candidate, 0).Err(); err != nil {
		return nil, r.fail("ensure secret", err)
	}
	v, err := r.c.Get(ctx, key).Bytes()
	if err != nil {
		return nil, r.fail("ensure secret", err)
	}
	return v, nil
}

// Corp returns the corp with id, or ErrNotFound.
func (r *Redis) Corp(ctx context.Context, id string) (_ *Corp, err error) {
	defer r.obs.done(ctx, "Corp", time.Now(), &err)
	c := new(Corp)
	if err := r.getJSON(ctx, "get corp", r.kCorp(id), c); err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCorp applies fn to the corp (created if missing) under WATCH/MULTI,
// retrying when another writer changed it first; fn may run several times.
func (r *Redis) UpdateCorp(ctx context.Context, id string, fn func(c *Corp) error) (_ *Corp, err error) {
	var fnErr error
	defer r.obs.doneUpdate(ctx, "UpdateCorp", time.Now(), &err, &fnErr)
	if id == "" {
		return nil, errors.New("store: corp id required")
	}
	key := r.kCorp(id)
	var out *Corp
	var created bool
	err = r.watch(ctx, func(tx *redis.Tx) error {
		c := &Corp{ID: id}
		data, err := tx.Get(ctx, key).Bytes()
		created = errors.Is(err, redis.Nil)
		switch {
		case created:
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(data, c); err != nil {
				return err
			}
		}
		if fnErr = fn(c); fnErr != nil {
			return fnErr
		}
		c.ID = id
		c.UpdatedAt = time.Now().UnixMilli()
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, key, b, 0)
			return nil
		})
		out = c
		return err
	}, key)
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, r.fail("update corp", err)
	}
	if created {
		r.incr(ctx, "corps")
	}
	return out, nil
}

// PublishCorpChange publishes id on the corp-changes channel.
func (r *Redis) PublishCorpChange(ctx context.Context, id string) (err error) {
	defer r.obs.done(ctx, "PublishCorpChange", time.Now(), &err)
	return r.fail("publish corp change", r.c.Publish(ctx, r.channel(), id).Err())
}

// SubscribeCorpChanges subscribes, waits for Redis to confirm, and then
// calls fn on its own goroutine until ctx is done or the store is closed.
// go-redis reconnects and resubscribes after connection loss; each
// resubscription calls fn("") because changes may have been missed.
func (r *Redis) SubscribeCorpChanges(ctx context.Context, fn func(id string)) error {
	ps := r.c.Subscribe(ctx, r.channel())
	first, cancel := context.WithTimeout(ctx, subscribeTimeout)
	defer cancel()
	if _, err := ps.Receive(first); err != nil {
		ps.Close()
		return r.fail("subscribe corp changes", err)
	}
	msgs := ps.ChannelWithSubscriptions()
	go func() {
		defer ps.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case <-r.closed:
				return
			case m, ok := <-msgs:
				if !ok {
					return
				}
				switch m := m.(type) {
				case *redis.Subscription:
					if m.Kind == "subscribe" {
						fn("")
					}
				case *redis.Message:
					fn(m.Payload)
				}
			}
		}
	}()
	return nil
}

// User returns the user, or ErrNotFound.
func (r *Redis) User(ctx context.Context, corpID, userID string) (_ *User, err error) {
	defer r.obs.done(ctx, "User", time.Now(), &err)
	u := new(User)
	if err := r.getJSON(ctx, "get user", r.kUser(corpID, userID), u); err != nil {
		return nil, err
	}
	return u, nil
}

// PutUser stores u with SET NX and returns the stored user, which is u's
// copy only for the first writer.
func (r *Redis) PutUser(ctx context.Context, u *User) (_ *User, err error) {
	defer r.obs.done(ctx, "PutUser", time.Now(), &err)
	if u.CorpID == "" || u.UserID == "" {
		return nil, errors.New("store: user needs corp id and user id")
	}
	stored := *u
	if stored.CreatedAt == 0 {
		stored.CreatedAt = time.Now().UnixMilli()
	}
	data, err := json.Marshal(&stored)
	if err != nil {
		return nil, err
	}
	key := r.kUser(u.CorpID, u.UserID)
	ok, err := r.c.SetNX(ctx, key, data, 0).Result()
	if err != nil {
		return nil, r.fail("put user", err)
	}
	if ok {
		return &stored, nil
	}
	return r.User(ctx, u.CorpID, u.UserID)
}

// SetUserPsnID records a user's v3 psnId; ErrNotFound if there is no user.
// The last writer wins: every writer writes the same id for a person.
func (r *Redis) SetUserPsnID(ctx context.Context, corpID, userID, psnID string) (err error) {
	defer r.obs.done(ctx, "SetUserPsnID", time.Now(), &err)
	u := new(User)
	if err := r.getJSON(ctx, "get user", r.kUser(corpID, userID), u); err != nil {
		return err
	}
	u.PsnID = psnID
	data, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if err := r.c.Set(ctx, r.kUser(corpID, userID), data, 0).Err(); err != nil {
		return r.fail("set user psnId", err)
	}
	return nil
}

// PutFile stores f, replacing a file with the same id.
func (r *Redis) PutFile(ctx context.Context, f *File) (err error) {
	defer r.obs.done(ctx, "PutFile", time.Now(), &err)
	if f.ID == "" {
		return errors.New("store: file id required")
	}
	if f.CreatedAt == 0 {
		f.CreatedAt = time.Now().UnixMilli()
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	key := r.kFile(f.ID)
	created, err := r.c.SetNX(ctx, key, data, 0).Result()
	if err != nil {
		return r.fail("put file", err)
	}
	if created {
		r.incr(ctx, "files")
		return nil
	}
	return r.fail("put file", r.c.Set(ctx, key, data, 0).Err())
}

// File returns the file with id, or ErrNotFound.
func (r *Redis) File(ctx context.Context, id string) (_ *File, err error) {
	defer r.obs.done(ctx, "File", time.Now(), &err)
	f := new(File)
	if err := r.getJSON(ctx, "get file", r.kFile(id), f); err != nil {
		return nil, err
	}
	return f, nil
}
