package store

import "github.com/redis/go-redis/v9"

// redisScripts are the Lua scripts a Redis store runs. Each runs by
// EVALSHA and falls back to EVAL when the server does not have it cached
// (after a restart, or on a new Cluster node).
type redisScripts struct {
	delIf, appendLog                   *redis.Script
	placeOrder, useQuota, releaseQuota *redis.Script
	enqueue, claim, ack, retry         *redis.Script
}

func newRedisScripts() redisScripts {
	return redisScripts{
		delIf:        redis.NewScript(luaDelIf),
		appendLog:    redis.NewScript(luaAppendLog),
		placeOrder:   redis.NewScript(luaPlaceOrder),
		useQuota:     redis.NewScript(luaUseQuota),
		releaseQuota: redis.NewScript(luaReleaseQuota),
		enqueue:      redis.NewScript(luaEnqueue),
		claim:        redis.NewScript(luaClaim),
		ack:          redis.NewScript(luaAck),
		retry:        redis.NewScript(luaRetry),
	}
}
