package redistest

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// stealing returns a port picker whose first answer has one port already
// bound by a listener of the test: another process that took the port
// between the probe and redis-server binding it.
func stealing(t *testing.T, steal int) (pick func(testing.TB, int) []int, calls *int) {
	calls = new(int)
	return func(tb testing.TB, n int) []int {
		*calls++
		ports := freePorts(tb, n)
		if *calls == 1 {
			ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[steal])))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ln.Close() })
		}
		return ports
	}, calls
}

// TestStartRetriesATakenPort: a port taken before redis-server binds it
// makes Start try another, and the server it returns answers.
func TestStartRetriesATakenPort(t *testing.T) {
	pick, calls := stealing(t, 0)
	s := start(t, pick)
	if *calls != 2 {
		t.Errorf("picked ports %d times, want 2 (the stolen one, then a free one)", *calls)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestStartClusterRetriesATakenPort: a node's bus port taken before the
// node binds it makes StartCluster start every node again on new ports,
// and the cluster it returns is healthy.
func TestStartClusterRetriesATakenPort(t *testing.T) {
	pick, calls := stealing(t, 3) // the second node's bus port
	addrs := startCluster(t, 2, pick)
	if *calls != 2 {
		t.Errorf("picked ports %d times, want 2 (with a stolen one, then free ones)", *calls)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer c.Close()
	ctx := context.Background()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k").Result(); err != nil || v != "v" {
		t.Fatalf("get: %q %v", v, err)
	}
}
