package redistest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterSlots is the number of hash slots in a Redis Cluster.
const clusterSlots = 16384

// StartCluster runs masters cluster-enabled redis-server nodes without
// replicas, splits the slots between them, joins them with CLUSTER MEET,
// and returns their addresses once every node reports cluster_state:ok.
func StartCluster(t testing.TB, masters int) []string {
	t.Helper()
	if masters < 1 {
		t.Fatalf("redistest: a cluster needs at least one master, got %d", masters)
	}
	bin := binary(t)
	ports := freePorts(t, 2*masters) // a client port and a bus port per node
	nodes := make([]*Server, masters)
	addrs := make([]string, masters)
	for i := range nodes {
		s := newServer(t, bin, ports[2*i], []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(ports[2*i+1]),
			"--cluster-node-timeout", "5000",
		})
		if err := s.start(); err != nil {
			t.Fatalf("redistest: start cluster node: %v", err)
		}
		t.Cleanup(s.stop)
		nodes[i], addrs[i] = s, s.Addr()
	}
	if err := join(nodes, ports); err != nil {
		t.Fatalf("redistest: form cluster: %v", err)
	}
	for _, s := range nodes {
		s.mu.Lock()
		exited := s.exited
		s.mu.Unlock()
		if err := waitReady(s.Addr(), exited, clusterOK(masters)); err != nil {
			t.Fatalf("redistest: cluster: %v; log: %s", err, s.log())
		}
	}
	return addrs
}

// join gives each node its share of the slots and a distinct config epoch,
// then introduces every node to the first one.
func join(nodes []*Server, ports []int) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	per := clusterSlots / len(nodes)
	for i, s := range nodes {
		c := redis.NewClient(&redis.Options{Addr: s.Addr()})
		lo, hi := i*per, (i+1)*per-1
		if i == len(nodes)-1 {
			hi = clusterSlots - 1
		}
		err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", lo, hi).Err()
		if err == nil {
			err = c.Do(ctx, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err()
		}
		if err == nil && i > 0 {
			err = c.Do(ctx, "CLUSTER", "MEET", "127.0.0.1", ports[0], ports[1]).Err()
		}
		c.Close()
		if err != nil {
			return fmt.Errorf("node %s: %w", s.Addr(), err)
		}
	}
	return nil
}

// clusterOK is ready when the node sees a healthy cluster of n nodes.
func clusterOK(n int) func(context.Context, *redis.Client) bool {
	want := "cluster_known_nodes:" + strconv.Itoa(n)
	return func(ctx context.Context, c *redis.Client) bool {
		ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		info, err := c.ClusterInfo(ctx).Result()
		return err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, want)
	}
}
