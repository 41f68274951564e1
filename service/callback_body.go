package service

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// callbackBody is the union of e签宝's callback bodies (esign-openapi.md
// §5.3): v1 SIGN_FLOW_UPDATE, SIGN_FLOW_FINISH, PARTICIPANT_MARKREAD; v3
// SIGN_MISSON_COMPLETE (sic), SIGN_FLOW_COMPLETE, OPERATOR_READ; v2
// identity results. Scalars are loose because e签宝 sends some fields as
// strings in one version and numbers in another.
type callbackBody struct {
	Action             string `json:"action"`
	FlowID             loose  `json:"flowId"`
	SignFlowID         loose  `json:"signFlowId"`
	AccountID          loose  `json:"accountId"`
	AgentAccountID     loose  `json:"agentAccountId"`
	SignResult         loose  `json:"signResult"`
	ResultDescription  loose  `json:"resultDescription"`
	SignTime           loose  `json:"signTime"`
	OperateTime        loose  `json:"operateTime"`
	ReadTime           loose  `json:"readTime"`
	FlowStatus         loose  `json:"flowStatus"`
	SignFlowStatus     loose  `json:"signFlowStatus"`
	StatusDescription  loose  `json:"statusDescription"`
	EndTime            loose  `json:"endTime"`
	SignFlowFinishTime loose  `json:"signFlowFinishTime"`
	Timestamp          loose  `json:"timestamp"`
	Success            *loose `json:"success"`
	Operator           struct {
		PsnID loose `json:"psnId"`
	} `json:"operator"`
	// AUTHORIZE_FINISH (v3 authorization; esigntest/authflow-docs.md).
	AuthFlowID     loose `json:"authFlowId"`
	OrgID          loose `json:"orgId"`
	PsnID          loose `json:"psnId"`
	AuthorizedInfo []struct {
		AuthorizedScope string `json:"authorizedScope"`
		ExpireTime      int64  `json:"expireTime"`
	} `json:"authorizedInfo"`
}

// loose is a JSON scalar read as text whatever its JSON type: "2" and 2
// are both "2". null is "".
type loose string

// UnmarshalJSON accepts strings, numbers and booleans.
func (l *loose) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = loose(v)
	case b[0] == '{' || b[0] == '[':
		return errors.New("service: callback field must be a scalar")
	default:
		*l = loose(b)
	}
	return nil
}

// int is the value as an integer; 0 if it is not one.
func (l loose) int() int {
	n, _ := strconv.Atoi(string(l))
	return n
}

// chinaTime is the zone of e签宝's "yyyy-MM-dd HH:mm:ss" callback times
// (Asia/Shanghai, which has had no DST since 1991).
var chinaTime = time.FixedZone("CST", 8*3600)

// ms reads a callback time: epoch milliseconds (seconds if small) or
// "yyyy-MM-dd HH:mm:ss" in China time.
func (l loose) ms() (int64, bool) {
	if l == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(l), 10, 64); err == nil && n > 0 {
		if n < 1e11 {
			n *= 1000
		}
		return n, true
	}
	t, err := time.ParseInLocation(time.DateTime, string(l), chinaTime)
	if err != nil {
		return 0, false
	}
	return t.UnixMilli(), true
}

// firstTime is the first of vs that is a time, else def.
func firstTime(def int64, vs ...loose) int64 {
	for _, v := range vs {
		if ms, ok := v.ms(); ok {
			return ms
		}
	}
	return def
}

// first is the first non-empty of vs.
func first(vs ...loose) loose {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
