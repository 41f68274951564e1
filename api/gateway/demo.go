package gateway

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"esign-gateway/api"
	"esign-gateway/dingtalk"
	"esign-gateway/esign/check"
	"esign-gateway/esign/esigntest"
	"esign-gateway/service"
)

// Demo credentials (documented in README). The demo app is a third-party
// enterprise app with two authorized corps; the demo corp also has an
// internal app (esign_2.0 takes its tokens, esign_1.0 does not).
const (
	demoSuiteKey       = "demo-suite-key"
	demoSuiteSecret    = "demo-suite-secret"
	demoInternalKey    = "demo-internal-key"
	demoInternalSecret = "demo-internal-secret"
	demoCorp           = "ding-demo-corp"
	demoCorp2          = "ding-demo-corp-2"
	demoAdminToken     = "demo-admin-token"
	demoEsignAppID     = "7438000000demo"
	demoEsignSecret    = "demo-esign-app-secret-0123456789"
)

// Demo runs the gateway on an embedded store in a temp dir, with the e签宝
// emulator in-process, on addr (the emulator on esignAddr), prints a token
// and curl lines to out, and serves until ctx is done. cfg is the loaded
// configuration (defaults unless a file or the environment says
// otherwise); the demo sets what it must.
func Demo(ctx context.Context, cfg Config, addr, esignAddr string, out io.Writer) error {
	dir, err := os.MkdirTemp("", "esign-gateway-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	emu := esigntest.New(esigntest.Config{AppID: demoEsignAppID, AppSecret: demoEsignSecret, Control: true})
	emuURL, err := emu.Listen(esignAddr)
	if err != nil {
		return err
	}
	defer emu.Close()
	cfg.Server.Addr = addr
	cfg.Server.PublicURL = "http://" + addr
	cfg.Store.Path = filepath.Join(dir, "demo.db")
	cfg.Esign.BaseURL, cfg.Esign.AppID, cfg.Esign.AppSecret = emuURL, demoEsignAppID, demoEsignSecret
	cfg.Admin.Token = demoAdminToken
	cfg.Log.Format = "text"
	cfg.Dingtalk.AllowPrivateURLs = true
	cfg.Dingtalk.InitialQuota = 100
	cfg.Hooks.Demo = &api.DemoInfo{SuiteKey: demoSuiteKey, SuiteSecret: demoSuiteSecret, CorpID: demoCorp}
	cfg.Hooks.Out = out
	// The demo app's fixed event keys (README): what the ISV would get from
	// DingTalk's console, used to seal the events pushed to its noticeUrl.
	const (
		eventToken  = "demo-event-token"
		eventAESKey = "ZGVtby1ldmVudC1hZXMta2V5LWVzaWduLWdhdGV3YXk" // base64 of "demo-event-aes-key-esign-gateway"
	)
	cfg.Dingtalk.Apps = []service.App{{Key: demoSuiteKey, Secret: demoSuiteSecret, Type: service.AppISVEnterprise,
		Corps: []string{demoCorp, demoCorp2}, EventToken: eventToken, EventAESKey: eventAESKey},
		{Key: demoInternalKey, Secret: demoInternalSecret, Type: service.AppInternal, CorpID: demoCorp, Corps: []string{demoCorp}}}
	// A demo ISV: the noticeUrl of the demo corp, printing every event it
	// receives (DingTalk's documented plain JSON) once its signature holds.
	isvLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	isv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: &dingtalk.EventReceiver{Token: eventToken,
		OnEvent: func(plain []byte) { fmt.Fprintf(out, "ISV received event: %s\n", plain) }}}
	go isv.Serve(isvLn)
	defer isv.Close()
	noticeURL := "http://" + isvLn.Addr().String() + "/isv/events"
	g, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer g.Close()
	ln, err := g.Listen()
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- g.Serve(ctx, ln, nil) }()
	base := "http://" + ln.Addr().String()
	seed, err := seedDemo(ctx, base, g, emu, noticeURL)
	if err != nil {
		fmt.Fprintln(out, "demo: seeding flows:", err)
	} else {
		printDemo(out, base, emuURL, seed.token, noticeURL, eventToken, eventAESKey, seed)
	}
	return <-served
}

// demoSeed is what the demo creates at start: one completed flow and one in
// progress, through the gateway's own API as an ISV would.
type demoSeed struct {
	token       string // the demo corp's access token
	done, doing string // task ids
}

// seedDemo uploads a contract and starts two flows for the demo corp, then
// has both signers of the first one sign in the emulator, so the flow
// completes (callbacks, logs, pushed events, downloadable documents).
func seedDemo(ctx context.Context, base string, g *Gateway, emu *esigntest.Server, noticeURL string) (*demoSeed, error) {
	tok, err := g.Services.Tokens.Mint(ctx, demoSuiteKey, demoCorp)
	if err != nil {
		return nil, err
	}
	token := tok.AccessToken
	call := func(method, path string, body any) (map[string]any, error) {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(service.TokenHeader, token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %v", method, path, res.StatusCode, out)
		}
		return out, nil
	}
	path := func(action string) string { _, p := api.Route(action, "esign_2.0"); return p }
	// As an ISV would first: where events go (CreateDevelopers).
	if _, err := call("POST", path("CreateDevelopers"), map[string]any{"noticeUrl": noticeURL}); err != nil {
		return nil, err
	}
	sum := md5.Sum(demoPDF)
	md := base64.StdEncoding.EncodeToString(sum[:])
	up, err := call("POST", path("GetFileUploadUrl"), map[string]any{"contentMd5": md, "contentType": "application/pdf",
		"convert2Pdf": false, "fileName": "演示合同.pdf", "fileSize": len(demoPDF)})
	if err != nil {
		return nil, err
	}
	put, _ := http.NewRequestWithContext(ctx, "PUT", up["uploadUrl"].(string), bytes.NewReader(demoPDF))
	put.Header.Set("Content-Type", "application/pdf")
	put.Header.Set("Content-MD5", md)
	res, err := http.DefaultClient.Do(put)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	create := func(name string) (string, error) {
		out, err := call("POST", path("CreateProcess"), map[string]any{"taskName": name, "initiatorUserId": "zhangsan",
			"files": []map[string]any{{"fileId": up["fileId"], "fileName": "演示合同.pdf", "fileType": 1}},
			"participants": []map[string]any{
				{"accountType": "DING_USER", "userId": "zhangsan", "accountName": "张三", "signRequirements": "1", "signOrder": 1},
				{"accountType": "DING_USER", "userId": "lisi", "accountName": "李四", "signRequirements": "2", "signOrder": 2}},
			"sourceInfo": map[string]any{"pcUrl": "https://aflow.dingtalk.com/dingtalk/web/query/pchomepage.htm?procInstId=demo-instance-1", "showText": "演示审批"}})
		if err != nil {
			return "", err
		}
		return out["taskId"].(string), nil
	}
	seed := &demoSeed{token: token}
	if seed.done, err = create("演示合同（已完成）"); err != nil {
		return nil, err
	}
	if seed.doing, err = create("演示合同（签署中）"); err != nil {
		return nil, err
	}
	t, err := g.Store.Task(ctx, seed.done)
	if err != nil {
		return nil, err
	}
	for _, p := range t.Participants {
		if err := emu.MarkRead(t.FlowID, p.AccountID); err != nil {
			return nil, err
		}
		if err := emu.Sign(t.FlowID, p.AccountID); err != nil {
			return nil, err
		}
	}
	return seed, nil
}

// demoPDF is the demo's one-page contract.
var demoPDF = check.OnePagePDF

func printDemo(out io.Writer, base, emuURL, token, noticeURL, eventToken, eventAESKey string, seed *demoSeed) {
	// url is an action's address with its path parameters filled in.
	url := func(action, version string, params ...string) string {
		_, p := api.Route(action, version)
		for i := 0; i+1 < len(params); i += 2 {
			p = strings.Replace(p, ":"+params[i], params[i+1], 1)
		}
		return base + p
	}
	const auth = `-H "x-acs-dingtalk-access-token: $TOKEN"`
	const json = `-H 'content-type: application/json'`
	fmt.Fprintf(out, `
API Explorer: %[1]s/explorer
Console:      %[1]s/console/ (sign in with the admin token)

esign-gateway demo is ready at %[1]s (e签宝 emulator at %[2]s)
  suiteKey %[4]s  suiteSecret %[5]s  corps %[6]s, %[7]s (any non-empty suiteTicket)
  admin token %[8]s   (/admin/status, /metrics, /openapi.json)

Token for %[6]s (valid 7200s):
  export TOKEN=%[3]s

Seeded for %[6]s: a completed flow (task %[12]s) and one in progress (task %[13]s),
both linked to the approval instance demo-instance-1.

Try:
`, base, emuURL, token, demoSuiteKey, demoSuiteSecret, demoCorp, demoCorp2, demoAdminToken, noticeURL, eventToken, eventAESKey, seed.done, seed.doing)
	for _, line := range []string{
		"curl -s " + url("GetFlowDetail", "esign_2.0", "taskId", seed.done) + " " + auth,
		"curl -s '" + url("GetFlowDetail", "esign_1.0") + "?taskId=" + seed.doing + "' " + auth,
		"curl -s " + url("GetSignDetail", "esign_2.0", "taskId", seed.doing) + " " + auth,
		"curl -s " + url("GetFlowDocs", "esign_2.0", "taskId", seed.done) + " " + auth + "   # fileUrl downloads from the emulator",
		"curl -s " + url("GetAttachsApproval", "esign_2.0", "instanceId", "demo-instance-1") + " " + auth,
		"curl -s " + url("GetContractMargin", "esign_2.0") + " " + auth,
		"curl -s -X POST " + url("GetCorpAccessToken", "oauth2_1.0") + " " + json + " \\\n    -d '{\"suiteKey\":\"" + demoSuiteKey +
			"\",\"suiteSecret\":\"" + demoSuiteSecret + "\",\"authCorpId\":\"" + demoCorp + "\",\"suiteTicket\":\"t\"}'",
		"curl -s -X POST " + url("GetFileUploadUrl", "esign_2.0") + " " + auth + " " + json + " \\\n" +
			`    -d '{"contentMd5":"<base64 md5>","contentType":"application/pdf","convert2Pdf":false,"fileName":"a.pdf","fileSize":1024}'`,
		"curl -s -X POST " + url("CreateProcess", "esign_2.0") + " " + auth + " " + json + " \\\n" +
			`    -d '{"taskName":"合同","initiatorUserId":"u1","files":[{"fileId":"<fileId>","fileName":"a.pdf","fileType":1}],"participants":[{"accountType":"DING_USER","userId":"u2","signRequirements":"2"}]}'`,
		"curl -s " + base + "/readyz",
	} {
		fmt.Fprintln(out, "  "+line)
	}
	fmt.Fprintf(out, `
Sign the flow in progress (it moves from 1 签署中 to 2 完成; its logs fill in):
  curl -s -X POST %[1]s %[2]s %[3]s \
    -d '{"taskId":"%[4]s"}'      # open pcUrl in a browser and press 签署, once per signer
  e签宝 calls back %[5]s; every change is pushed to %[6]s's noticeUrl as DingTalk
  documents it ({"action":"SIGN","taskId":…,"bizData":{"status":"RUNNING|FINISH|…"}}),
  signed in X-Esigngw-Signature with event_token %[8]s (event_aes_key %[9]s only
  for apps with event_crypto), to the demo ISV at %[7]s, which prints each event
  as "ISV received event: {...}".
`, url("GetExecuteUrl", "esign_2.0"), auth, json, seed.doing, base+service.DefaultCallbackPath, demoCorp, noticeURL, eventToken, eventAESKey)
}
