package api_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"esign-gateway/api/apitest"
)

// FuzzBindRequests sends fuzzed requests through the real router to every
// route but the two that cancel the corp's authorization (they read no
// input, and would end the run's token): a fuzzed body, content type, query
// and path id. Whatever comes in, the answer is never a 5xx or a panic, and
// always JSON: a DingTalk error body or a 2xx. Run longer with
//
//	go test -run '^$' -fuzz=FuzzBindRequests -fuzztime=10m ./api/
func FuzzBindRequests(f *testing.F) {
	// No outbox: a fuzzed noticeUrl must not send events anywhere.
	g := apitest.New(f, apitest.Options{NoOutbox: true})
	tokA, tokB := g.Token(apitest.CorpA), g.Token(apitest.CorpB)
	file := g.Upload(tokA, "a.pdf", apitest.PDF)
	task := g.CreateFlow(tokA, nil)
	var tgs []target
	for _, tg := range targets(f, g, tokA, tokB, file, task) {
		if !strings.HasSuffix(tg.template, "/cancel") {
			tgs = append(tgs, tg)
		}
	}
	for i, tg := range tgs {
		var body []byte
		if tg.base != nil {
			body, _ = json.Marshal(tg.base)
		}
		f.Add(uint16(i), body, "", "", uint8(0))
		f.Add(uint16(i), []byte(`{"taskId":"../x","fileSize":1e400,"files":{}}`), "taskId=..%2F&x=%00", "..", uint8(0))
		f.Add(uint16(i), []byte("{\"taskName\":\"\xff\"}"), "", "a\x00b", uint8(1))
		f.Add(uint16(i), []byte(`[`), "taskId="+task, task, uint8(2))
	}
	contentTypes := []string{"application/json", "text/plain", "", "application/json; charset=gbk", "application/vnd.api+json", "multipart/form-data; boundary=x"}
	f.Fuzz(func(t *testing.T, route uint16, body []byte, query, id string, ct uint8) {
		tg := tgs[int(route)%len(tgs)]
		if tg.param != "" && id != "" {
			tg.path = strings.Replace(tg.template, tg.param, id, 1)
		}
		if body == nil {
			body = []byte{}
		}
		req := tg.request(body, contentTypes[int(ct)%len(contentTypes)], query)
		if _, err := url.ParseRequestURI(req.RequestURI); err != nil {
			req.RequestURI = "/"
		}
		res := g.Serve(req)
		checkShaped(t, tg.method+" "+tg.template, tg, res)
	})
}
