package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"esign-gateway/service/store/redistest"
)

// consoleBackend is a store with the console's queries.
type consoleBackend interface {
	backend
	AppendAudit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]AuditEntry, error)
	NoteDelivery(ctx context.Context, corpID string, ok bool, at int64, lastErr string) error
	ListCorps(ctx context.Context, q CorpQuery) ([]CorpRow, string, error)
	CorpEvents(ctx context.Context, corpID string) ([]*Event, error)
	FindTasks(ctx context.Context, q TaskQuery) ([]*Task, string, error)
}

// TestConsoleStore is the console's part of the store contract, on bbolt,
// a single Redis and a Cluster (whose scans visit every master).
func TestConsoleStore(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) opener{
		"bolt":          func(*testing.T) opener { return openBolt },
		"redis":         func(t *testing.T) opener { return redisOpener([]string{redistest.Start(t).Addr()}) },
		"redis-cluster": func(t *testing.T) opener { return redisOpener(redistest.StartCluster(t, 3)) },
	} {
		t.Run(name, func(t *testing.T) {
			o := open(t)
			for _, tc := range []struct {
				name string
				run  func(t *testing.T, s consoleBackend)
			}{
				{"Audit", testAudit},
				{"ListCorps", testListCorps},
				{"CorpEvents", testCorpEvents},
				{"FindTasks", testFindTasks},
			} {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, o(t).backend.(consoleBackend)) })
			}
		})
	}
}

func testAudit(t *testing.T, s consoleBackend) {
	ctx := context.Background()
	for i := range 3 {
		if err := s.AppendAudit(ctx, AuditEntry{At: int64(i + 1), Who: "console:a", Action: fmt.Sprint("act", i), RequestID: "r"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AuditLog(ctx, 2)
	if err != nil || len(got) != 2 || got[0].Action != "act2" || got[1].Action != "act1" {
		t.Fatalf("AuditLog(2) = %+v, %v; want act2, act1", got, err)
	}
}

func testListCorps(t *testing.T, s consoleBackend) {
	ctx := context.Background()
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("a-%02d", i)
		if i >= 15 {
			id = fmt.Sprintf("b-%02d", i)
		}
		want = append(want, id)
		if _, err := s.UpdateCorp(ctx, id, func(c *Corp) error { c.Authorized = i%2 == 0; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []struct {
		ok  bool
		at  int64
		err string
	}{{true, 10, ""}, {false, 20, "noticeUrl answered 500"}, {false, 30, "noticeUrl answered 503"}} {
		if err := s.NoteDelivery(ctx, "a-03", d.ok, d.at, d.err); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.NoteDelivery(ctx, "a-04", false, 5, "x"); err != nil {
		t.Fatal(err)
	}
	if err := s.NoteDelivery(ctx, "a-04", true, 6, ""); err != nil {
		t.Fatal(err)
	}
	all := func(q CorpQuery) []CorpRow {
		t.Helper()
		var out []CorpRow
		for page := 0; ; page++ {
			rows, next, err := s.ListCorps(ctx, q)
			if err != nil || page > 30 {
				t.Fatalf("ListCorps(%+v) page %d: %v", q, page, err)
			}
			out = append(out, rows...)
			if next == "" {
				return out
			}
			q.After = next
		}
	}
	ids := func(rows []CorpRow) []string {
		var s []string
		for _, r := range rows {
			s = append(s, r.Corp.ID)
		}
		slices.Sort(s)
		return s
	}
	if got := ids(all(CorpQuery{Limit: 4})); !slices.Equal(got, want) {
		t.Errorf("all pages of 4: %v, want each of %v once", got, want)
	}
	if got := ids(all(CorpQuery{Limit: 3, Prefix: "b-"})); !slices.Equal(got, want[15:]) {
		t.Errorf("prefix b-: %v, want %v", got, want[15:])
	}
	failing := all(CorpQuery{Limit: 2, Budget: 3, Keep: func(r *CorpRow) bool { return r.Delivery.Failures > 0 }})
	if len(failing) != 1 || failing[0].Corp.ID != "a-03" ||
		failing[0].Delivery != (Delivery{LastSuccess: 10, LastFailure: 30, Failures: 2, LastError: "noticeUrl answered 503"}) {
		t.Errorf("failing corps: %+v, want a-03 with 2 failures since its success", failing)
	}
	if got := ids(all(CorpQuery{Limit: 5, Keep: func(r *CorpRow) bool { return r.Corp.Authorized }})); len(got) != 13 {
		t.Errorf("authorized: %v, want 13", got)
	}
}

func testCorpEvents(t *testing.T, s consoleBackend) {
	ctx := context.Background()
	enqueue(t, s,
		&Event{ID: "x1", Key: "K1", CorpID: "cx", CreatedAt: t0.UnixMilli()},
		&Event{ID: "x2", Key: "K1", CorpID: "cx", CreatedAt: t0.UnixMilli()},
		&Event{ID: "x3", Key: "K2", CorpID: "cx", CreatedAt: t0.UnixMilli()},
		&Event{ID: "y1", Key: "K3", CorpID: "cy", CreatedAt: t0.UnixMilli()},
	)
	evs, err := s.Claim(ctx, t0, time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.ID == "x3" {
			if err := s.Bury(ctx, e, "gave up", t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := s.CorpEvents(ctx, "cx")
	if err != nil {
		t.Fatal(err)
	}
	var desc []string
	for _, e := range got {
		desc = append(desc, fmt.Sprintf("%s/%s/dead=%v", e.Key, e.ID, e.DeadAt != 0))
	}
	slices.Sort(desc)
	if want := []string{"K1/x1/dead=false", "K1/x2/dead=false", "K2/x3/dead=true"}; !slices.Equal(desc, want) {
		t.Errorf("CorpEvents(cx) = %v, want %v", desc, want)
	}
}

func testFindTasks(t *testing.T, s consoleBackend) {
	ctx := context.Background()
	for i := range 12 {
		corp := "c2"
		if i%3 == 0 {
			corp = "c1"
		}
		if err := s.CreateTask(ctx, &Task{ID: fmt.Sprintf("tk%02d", i), CorpID: corp, Kind: KindSignFlow, FlowID: fmt.Sprint("f", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	q := TaskQuery{Limit: 2, Keep: func(t *Task) bool { return t.CorpID == "c1" }}
	for page := 0; ; page++ {
		ts, next, err := s.FindTasks(ctx, q)
		if err != nil || page > 20 {
			t.Fatalf("FindTasks page %d: %v", page, err)
		}
		for _, t := range ts {
			got = append(got, t.ID)
		}
		if next == "" {
			break
		}
		q.After = next
	}
	slices.Sort(got)
	if want := []string{"tk00", "tk03", "tk06", "tk09"}; !slices.Equal(got, want) {
		t.Errorf("tasks of c1: %v, want %v", got, want)
	}
}

// BenchmarkListCorps pages through 100,000 corps as the console's Corps
// page does: the first page, a page deep in the list, a prefix, and a
// filter that matches one corp in 1,000 (a page then stops at its read
// budget and says where to go on).
//
//	go test ./service/store/ -run '^$' -bench ListCorps -benchtime 200x
func BenchmarkListCorps(b *testing.B) {
	const corps = 100_000
	cases := []struct {
		name string
		q    CorpQuery
	}{
		{"first", CorpQuery{Limit: 50}},
		{"deep", CorpQuery{Limit: 50, After: "corp-080000"}},
		{"prefix", CorpQuery{Limit: 50, Prefix: "corp-0912"}},
		{"failing", CorpQuery{Limit: 50, Keep: func(r *CorpRow) bool { return r.Delivery.Failures > 0 }}},
	}
	b.Run("bolt", func(b *testing.B) {
		s, err := OpenBolt(filepath.Join(b.TempDir(), "gw.db"), BoltOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		err = s.db.Update(func(tx *bolt.Tx) error {
			for i := range corps {
				id := fmt.Sprintf("corp-%06d", i)
				if err := putJSON(bucket(tx, bucketCorps), id, &Corp{ID: id, AppKey: "suite", Authorized: true, Installed: true,
					NoticeURL: "https://isv.example.com/" + id}); err != nil {
					return err
				}
				if err := putJSON(bucket(tx, bucketQuotas), id, &Quota{Bought: 100, Used: int64(i % 100)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < corps; i += 1000 {
			if err := s.NoteDelivery(context.Background(), fmt.Sprintf("corp-%06d", i), false, 1, "down"); err != nil {
				b.Fatal(err)
			}
		}
		benchListCorps(b, s, cases)
	})
	b.Run("redis", func(b *testing.B) {
		// Filling pipelines 15,000 commands: give them time on a busy machine.
		s, err := OpenRedis(RedisConfig{Addrs: []string{redistest.Start(b).Addr()}, Prefix: "b:", ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		for lo := 0; lo < corps; lo += 5000 {
			p := s.c.Pipeline()
			for i := lo; i < lo+5000; i++ {
				id := fmt.Sprintf("corp-%06d", i)
				p.Set(ctx, s.kCorp(id), fmt.Sprintf(`{"id":%q,"appKey":"suite","authorized":true,"installed":true,"noticeUrl":"https://isv.example.com/%s"}`, id, id), 0)
				p.HSet(ctx, s.kQuota(id), "bought", 100, "used", i%100)
				if i%1000 == 0 {
					p.HSet(ctx, s.kDelivery(id), "lf", 1, "fails", 1, "err", "down")
				}
			}
			if _, err := p.Exec(ctx); err != nil {
				b.Fatal(err)
			}
		}
		benchListCorps(b, s, cases[:1]) // SCAN has no "after an id"; prefix and filters as below
		benchListCorps(b, s, cases[2:])
	})
}

func benchListCorps(b *testing.B, s consoleBackend, cases []struct {
	name string
	q    CorpQuery
}) {
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			n := 0
			for range b.N {
				rows, _, err := s.ListCorps(context.Background(), tc.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rows)
			}
			if tc.name != "failing" && n < 50 { // Redis pages are SCAN batches: near 50, at least 50 if there are
				b.Fatalf("%s: %d rows, want a full page", tc.name, n)
			}
			b.ReportMetric(float64(n), "rows/op")
		})
	}
}
