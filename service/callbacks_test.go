package service

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLooseScalars(t *testing.T) {
	var v struct {
		A, B, C, D, E loose
	}
	if err := json.Unmarshal([]byte(`{"A":"7","B":7,"C":true,"D":null}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "7" || v.B != "7" || v.C != "true" || v.D != "" || v.E != "" {
		t.Errorf("got %+v", v)
	}
	if v.A.int() != 7 || v.C.int() != 0 {
		t.Errorf("int: got %d %d, want 7 0", v.A.int(), v.C.int())
	}
	if err := json.Unmarshal([]byte(`{"A":{"x":1}}`), &v); err == nil {
		t.Error("an object where a scalar belongs was accepted")
	}
}

func TestCallbackTimes(t *testing.T) {
	tests := []struct {
		in     loose
		want   int64
		wantOK bool
	}{
		{"2024-04-19 14:32:19", 1713508339000, true}, // China time, UTC+8
		{"1713508339505", 1713508339505, true},
		{"1713508339", 1713508339000, true}, // seconds
		{"", 0, false},
		{"19/04/2024", 0, false},
		{"-5", 0, false},
	}
	for _, tc := range tests {
		got, ok := tc.in.ms()
		if got != tc.want || ok != tc.wantOK {
			t.Errorf("%q: got %d %v, want %d %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
	if got := firstTime(42, "", "bad", "1713508339505"); got != 1713508339505 {
		t.Errorf("firstTime: got %d, want the first usable time", got)
	}
	if got := firstTime(42, "", "bad"); got != 42 {
		t.Errorf("firstTime: got %d, want the default 42", got)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		lo, hi   time.Duration
	}{
		{0, 500 * time.Millisecond, time.Second},
		{3, 4 * time.Second, 8 * time.Second},
		{9, 150 * time.Second, 5 * time.Minute},
		{60, 150 * time.Second, 5 * time.Minute},
	}
	for _, tc := range tests {
		for range 50 {
			if d := backoff(tc.attempts); d < tc.lo || d > tc.hi {
				t.Errorf("backoff(%d): got %v, want within [%v, %v]", tc.attempts, d, tc.lo, tc.hi)
			}
		}
	}
}

func TestEventIDStable(t *testing.T) {
	a, b := eventID("tk1", "flow:end:2"), eventID("tk1", "flow:end:2")
	if a != b || a == eventID("tk1", "flow:end:3") || a == eventID("tk2", "flow:end:2") || !validID(a) {
		t.Errorf("event ids: %s %s", a, b)
	}
}
