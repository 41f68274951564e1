package store

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/redis/go-redis/v9"
)

// Key layout. A {hash tag} groups the keys one operation touches together,
// so that in a Cluster they share a slot:
//
//	<p>{corp:<id>}              corp JSON
//	<p>{corp:<id>}:user:<uid>   user JSON
//	<p>{corp:<id>}:quota        hash bought, used
//	<p>{corp:<id>}:order:<oid>  order JSON          (PlaceOrder: order + quota)
//	<p>{task:<id>}              task JSON
//	<p>{task:<id>}:log          list of entry JSON  (AppendLog: log + logkeys)
//	<p>{task:<id>}:logkeys      set of entry keys
//	<p>flow:<flowId>            task id            (index, own slot)
//	<p>inst:{corp:<id>}:<inst>  set of task ids    (index)
//	<p>file:<id>                file JSON
//	<p>secret:<name>            secret bytes
//	<p>seen:<key>               FirstSeen marker with PX ttl
//	<p>allow:<key>              GCRA state (redis_rate adds its own "rate:" in front)
//	<p>count:<name>             approximate totals
//	<p>{outbox}:...             the whole outbox, see redis_outbox.go
//	<p>corp-changes             pub/sub channel
func (r *Redis) kSecret(name string) string { return r.p + "secret:" + name }
func (r *Redis) corpTag(id string) string   { return r.p + "{corp:" + id + "}" }
func (r *Redis) kCorp(id string) string     { return r.corpTag(id) }
func (r *Redis) kUser(corpID, userID string) string {
	return r.corpTag(corpID) + ":user:" + userID
}
func (r *Redis) kQuota(corpID string) string { return r.corpTag(corpID) + ":quota" }
func (r *Redis) kOrder(corpID, orderID string) string {
	return r.corpTag(corpID) + ":order:" + orderID
}
func (r *Redis) kTask(id string) string    { return r.p + "{task:" + id + "}" }
func (r *Redis) kLog(id string) string     { return r.kTask(id) + ":log" }
func (r *Redis) kLogKeys(id string) string { return r.kTask(id) + ":logkeys" }
func (r *Redis) kFlow(flowID string) string {
	return r.p + "flow:" + flowID
}
func (r *Redis) kInstance(corpID, instanceID string) string {
	return r.p + "inst:{corp:" + corpID + "}:" + instanceID
}
func (r *Redis) kFile(id string) string    { return r.p + "file:" + id }
func (r *Redis) kAllow(key string) string  { return r.p + "allow:" + key }
func (r *Redis) kCount(name string) string { return r.p + "count:" + name }
func (r *Redis) kOutbox(part string) string {
	return r.p + "{outbox}:" + part
}
func (r *Redis) channel() string { return r.p + "corp-changes" }

// jitter is a random pause that grows with the attempt, capped at 10ms.
func jitter(attempt int) time.Duration {
	return rand.N(min(time.Duration(attempt)*time.Millisecond, 10*time.Millisecond)) + time.Millisecond/10
}

// pause waits d or until ctx is done.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redisScripts are the Lua scripts a Redis store runs. Each runs by
// EVALSHA and falls back to EVAL when the server does not have it cached
// (after a restart, or on a new Cluster node).
type redisScripts struct {
	delIf, swapIf, appendLog           *redis.Script
	placeOrder, useQuota, releaseQuota *redis.Script
	enqueue, claim, ack, retry         *redis.Script
	bury, revive, dead                 *redis.Script
}

func newRedisScripts() redisScripts {
	return redisScripts{
		delIf:        redis.NewScript(luaDelIf),
		swapIf:       redis.NewScript(luaSwapIf),
		appendLog:    redis.NewScript(luaAppendLog),
		placeOrder:   redis.NewScript(luaPlaceOrder),
		useQuota:     redis.NewScript(luaUseQuota),
		releaseQuota: redis.NewScript(luaReleaseQuota),
		enqueue:      redis.NewScript(luaEnqueue),
		claim:        redis.NewScript(luaClaim),
		ack:          redis.NewScript(luaAck),
		retry:        redis.NewScript(luaRetry),
		bury:         redis.NewScript(luaBury),
		revive:       redis.NewScript(luaRevive),
		dead:         redis.NewScript(luaDead),
	}
}
