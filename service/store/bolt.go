package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Bucket names, one bucket per entity and per index.
const (
	bucketSecrets   = "secrets"
	bucketCorps     = "corps"
	bucketUsers     = "users"     // corpID \x00 userID -> User
	bucketTasks     = "tasks"     // taskID -> Task
	bucketFlows     = "flows"     // flowID -> taskID
	bucketInstances = "instances" // corpID \x00 instanceID \x00 taskID -> ""
	bucketLogs      = "logs"      // taskID \x00 seq -> LogEntry
	bucketLogKeys   = "logkeys"   // taskID \x00 entry key -> ""
	bucketFiles     = "files"
	bucketOrders    = "orders" // corpID \x00 orderID -> Order
	bucketQuotas    = "quotas" // corpID -> Quota
	bucketOutbox    = "outbox" // seq -> boltEvent, oldest first
	bucketOutboxIDs = "outboxids"
)

// BoltOptions configures OpenBolt. The zero value is ready to use.
type BoltOptions struct {
	// Timeout bounds the wait for the file lock another process holds;
	// 0 means 1s.
	Timeout time.Duration
	// Now is the clock for timestamps; nil means time.Now.
	Now func() time.Time
	// Observe, if set, is told about every call (metrics).
	Observe Observer
}

// Bolt is the embedded store: one bbolt file owned by one process. Every
// write is one bbolt transaction, fsync'd before it returns.
type Bolt struct {
	db      *bolt.DB
	now     func() time.Time
	obs     Observer
	changes *fanout

	closeOnce sync.Once
	closed    chan struct{}
}

// OpenBolt opens (creating if needed) the bbolt file at path. If another
// process holds the file, it fails after opts.Timeout.
func OpenBolt(path string, opts BoltOptions) (*Bolt, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("store: %s is locked by another process (is another gateway running on it?): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{
			bucketSecrets, bucketCorps, bucketUsers, bucketTasks, bucketFlows,
			bucketInstances, bucketLogs, bucketLogKeys, bucketFiles, bucketOrders,
			bucketQuotas, bucketOutbox, bucketOutboxIDs,
		} {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return initOutbox(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: init %s: %w", path, err)
	}
	return &Bolt{
		db:      db,
		now:     opts.Now,
		obs:     opts.Observe,
		changes: newFanout(),
		closed:  make(chan struct{}),
	}, nil
}

// Kind returns "embedded".
func (b *Bolt) Kind() string { return "embedded" }

// Ping checks that the file is open.
func (b *Bolt) Ping(ctx context.Context) (err error) {
	defer b.obs.done(ctx, "Ping", time.Now(), &err)
	return b.view(ctx, func(*bolt.Tx) error { return nil })
}

// Close stops subscriptions and closes the file.
func (b *Bolt) Close() error {
	b.closeOnce.Do(func() { close(b.closed) })
	return b.db.Close()
}

// Counts returns how many corps, tasks and files are stored.
func (b *Bolt) Counts(ctx context.Context) (_ Counts, err error) {
	defer b.obs.done(ctx, "Counts", time.Now(), &err)
	var c Counts
	err = b.view(ctx, func(tx *bolt.Tx) error {
		c.Corps = int64(tx.Bucket([]byte(bucketCorps)).Stats().KeyN)
		c.Tasks = int64(tx.Bucket([]byte(bucketTasks)).Stats().KeyN)
		c.Files = int64(tx.Bucket([]byte(bucketFiles)).Stats().KeyN)
		return nil
	})
	return c, err
}

// errNoChange rolls back a write transaction that turned out to change
// nothing, so that it costs no fsync.
var errNoChange = errors.New("store: no change")

func (b *Bolt) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := b.db.Update(fn)
	if errors.Is(err, errNoChange) {
		return nil
	}
	return err
}

func (b *Bolt) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.db.View(fn)
}

func (b *Bolt) nowMS() int64 { return b.now().UnixMilli() }

func bucket(tx *bolt.Tx, name string) *bolt.Bucket { return tx.Bucket([]byte(name)) }

// getJSON decodes the value under key into v, or returns ErrNotFound.
func getJSON(bk *bolt.Bucket, key string, v any) error {
	data := bk.Get([]byte(key))
	if data == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("store: corrupt value in %s: %w", key, err)
	}
	return nil
}

func putJSON(bk *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return bk.Put([]byte(key), data)
}

// join builds a composite key; ids never contain NUL.
// putFirst stores *v under key unless key already holds a value, which is
// then decoded into *v; it reports whether *v was stored. First write wins:
// concurrent creators of one key all end up with the same record.
func putFirst[T any](bk *bolt.Bucket, key string, v *T) (bool, error) {
	var existing T
	err := getJSON(bk, key, &existing)
	if err == nil {
		*v = existing
		return false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	return true, putJSON(bk, key, v)
}

func join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	buf := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			buf = append(buf, 0)
		}
		buf = append(buf, p...)
	}
	return string(buf)
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

// newID returns a random, unguessable id.
func newID() string { return rand.Text() }
