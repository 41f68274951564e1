package apitest

import (
	"encoding/json"
	"fmt"
	"strings"
)

// LargestCreateProcess is a CreateProcess body just under limit bytes with
// every list at its bound: 50 files (one contract, the rest attachments,
// so the sign fields stay within 300), 50 participants with distinct
// userIds and "1,2", each with 100 positions, 50 ccs, the rest padding in
// taskName. The memory budget test and the load test send it.
func LargestCreateProcess(contract, attachment string, limit int) []byte {
	files := []map[string]any{{"fileId": contract, "fileName": "c.pdf", "fileType": 1}}
	for len(files) < 50 {
		files = append(files, map[string]any{"fileId": attachment, "fileName": "a.pdf", "fileType": 2})
	}
	var parts, ccs []map[string]any
	for i := range 50 {
		var pos []map[string]any
		for range 100 {
			pos = append(pos, map[string]any{"fileId": contract, "page": "1", "x": 100.5, "y": 200.5, "needSignDate": true})
		}
		parts = append(parts, map[string]any{"accountType": "DING_USER", "userId": fmt.Sprintf("big-u%d", i), "signRequirements": "1,2", "signPosList": pos})
		ccs = append(ccs, map[string]any{"accountType": "DING_USER", "userId": fmt.Sprintf("big-c%d", i)})
	}
	body := map[string]any{"taskName": "", "initiatorUserId": "big-u0", "files": files, "participants": parts, "ccs": ccs}
	raw, _ := json.Marshal(body)
	body["taskName"] = strings.Repeat("x", limit-len(raw)-64)
	raw, _ = json.Marshal(body)
	return raw
}
