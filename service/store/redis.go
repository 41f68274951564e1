package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RedisConfig configures OpenRedis. Zero values mean the documented
// defaults, which are tight on purpose: a dead Redis must fail a request in
// well under a second, not stall it (go-redis defaults allow seconds).
type RedisConfig struct {
	// Addrs: one address is a single node, several are a Cluster, and with
	// MasterName they are Sentinels. Empty means 127.0.0.1:6379.
	Addrs      []string `mapstructure:"addrs"`
	MasterName string   `mapstructure:"master_name"`
	Password   string   `mapstructure:"password"`
	DB         int      `mapstructure:"db"`
	// Prefix starts every key and the pub/sub channel; "" means "esigngw:".
	Prefix       string        `mapstructure:"prefix"`
	DialTimeout  time.Duration `mapstructure:"dial_timeout"`  // 0 means 200ms
	ReadTimeout  time.Duration `mapstructure:"read_timeout"`  // 0 means 100ms
	WriteTimeout time.Duration `mapstructure:"write_timeout"` // 0 means 100ms
	PoolTimeout  time.Duration `mapstructure:"pool_timeout"`  // 0 means 150ms
	// MaxRetries per command: 0 means 1, negative means none.
	MaxRetries int `mapstructure:"max_retries"`
	// Observe, if set, is told about every call (metrics).
	Observe Observer `mapstructure:"-"`
}

// DefaultRedisPrefix is the key prefix when none is configured.
const DefaultRedisPrefix = "esigngw:"

// maxTxAttempts bounds optimistic (WATCH) retries of one update.
const maxTxAttempts = 50

// Redis is the Store shared by several gateway replicas: a single Redis,
// Sentinel or Cluster. Keys that one operation touches together share a
// hash tag, so every script and transaction stays in one Cluster slot.
type Redis struct {
	c       redis.UniversalClient
	p       string
	own     bool // Close closes c
	obs     Observer
	limiter *redis_rate.Limiter
	lua     redisScripts

	closeOnce sync.Once
	closed    chan struct{}
}

// NewRedis returns a Store on c with keys under prefix ("" means
// DefaultRedisPrefix). The caller keeps owning c: Close leaves it open.
func NewRedis(c redis.UniversalClient, prefix string) *Redis {
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	return &Redis{
		c:       c,
		p:       prefix,
		limiter: redis_rate.NewLimiter(c),
		lua:     newRedisScripts(),
		closed:  make(chan struct{}),
	}
}

// OpenRedis connects as cfg says, checks that Redis answers and returns a
// Store that owns its client.
func OpenRedis(cfg RedisConfig) (*Redis, error) {
	c := redis.NewUniversalClient(cfg.options())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("store: redis %v: %w", cfg.Addrs, err)
	}
	r := NewRedis(c, cfg.Prefix)
	r.own, r.obs = true, cfg.Observe
	return r, nil
}

func (cfg RedisConfig) options() *redis.UniversalOptions {
	orDefault := func(d, def time.Duration) time.Duration {
		if d <= 0 {
			return def
		}
		return d
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = 1
	case retries < 0:
		retries = -1 // go-redis: no retries
	}
	return &redis.UniversalOptions{
		Addrs:       cfg.Addrs,
		MasterName:  cfg.MasterName,
		Password:    cfg.Password,
		DB:          cfg.DB,
		DialTimeout: orDefault(cfg.DialTimeout, 200*time.Millisecond),
		// One dial per command attempt: go-redis would otherwise dial five
		// times 100ms apart before failing, and MaxRetries already retries.
		DialerRetries:         1,
		ReadTimeout:           orDefault(cfg.ReadTimeout, 100*time.Millisecond),
		WriteTimeout:          orDefault(cfg.WriteTimeout, 100*time.Millisecond),
		PoolTimeout:           orDefault(cfg.PoolTimeout, 150*time.Millisecond),
		MaxRetries:            retries,
		ContextTimeoutEnabled: true,
	}
}

// Kind returns "redis".
func (r *Redis) Kind() string { return "redis" }

// Ping checks that Redis answers within ctx.
func (r *Redis) Ping(ctx context.Context) (err error) {
	defer r.obs.done(ctx, "Ping", time.Now(), &err)
	return r.fail("ping", r.c.Ping(ctx).Err())
}

// Close ends subscriptions and, if OpenRedis made the client, closes it.
func (r *Redis) Close() error {
	r.closeOnce.Do(func() { close(r.closed) })
	if r.own {
		return r.c.Close()
	}
	return nil
}

// Counts reads the counters bumped on creation. They are approximate: a
// crash between a create and its increment loses one.
func (r *Redis) Counts(ctx context.Context) (_ Counts, err error) {
	defer r.obs.done(ctx, "Counts", time.Now(), &err)
	var corps, tasks, files *redis.StringCmd
	_, err = r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		corps = p.Get(ctx, r.kCount("corps"))
		tasks = p.Get(ctx, r.kCount("tasks"))
		files = p.Get(ctx, r.kCount("files"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return Counts{}, r.fail("counts", err)
	}
	var out Counts
	for dst, cmd := range map[*int64]*redis.StringCmd{&out.Corps: corps, &out.Tasks: tasks, &out.Files: files} {
		v, err := cmd.Int64()
		if err != nil && !errors.Is(err, redis.Nil) {
			return Counts{}, r.fail("counts", err)
		}
		*dst = v
	}
	return out, nil
}

// fail maps redis.Nil to ErrNotFound and names the operation of any other
// error; nil stays nil.
func (r *Redis) fail(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, redis.Nil):
		return ErrNotFound
	default:
		return fmt.Errorf("store: redis %s: %w", op, err)
	}
}

// getJSON reads key into v.
func (r *Redis) getJSON(ctx context.Context, op, key string, v any) error {
	data, err := r.c.Get(ctx, key).Bytes()
	if err != nil {
		return r.fail(op, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("store: corrupt value in %s: %w", key, err)
	}
	return nil
}

// incr bumps an approximate counter after a create has been written. Its
// error is dropped on purpose: the create succeeded, and failing the call
// would make the caller retry something that is already done.
func (r *Redis) incr(ctx context.Context, name string) {
	_ = r.c.Incr(ctx, r.kCount(name)).Err()
}

// watch runs an optimistic transaction on key, retrying with a jittered
// pause while other writers win the race.
func (r *Redis) watch(ctx context.Context, fn func(tx *redis.Tx) error, key string) error {
	for attempt := 1; ; attempt++ {
		err := r.c.Watch(ctx, fn, key)
		if !errors.Is(err, redis.TxFailedErr) || attempt == maxTxAttempts {
			return err
		}
		if err := pause(ctx, jitter(attempt)); err != nil {
			return err
		}
	}
}
