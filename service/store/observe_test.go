package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"esign-gateway/service/store/redistest"
)

// observations records what a store reports to its Observer.
type observations struct {
	mu   sync.Mutex
	ops  []string
	errs map[string]error
}

func (o *observations) observe(_ context.Context, op string, _ time.Duration, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ops = append(o.ops, op)
	if o.errs == nil {
		o.errs = map[string]error{}
	}
	if err != nil {
		o.errs[op] = err
	}
}

func (o *observations) take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	ops := o.ops
	o.ops = nil
	return ops
}

// TestObserverCoversEveryMethod calls every exported method of both stores
// and checks each reports itself once under its own name, so a method added
// without its deferred Observer.done fails here.
func TestObserverCoversEveryMethod(t *testing.T) {
	skip := map[string]bool{"Kind": true, "Close": true, "SubscribeCorpChanges": true}
	stores := map[string]func(obs Observer) any{
		"bolt": func(obs Observer) any {
			b, err := OpenBolt(filepath.Join(t.TempDir(), "gw.db"), BoltOptions{Observe: obs})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return b
		},
		"redis": func(obs Observer) any {
			r, err := OpenRedis(RedisConfig{Addrs: []string{redistest.Start(t).Addr()}, Observe: obs,
				ReadTimeout: time.Second, WriteTimeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return r
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			obs := &observations{}
			v := reflect.ValueOf(open(obs.observe))
			typ := v.Type()
			n := 0
			for i := range typ.NumMethod() {
				m := typ.Method(i)
				if skip[m.Name] {
					continue
				}
				obs.take()
				fn := v.Method(i)
				args := make([]reflect.Value, fn.Type().NumIn())
				for j := range args {
					args[j] = zeroArg(fn.Type().In(j))
				}
				fn.Call(args)
				if got := obs.take(); len(got) != 1 || got[0] != m.Name {
					t.Errorf("%s reported %v, want [%s]", m.Name, got, m.Name)
				}
				n++
			}
			if n < 25 {
				t.Errorf("only %d methods checked; the reflection missed the method set", n)
			}
		})
	}
}

// TestObserverIgnoresAnswers checks that contract answers (not found, an
// Update fn's refusal) are reported without an error, and a dead backend
// with one.
func TestObserverIgnoresAnswers(t *testing.T) {
	ctx := context.Background()
	obs := &observations{}
	b, err := OpenBolt(filepath.Join(t.TempDir(), "gw.db"), BoltOptions{Observe: obs.observe})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Task(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Task(missing) = %v", err)
	}
	if _, err := b.UpdateCorp(ctx, "c1", func(*Corp) error { return errBoom }); !errors.Is(err, errBoom) {
		t.Fatalf("UpdateCorp refusal = %v, want errBoom as is", err)
	}
	b.Close()
	if _, err := b.Corp(ctx, "c1"); err == nil {
		t.Fatal("Corp on a closed store succeeded")
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.errs["Task"] != nil || obs.errs["UpdateCorp"] != nil {
		t.Errorf("answers reported as failures: %v", obs.errs)
	}
	if obs.errs["Corp"] == nil {
		t.Errorf("a closed store's Corp was not reported as a failure")
	}
}

// zeroArg is a harmless argument of type typ: a live context, an empty
// value behind pointers, a no-op func.
func zeroArg(typ reflect.Type) reflect.Value {
	switch {
	case typ == reflect.TypeFor[context.Context]():
		return reflect.ValueOf(context.Background())
	case typ.Kind() == reflect.Pointer:
		return reflect.New(typ.Elem())
	case typ.Kind() == reflect.Func:
		return reflect.MakeFunc(typ, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, typ.NumOut())
			for i := range out {
				out[i] = reflect.Zero(typ.Out(i))
			}
			return out
		})
	}
	return reflect.Zero(typ)
}
