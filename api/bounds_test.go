package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"esign-gateway/api/apitest"
	"esign-gateway/api/gateway"
)

// TestListBounds: a list over its maxItems, or a request whose sign
// fields (participants × requirements × contract files) pass e签宝's 300,
// is refused with the action's documented 400 code and a message naming
// the list and the bound, before any e签宝 call; the OpenAPI document
// carries the same maxItems.
func TestListBounds(t *testing.T) {
	g := apitest.New(t, apitest.Options{})
	tok := g.Token(apitest.CorpA)
	file := g.Upload(tok, "a.pdf", apitest.PDF)
	files := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"fileId": file, "fileName": "a.pdf", "fileType": 1}
		}
		return out
	}
	parties := func(n int, reqs string, pos int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			p := map[string]any{"accountType": "DING_USER", "userId": fmt.Sprintf("u%d", i), "signRequirements": reqs}
			var list []map[string]any
			for range pos {
				list = append(list, map[string]any{"fileId": file, "page": "1"})
			}
			if list != nil {
				p["signPosList"] = list
			}
			out[i] = p
		}
		return out
	}
	body := func(nFiles, nParts int, reqs string, pos, nCcs int) map[string]any {
		b := map[string]any{"taskName": "t", "initiatorUserId": "u0", "files": files(nFiles), "participants": parties(nParts, reqs, pos)}
		if nCcs > 0 {
			b["ccs"] = parties(nCcs, "", 0)
		}
		return b
	}
	for _, tt := range []struct {
		name    string
		action  string
		version string
		body    map[string]any
		want    string // message
	}{
		{"51 files", "CreateProcess", "esign_2.0", body(51, 1, "2", 0, 0), "参数错误:files(最多50项 / at most 50 items)"},
		{"51 participants", "CreateProcess", "esign_2.0", body(1, 51, "2", 0, 0), "参数错误:participants(最多50项 / at most 50 items)"},
		{"51 ccs", "CreateProcess", "esign_2.0", body(1, 1, "2", 0, 51), "参数错误:ccs(最多50项 / at most 50 items)"},
		{"101 positions", "CreateProcess", "esign_2.0", body(1, 1, "2", 101, 0), "参数错误:participants[0].signPosList(最多100项 / at most 100 items)"},
		{"51 files to start", "ProcessStart", "esign_2.0", body(51, 1, "2", 0, 0), "参数错误:files(最多50项 / at most 50 items)"},
		{"51 participants to start v1", "GetProcessStartUrl", "esign_1.0", body(1, 51, "2", 0, 0), "参数错误:participants(最多50项 / at most 50 items)"},
		{"51 ccs to start v1", "GetProcessStartUrl", "esign_1.0", body(1, 1, "2", 0, 51), "参数错误:ccs(最多50项 / at most 50 items)"},
		{"302 sign fields", "CreateProcess", "esign_2.0", body(7, 22, "1,2", 0, 0),
			"参数错误:participants(签署区共308个，最多300：参与方×签署要求×合同文件 / 308 sign fields, at most 300: participants × requirements × contract files)"},
		{"302 sign fields to start", "ProcessStart", "esign_2.0", body(7, 22, "1,2", 0, 0),
			"参数错误:participants(签署区共308个，最多300：参与方×签署要求×合同文件 / 308 sign fields, at most 300: participants × requirements × contract files)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := g.Emulator.CallCount("")
			res := g.Call(tt.action, tt.version, tok, tt.body)
			// The documented parameter code of each version (api/codes.go).
			code := map[string]string{"esign_1.0": "invalidRequest.invalidAguemnts", "esign_2.0": "requestParamError"}[tt.version]
			if res.Status != 400 || res.JSON["code"] != code || res.JSON["message"] != tt.want {
				t.Errorf("got %d %s, want 400 %s %q", res.Status, res.Raw, code, tt.want)
			}
			if n := g.Emulator.CallCount("") - before; n != 0 {
				t.Errorf("%d e签宝 calls before the refusal, want none", n)
			}
		})
	}
	// At the bounds the request is taken (300 sign fields exactly).
	if res := g.Call("CreateProcess", "esign_2.0", tok, body(6, 25, "1,2", 2, 0)); res.Status != 200 {
		t.Errorf("300 sign fields: got %d %.300s, want 200", res.Status, res.Raw)
	}

	doc := g.Do("GET", "/openapi.json", "", nil)
	if !json.Valid(doc.Raw) {
		t.Fatalf("openapi.json: %d %.200s", doc.Status, doc.Raw)
	}
	for _, want := range []string{`"maxItems":50`, `"maxItems":100`} {
		if !strings.Contains(string(doc.Raw), want) {
			t.Errorf("openapi.json has no %s", want)
		}
	}
}

// TestUpstreamCallsCounted: with ratelimit.upstream 10, a CreateProcess
// whose 12 new participants need more than 10 e签宝 calls is refused with
// the documented QPS-limit code once the 11th call is asked for, and e签宝
// sees no more than 10 of them; another corp's calls are counted apart
// and go through.
func TestUpstreamCallsCounted(t *testing.T) {
	g := apitest.New(t, apitest.Options{Config: func(c *gateway.Config) { c.RateLimit.Upstream = 10 }})
	tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
	// The upload spent part of corp A's 10 already; the count goes on.
	fileA := g.Upload(tokA, "a.pdf", apitest.PDF)
	parts := make([]map[string]any, 12)
	for i := range parts {
		parts[i] = map[string]any{"accountType": "DING_USER", "userId": fmt.Sprintf("up-u%d", i), "signRequirements": "2"}
	}
	before := g.Emulator.CallCount("")
	res := g.Call("CreateProcess", "esign_2.0", tokA, map[string]any{"taskName": "t", "initiatorUserId": "up-u0",
		"files": []map[string]any{{"fileId": fileA, "fileName": "a.pdf", "fileType": 1}}, "participants": parts})
	if res.Status != 403 || !strings.Contains(fmt.Sprint(res.JSON["code"]), "QpsLimit") {
		t.Errorf("CreateProcess over the upstream budget: got %d %s, want 403 QpsLimit", res.Status, res.Raw)
	}
	if n := g.Emulator.CallCount("") - before; n > 10 {
		t.Errorf("e签宝 saw %d calls, want at most 10", n)
	}
	if res := g.Do("POST", apitest.Path("GetFileUploadUrl", "esign_2.0"), tokB, map[string]any{"contentMd5": "1B2M2Y8AsgTpgAmY7PhCfg==",
		"contentType": "application/pdf", "fileName": "b.pdf", "fileSize": 10}); res.Status != 200 {
		t.Errorf("corp B meanwhile: got %d %s, want 200", res.Status, res.Raw)
	}
}
