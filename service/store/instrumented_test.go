package store

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"
)

// observations records what an Instrumented store reports.
type observations struct {
	mu   sync.Mutex
	ops  []string
	errs map[string]error
}

func (o *observations) observe(op string, _ time.Duration, err error) {
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

// TestInstrumentedContract runs the whole Store contract through the
// decorator: wrapping must not change what the store does.
func TestInstrumentedContract(t *testing.T) {
	testStore(t, func(t *testing.T) fixture {
		f := openBolt(t)
		f.Store = Instrumented(f.Store, (&observations{}).observe)
		return f
	})
}

// TestInstrumentedCoversEveryMethod calls every Store method through the
// decorator and checks each reports itself under its own name, so a method
// added to Store and not wrapped fails here.
func TestInstrumentedCoversEveryMethod(t *testing.T) {
	skip := map[string]bool{"Kind": true, "Close": true, "SubscribeCorpChanges": true}
	obs := &observations{}
	st := Instrumented(openBolt(t).Store, obs.observe)
	v := reflect.ValueOf(st)
	iface := reflect.TypeFor[Store]()
	for i := range iface.NumMethod() {
		name := iface.Method(i).Name
		if skip[name] {
			continue
		}
		m := v.MethodByName(name)
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = zeroArg(m.Type().In(j))
		}
		obs.ops = nil
		m.Call(args)
		if len(obs.ops) != 1 || obs.ops[0] != name {
			t.Errorf("%s reported %v, want [%s]", name, obs.ops, name)
		}
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

// failing is a Store whose every call fails with err.
type failing struct {
	Store
	err error
}

func (f failing) Corp(context.Context, string) (*Corp, error) { return nil, f.err }
func (f failing) UpdateCorp(ctx context.Context, id string, fn func(*Corp) error) (*Corp, error) {
	if err := fn(&Corp{ID: id}); err != nil {
		return nil, err
	}
	return nil, f.err
}
func (f failing) SubscribeCorpChanges(context.Context, func(string)) error { return f.err }

// TestInstrumentedErrors checks which errors count as store failures.
func TestInstrumentedErrors(t *testing.T) {
	down := errors.New("dial tcp: connection refused")
	refused := errors.New("caller says no")
	tests := []struct {
		name string
		err  error
		call func(s Store) error
		want error
	}{
		{"backend failure", down, func(s Store) error { _, err := s.Corp(context.Background(), "c"); return err }, down},
		{"not found", ErrNotFound, func(s Store) error { _, err := s.Corp(context.Background(), "c"); return err }, nil},
		{"exists", ErrExists, func(s Store) error { _, err := s.Corp(context.Background(), "c"); return err }, nil},
		{"no quota", ErrNoQuota, func(s Store) error { _, err := s.Corp(context.Background(), "c"); return err }, nil},
		{"cancelled", context.Canceled, func(s Store) error { _, err := s.Corp(context.Background(), "c"); return err }, nil},
		{"fn refuses", down, func(s Store) error {
			_, err := s.UpdateCorp(context.Background(), "c", func(*Corp) error { return refused })
			return err
		}, nil},
		{"update fails", down, func(s Store) error {
			_, err := s.UpdateCorp(context.Background(), "c", func(*Corp) error { return nil })
			return err
		}, down},
		{"subscription fails", down, func(s Store) error { return s.SubscribeCorpChanges(context.Background(), nil) }, down},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs := &observations{}
			s := Instrumented(failing{err: tc.err}, obs.observe)
			got := tc.call(s)
			if len(obs.ops) != 1 {
				t.Fatalf("got %d observations, want 1", len(obs.ops))
			}
			if got == nil {
				t.Errorf("the caller got nil, want the store's error")
			}
			if err := obs.errs[obs.ops[0]]; err != tc.want {
				t.Errorf("observed error %v, want %v", err, tc.want)
			}
		})
	}
}
