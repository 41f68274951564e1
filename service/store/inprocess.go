package store

// The Bolt store serves one process, so its corp-change fan-out lives in
// memory.

import (
	"context"
	"sync"
)

// fanout delivers corp changes to in-process subscribers. Each subscriber
// has its own unbounded queue so that a slow one never makes a publisher
// block or drop a revocation.
type fanout struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	mu    sync.Mutex
	queue []string
	wake  chan struct{}
}

func newFanout() *fanout {
	return &fanout{subs: make(map[*subscriber]struct{})}
}

func (f *fanout) publish(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		s.mu.Lock()
		s.queue = append(s.queue, id)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// subscribe registers fn before it returns, then calls it on one goroutine
// until ctx is done or stop is closed.
func (f *fanout) subscribe(ctx context.Context, stop <-chan struct{}, fn func(id string)) {
	s := &subscriber{wake: make(chan struct{}, 1)}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()

	go func() {
		defer func() {
			f.mu.Lock()
			delete(f.subs, s)
			f.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-stop:
				return
			case <-s.wake:
			}
			s.mu.Lock()
			ids := s.queue
			s.queue = nil
			s.mu.Unlock()
			for _, id := range ids {
				fn(id)
			}
		}
	}()
}
