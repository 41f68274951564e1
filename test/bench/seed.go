package main

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"esign-gateway/api"
	"esign-gateway/esign/check"
	"esign-gateway/service"
)

// pdf is a small document to sign.
var pdf = check.OnePagePDF

// seed does what a DingTalk app would, through HTTP only: a corp token
// (GetCorpAccessToken), an upload (GetFileUploadUrl, then
// the PUT to e签宝), a flow with two signers (CreateProcess), and one
// GetFlowDetail, which also fills the gateway's name cache.
func (g *gateway) seed() error {
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	if err := g.call("POST", routePath("GetCorpAccessToken", "oauth2_1.0"), map[string]any{"suiteKey": suiteKey,
		"suiteSecret": suiteSecret, "authCorpId": benchCorp, "suiteTicket": "bench"}, &tok); err != nil {
		return err
	}
	g.Token = tok.AccessToken
	sum := md5.Sum(pdf)
	md := base64.StdEncoding.EncodeToString(sum[:])
	var up struct {
		FileID    string `json:"fileId"`
		UploadURL string `json:"uploadUrl"`
	}
	if err := g.call("POST", routePath("GetFileUploadUrl", "esign_2.0"), map[string]any{"contentMd5": md,
		"contentType": "application/pdf", "convert2Pdf": false, "fileName": "合同.pdf", "fileSize": len(pdf)}, &up); err != nil {
		return err
	}
	req, _ := http.NewRequest("PUT", up.UploadURL, bytes.NewReader(pdf))
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Content-MD5", md)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("upload: %d", res.StatusCode)
	}
	var task struct {
		TaskID string `json:"taskId"`
	}
	if err := g.call("POST", routePath("CreateProcess", "esign_2.0"), map[string]any{
		"taskName": "劳动合同", "initiatorUserId": "u1",
		"files": []map[string]any{{"fileId": up.FileID, "fileName": "合同.pdf", "fileType": 1}},
		"participants": []map[string]any{
			{"accountType": "DING_USER", "userId": "u1", "accountName": "张三", "signRequirements": "1", "signOrder": 1},
			{"accountType": "DING_USER", "userId": "u2", "accountName": "李四", "signRequirements": "2", "signOrder": 2},
		}}, &task); err != nil {
		return err
	}
	g.TaskID = task.TaskID
	return g.call("GET", g.detailPath(), nil, nil)
}

func (g *gateway) detailPath() string {
	return strings.Replace(routePath("GetFlowDetail", "esign_2.0"), ":taskId", g.TaskID, 1)
}

// routePath is an action's path from the gateway's action table.
func routePath(action, version string) string {
	_, p := api.Route(action, version)
	return p
}

// call sends one JSON request with the gateway's token and decodes a 200
// answer into out.
func (g *gateway) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, g.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if g.Token != "" {
		req.Header.Set(service.TokenHeader, g.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// keepAliveRSS opens n keep-alive connections to the gateway and sends
// one GetFlowDetail on each, at most inFlight at a time (as the closed loop
// does), then holds them all open and idle and returns the gateway's peak
// RSS.
func (g *gateway) keepAliveRSS(n, inFlight int) (int64, error) {
	host := strings.TrimPrefix(g.URL, "http://")
	raw := "GET " + g.detailPath() + " HTTP/1.1\r\nHost: " + host + "\r\n" + service.TokenHeader + ": " + g.Token + "\r\n\r\n"
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for len(conns) < n {
		start := len(conns)
		for len(conns) < n && len(conns)-start < inFlight {
			c, err := net.DialTimeout("tcp", host, 5*time.Second)
			if err != nil {
				return 0, fmt.Errorf("connection %d: %w", len(conns)+1, err)
			}
			conns = append(conns, c)
			if _, err := io.WriteString(c, raw); err != nil {
				return 0, err
			}
		}
		for i, c := range conns[start:] {
			if err := readOK(c); err != nil {
				return 0, fmt.Errorf("connection %d: %w", start+i+1, err)
			}
		}
	}
	return peakRSS(g.pid())
}

// readOK reads one response from c and checks it is a 200.
func readOK(c net.Conn) error {
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}
