package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"esign-gateway/service/store/redistest"
)

// BenchmarkClaim claims a batch of 50 due events while 10k or 100k others
// wait for a later retry (a corp whose noticeUrl is down). The waiting
// events must not slow the claim (issue 13 item 6).
//
//	go test ./service/store/ -run '^$' -bench Claim -benchtime 200x
func BenchmarkClaim(b *testing.B) {
	for _, waiting := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("bolt/waiting=%d", waiting), func(b *testing.B) {
			s, err := OpenBolt(filepath.Join(b.TempDir(), "gw.db"), BoltOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			s.db.NoSync = true // filling; the claims below are what is measured
			benchClaim(b, s, waiting)
		})
		b.Run(fmt.Sprintf("redis/waiting=%d", waiting), func(b *testing.B) {
			s, err := OpenRedis(RedisConfig{Addrs: []string{redistest.Start(b).Addr()}, Prefix: "b:"})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchClaim(b, s, waiting)
		})
	}
}

func benchClaim(b *testing.B, s backend, waiting int) {
	ctx := context.Background()
	later := t0.Add(time.Hour).UnixMilli()
	for i := range waiting {
		e := &Event{ID: fmt.Sprintf("w%d", i), Key: fmt.Sprintf("wk%d", i), CorpID: "slow", NextAt: later, Payload: []byte(`{"action":"SIGN"}`)}
		if err := s.Enqueue(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	const batch = 50
	for i := range batch {
		if err := s.Enqueue(ctx, &Event{ID: fmt.Sprintf("d%d", i), Key: fmt.Sprintf("dk%d", i), CorpID: "fine"}); err != nil {
			b.Fatal(err)
		}
	}
	if bl, ok := s.(*Bolt); ok {
		bl.db.NoSync = false
	}
	b.ResetTimer()
	for i := range b.N {
		now := t0.Add(time.Duration(i) * time.Second)
		evs, err := s.Claim(ctx, now, time.Second, batch)
		if err != nil || len(evs) != batch {
			b.Fatalf("Claim = %d events, %v", len(evs), err)
		}
		b.StopTimer()
		for _, e := range evs { // due again next round
			if err := s.Retry(ctx, e, now.Add(time.Second), "x"); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
	}
}
