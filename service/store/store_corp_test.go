package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func testSecret(t *testing.T, s fixture) {
	ctx := context.Background()
	got, err := s.EnsureSecret(ctx, "jwt", []byte("first"))
	if err != nil || string(got) != "first" {
		t.Fatalf("EnsureSecret = %q, %v; want first", got, err)
	}
	got, err = s.EnsureSecret(ctx, "jwt", []byte("second"))
	if err != nil || string(got) != "first" {
		t.Errorf("EnsureSecret again = %q, %v; want first", got, err)
	}
	secrets := make([]string, 10)
	parallel(len(secrets), func(i int) {
		v, err := s.EnsureSecret(ctx, "race", fmt.Appendf(nil, "candidate-%d", i))
		if err != nil {
			t.Errorf("EnsureSecret: %v", err)
		}
		secrets[i] = string(v)
	})
	for _, v := range secrets {
		if v != secrets[0] {
			t.Errorf("replicas got different secrets: %q and %q", v, secrets[0])
		}
	}
}

func testCorp(t *testing.T, s fixture) {
	ctx := context.Background()
	if _, err := s.Corp(ctx, "c1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Corp(missing) err = %v, want ErrNotFound", err)
	}
	c, err := s.UpdateCorp(ctx, "c1", func(c *Corp) error {
		if c.ID != "c1" || c.OrgID != "" || c.Epoch != 0 {
			t.Errorf("new corp = %+v, want only ID set", c)
		}
		c.OrgID, c.Authorized = "org1", true
		return nil
	})
	if err != nil || c.OrgID != "org1" || c.UpdatedAt == 0 {
		t.Fatalf("UpdateCorp(create) = %+v, %v", c, err)
	}
	c, err = s.UpdateCorp(ctx, "c1", func(c *Corp) error {
		if c.OrgID != "org1" {
			t.Errorf("fn saw OrgID %q, want org1", c.OrgID)
		}
		c.Epoch++
		c.ID = "ignored"
		return nil
	})
	if err != nil || c.Epoch != 1 || c.ID != "c1" {
		t.Errorf("UpdateCorp(update) = %+v, %v; want epoch 1, id c1", c, err)
	}
	if _, err := s.UpdateCorp(ctx, "c1", func(c *Corp) error {
		c.OrgID = "changed"
		return errBoom
	}); !errors.Is(err, errBoom) {
		t.Errorf("UpdateCorp(fn fails) err = %v, want errBoom", err)
	}
	if c, err := s.Corp(ctx, "c1"); err != nil || c.OrgID != "org1" || c.Epoch != 1 || !c.Authorized {
		t.Errorf("Corp after failed update = %+v, %v; want org1, epoch 1", c, err)
	}
	if _, err := s.UpdateCorp(ctx, "c2", func(*Corp) error { return errBoom }); !errors.Is(err, errBoom) {
		t.Errorf("UpdateCorp(create, fn fails) err = %v, want errBoom", err)
	}
	if _, err := s.Corp(ctx, "c2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Corp after failed create err = %v, want ErrNotFound", err)
	}
}

func testCorpConcurrent(t *testing.T, s fixture) {
	ctx := context.Background()
	const n = 10
	parallel(n, func(int) {
		if _, err := s.UpdateCorp(ctx, "c1", func(c *Corp) error { c.Epoch++; return nil }); err != nil {
			t.Errorf("UpdateCorp: %v", err)
		}
	})
	if c, err := s.Corp(ctx, "c1"); err != nil || c.Epoch != n {
		t.Errorf("Corp = %+v, %v; want epoch %d", c, err, n)
	}
}

func testCorpChanges(t *testing.T, s fixture) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 16)
	if err := s.SubscribeCorpChanges(ctx, func(id string) { got <- id }); err != nil {
		t.Fatalf("SubscribeCorpChanges: %v", err)
	}
	for _, id := range []string{"c1", "c2"} {
		if err := s.PublishCorpChange(ctx, id); err != nil {
			t.Fatalf("PublishCorpChange: %v", err)
		}
	}
	// In a Cluster, PUBLISH reaches any node and travels the bus to the
	// subscriber's, so two changes may arrive in either order.
	received := []string{nextChange(t, got), nextChange(t, got)}
	slices.Sort(received)
	if want := []string{"c1", "c2"}; !slices.Equal(received, want) {
		t.Errorf("changes = %v, want %v", received, want)
	}
}

// nextChange waits for the next corp change other than the "resubscribed"
// signal.
func nextChange(t *testing.T, got <-chan string) string {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case id := <-got:
			if id != "" {
				return id
			}
		case <-timeout:
			t.Fatal("no corp change within 5s")
			return ""
		}
	}
}

func testUser(t *testing.T, s fixture) {
	ctx := context.Background()
	if _, err := s.User(ctx, "c1", "u1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("User(missing) err = %v, want ErrNotFound", err)
	}
	accounts := make([]string, 20)
	parallel(len(accounts), func(i int) {
		u, err := s.PutUser(ctx, &User{CorpID: "c1", UserID: "u1", AccountID: fmt.Sprintf("acc-%d", i)})
		if err != nil {
			t.Errorf("PutUser: %v", err)
			return
		}
		accounts[i] = u.AccountID
	})
	for _, a := range accounts {
		if a != accounts[0] {
			t.Fatalf("PutUser winners differ: %q and %q", a, accounts[0])
		}
	}
	u, err := s.User(ctx, "c1", "u1")
	if err != nil || u.AccountID != accounts[0] || u.CreatedAt == 0 {
		t.Errorf("User = %+v, %v; want account %q", u, err, accounts[0])
	}
	if _, err := s.User(ctx, "c2", "u1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("User(other corp) err = %v, want ErrNotFound", err)
	}
}

func testFiles(t *testing.T, s fixture) {
	ctx := context.Background()
	if _, err := s.File(ctx, "f1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("File(missing) err = %v, want ErrNotFound", err)
	}
	for _, name := range []string{"a.pdf", "b.pdf"} {
		if err := s.PutFile(ctx, &File{ID: "f1", CorpID: "c1", Name: name, Size: 42}); err != nil {
			t.Fatalf("PutFile: %v", err)
		}
	}
	f, err := s.File(ctx, "f1")
	if err != nil || f.CorpID != "c1" || f.Name != "b.pdf" || f.Size != 42 || f.CreatedAt == 0 {
		t.Errorf("File = %+v, %v; want c1 b.pdf", f, err)
	}
}

func testCounts(t *testing.T, s fixture) {
	ctx := context.Background()
	if c, err := s.Counts(ctx); err != nil || c != (Counts{}) {
		t.Errorf("Counts(empty) = %+v, %v", c, err)
	}
	for _, id := range []string{"c1", "c2", "c1"} {
		if _, err := s.UpdateCorp(ctx, id, func(*Corp) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"t1", "t2", "t3", "t1"} {
		_ = s.CreateTask(ctx, &Task{ID: id, CorpID: "c1"})
	}
	for range 2 {
		if err := s.PutFile(ctx, &File{ID: "f1", CorpID: "c1"}); err != nil {
			t.Fatal(err)
		}
	}
	want := Counts{Corps: 2, Tasks: 3, Files: 1}
	if c, err := s.Counts(ctx); err != nil || c != want {
		t.Errorf("Counts = %+v, %v; want %+v", c, err, want)
	}
}

func testPing(t *testing.T, s fixture) {
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if k := s.Kind(); k != "embedded" && k != "redis" {
		t.Errorf("Kind = %q", k)
	}
}
