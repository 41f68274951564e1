package esign

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	cbTimestamp = "1700000000000"
	cbBody      = `{"action":"SIGN_FLOW_COMPLETE","timestamp":1700000000000,"signFlowId":"abc123","signFlowTitle":"测试","signFlowStatus":"2","statusDescription":"完成","signFlowCreateTime":1699999000000,"signFlowStartTime":1699999000000,"signFlowFinishTime":1700000000000}`
	// esign-openapi.md §5.2, computed outside Go.
	cbSigNoQuery = "315ea8e852f134e352f961c1115720d1879c61c67e07c3cf786b6fd5111a5930"
	cbSigQuery   = "a61293383ac46e547213ca006d23c3772c57f22695b9000c03b9a8308fee6707" // ?tenant=t1&a=x
)

func TestVerifyCallbackVectors(t *testing.T) {
	sent := time.UnixMilli(1700000000000)
	tests := []struct {
		name      string
		appID     string
		timestamp string
		signature string
		rawQuery  string
		body      string
		now       time.Time
		want      error
	}{
		{"vector without query", testAppID, cbTimestamp, cbSigNoQuery, "", cbBody, sent, nil},
		{"vector with query", testAppID, cbTimestamp, cbSigQuery, "tenant=t1&a=x", cbBody, sent, nil},
		{"query order does not matter", testAppID, cbTimestamp, cbSigQuery, "a=x&tenant=t1", cbBody, sent, nil},
		{"upper-case hex accepted", testAppID, cbTimestamp, strings.ToUpper(cbSigNoQuery), "", cbBody, sent, nil},
		{"14 minutes late is fine", testAppID, cbTimestamp, cbSigNoQuery, "", cbBody, sent.Add(14 * time.Minute), nil},
		{"forged signature", testAppID, cbTimestamp, "0" + cbSigNoQuery[1:], "", cbBody, sent, ErrCallbackSignature},
		{"body changed", testAppID, cbTimestamp, cbSigNoQuery, "", strings.Replace(cbBody, `"2"`, `"3"`, 1), sent, ErrCallbackSignature},
		{"query dropped", testAppID, cbTimestamp, cbSigQuery, "", cbBody, sent, ErrCallbackSignature},
		{"query added", testAppID, cbTimestamp, cbSigNoQuery, "tenant=t1", cbBody, sent, ErrCallbackSignature},
		{"timestamp changed", testAppID, "1700000000001", cbSigNoQuery, "", cbBody, sent, ErrCallbackSignature},
		{"wrong app id", "7438000002", cbTimestamp, cbSigNoQuery, "", cbBody, sent, ErrCallbackAppID},
		// e签宝's last v1 retry comes about 9.7 h after the first attempt,
		// with the first attempt's timestamp: it must pass.
		{"last retry 9h50m late is fine", testAppID, cbTimestamp, cbSigNoQuery, "", cbBody, sent.Add(9*time.Hour + 50*time.Minute), nil},
		{"stale beyond the retry span", testAppID, cbTimestamp, cbSigNoQuery, "", cbBody, sent.Add(CallbackRetrySpan + time.Minute), ErrCallbackStale},
		{"from the future", testAppID, cbTimestamp, cbSigNoQuery, "", cbBody, sent.Add(-16 * time.Minute), ErrCallbackStale},
		{"timestamp not a number", testAppID, "yesterday", cbSigNoQuery, "", cbBody, sent, ErrCallbackStale},
		{"missing signature", testAppID, cbTimestamp, "", "", cbBody, sent, ErrCallbackMissing},
		{"missing timestamp", testAppID, "", cbSigNoQuery, "", cbBody, sent, ErrCallbackMissing},
		{"missing app id", "", cbTimestamp, cbSigNoQuery, "", cbBody, sent, ErrCallbackMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range map[string]string{
				"X-Tsign-Open-App-Id": tt.appID, "X-Tsign-Open-TIMESTAMP": tt.timestamp,
				"X-Tsign-Open-SIGNATURE": tt.signature, "X-Tsign-Open-SIGNATURE-ALGORITHM": "hmac-sha256",
			} {
				if v != "" {
					h.Set(k, v)
				}
			}
			cfg := CallbackConfig{AppID: testAppID, AppSecret: vecSecret, Now: func() time.Time { return tt.now }}
			err := VerifyCallback(cfg, h, tt.rawQuery, []byte(tt.body))
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), cbSigNoQuery) || strings.Contains(err.Error(), cbSigQuery)) {
				t.Errorf("error %q reveals the expected signature", err)
			}
		})
	}
}

func TestVerifyCallbackNeedsSecret(t *testing.T) {
	h := http.Header{}
	h.Set("X-Tsign-Open-App-Id", testAppID)
	h.Set("X-Tsign-Open-TIMESTAMP", cbTimestamp)
	h.Set("X-Tsign-Open-SIGNATURE", callbackSignature("", cbTimestamp, "", []byte(cbBody)))
	cfg := CallbackConfig{AppID: testAppID, Now: func() time.Time { return time.UnixMilli(1700000000000) }}
	if err := VerifyCallback(cfg, h, "", []byte(cbBody)); !errors.Is(err, ErrCallbackSignature) {
		t.Errorf("empty secret: got %v, want ErrCallbackSignature", err)
	}
}

func FuzzVerifyCallback(f *testing.F) {
	f.Add(testAppID, cbTimestamp, cbSigNoQuery, "", []byte(cbBody))
	f.Add(testAppID, cbTimestamp, cbSigQuery, "tenant=t1&a=x", []byte(cbBody))
	f.Add("", "-9223372036854775808", "zz", "%zz&;a=1&a=2", []byte{0xff})
	f.Fuzz(func(t *testing.T, appID, timestamp, signature, rawQuery string, body []byte) {
		h := http.Header{}
		h.Set("X-Tsign-Open-App-Id", appID)
		h.Set("X-Tsign-Open-TIMESTAMP", timestamp)
		h.Set("X-Tsign-Open-SIGNATURE", signature)
		cfg := CallbackConfig{AppID: testAppID, AppSecret: vecSecret, Now: func() time.Time { return time.UnixMilli(1700000000000) }}
		err := VerifyCallback(cfg, h, rawQuery, body)
		if err == nil && !strings.EqualFold(signature, callbackSignature(vecSecret, timestamp, rawQuery, body)) {
			t.Errorf("accepted signature %q", signature)
		}
	})
}
