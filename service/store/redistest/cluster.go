package redistest

import (
	"context"
	"errors"
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
// redis-server cannot be told to pick its own port (0 turns TCP off), so
// ports are probed first; if another process takes one before a node binds
// it, the nodes started so far are stopped and the cluster is started
// again on new ports.
func StartCluster(t testing.TB, masters int) []string {
	t.Helper()
	return startCluster(t, masters, freePorts)
}

// startCluster is StartCluster with the port picker as a parameter.
func startCluster(t testing.TB, masters int, pick func(testing.TB, int) []int) []string {
	t.Helper()
	if masters < 1 {
		t.Fatalf("redistest: a cluster needs at least one master, got %d", masters)
	}
	bin := binary(t)
	for attempt := 1; ; attempt++ {
		nodes, ports, err := startNodes(t, bin, pick(t, 2*masters)) // a client port and a bus port per node
		if err == nil {
			return formCluster(t, nodes, ports)
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatalf("redistest: start cluster node: %v", err)
		}
		t.Logf("redistest: %v; starting the cluster again on other ports", err)
	}
}

// startNodes starts a node for each pair of ports (client, bus); on an
// error it stops the ones it started.
func startNodes(t testing.TB, bin string, ports []int) ([]*Server, []int, error) {
	nodes := make([]*Server, 0, len(ports)/2)
	for i := 0; i < len(ports)/2; i++ {
		s := newServer(t, bin, ports[2*i], []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-port", strconv.Itoa(ports[2*i+1]),
			"--cluster-node-timeout", "5000",
		})
		if err := s.start(); err != nil {
			for _, n := range nodes {
				n.stop()
			}
			return nil, nil, err
		}
		t.Cleanup(s.stop)
		nodes = append(nodes, s)
	}
	return nodes, ports, nil
}

// formCluster joins the nodes and waits until each sees a healthy cluster.
func formCluster(t testing.TB, nodes []*Server, ports []int) []string {
	t.Helper()
	if err := join(nodes, ports); err != nil {
		t.Fatalf("redistest: form cluster: %v", err)
	}
	addrs := make([]string, len(nodes))
	for i, s := range nodes {
		s.mu.Lock()
		exited := s.exited
		s.mu.Unlock()
		if err := waitReady(s.Addr(), exited, clusterOK(len(nodes))); err != nil {
			t.Fatalf("redistest: cluster: %v; log: %s", err, s.log())
		}
		addrs[i] = s.Addr()
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
