package esigntest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFiles(t *testing.T) {
	e := newEnv(t, nil)
	good := map[string]any{"contentMd5": b64md5(samplePDF), "contentType": "application/pdf",
		"convert2Pdf": false, "fileName": "合同.pdf", "fileSize": len(samplePDF)}
	for _, field := range []string{"contentMd5", "contentType", "convert2Pdf", "fileName", "fileSize"} {
		bad := map[string]any{}
		for k, v := range good {
			if k != field {
				bad[k] = v
			}
		}
		e.wantCode(1435002, "POST", "/v1/files/getUploadUrl", nil, bad)
	}
	for _, name := range []string{"合同", "a/b.pdf", "a?.pdf", `a"b.pdf`} {
		bad := map[string]any{}
		for k, v := range good {
			bad[k] = v
		}
		bad["fileName"] = name
		e.wantCode(1435002, "POST", "/v1/files/getUploadUrl", nil, bad)
	}
	var u struct{ FileID, UploadURL string }
	e.ok("POST", "/v1/files/getUploadUrl", nil, good, &u)
	if !strings.HasPrefix(u.UploadURL, e.s.URL()+"/oss/upload/"+u.FileID+"?") || len(u.FileID) != 32 {
		t.Errorf("got %+v", u)
	}
	e.wantCode(1430603, "GET", "/v1/files/"+u.FileID, nil, nil)
	e.wantCode(1430608, "GET", "/v1/files/nothing", nil, nil)

	put := func(ctype, md5 string, body []byte) (int, string) {
		req, _ := http.NewRequest("PUT", u.UploadURL, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		if md5 != "" {
			req.Header.Set("Content-MD5", md5)
		}
		status, _, b := send(t, nil, req)
		return status, string(b)
	}
	tampered := append([]byte{}, samplePDF...)
	tampered[10] ^= 1
	tests := []struct {
		name, ctype, md5 string
		body             []byte
		status           int
		want             string
	}{
		{"wrong content type", "application/octet-stream", b64md5(samplePDF), samplePDF, 403, "SignatureDoesNotMatch"},
		{"missing Content-MD5", "application/pdf", "", samplePDF, 403, "SignatureDoesNotMatch"},
		{"Content-MD5 not declared", "application/pdf", b64md5(tampered), tampered, 403, "SignatureDoesNotMatch"},
		{"bytes differ", "application/pdf", b64md5(samplePDF), tampered, 400, "InvalidDigest"},
		{"ok", "application/pdf", b64md5(samplePDF), samplePDF, 200, `{"errCode":0,"msg":"成功"}`},
	}
	for _, tt := range tests {
		if status, b := put(tt.ctype, tt.md5, tt.body); status != tt.status || !strings.Contains(b, tt.want) {
			t.Errorf("%s: got %d %s, want %d %s", tt.name, status, b, tt.status, tt.want)
		}
	}
	var f struct {
		FileID, Name, DownloadURL string
		Size                      int64
		Status, PdfTotalPages     int
		PageWidth, PageHeight     float64
	}
	e.ok("GET", "/v1/files/"+u.FileID, nil, nil, &f)
	if f.Status != 2 || f.PdfTotalPages != 2 || f.Name != "合同.pdf" || f.Size != int64(len(samplePDF)) || f.PageWidth != 612 || f.PageHeight != 792 {
		t.Errorf("got %+v", f)
	}
	if status, _, b := send(t, nil, mustGet(t, f.DownloadURL)); status != 200 || !bytes.Equal(b, samplePDF) {
		t.Errorf("download: got %d, %d bytes", status, len(b))
	}
	if status, _, _ := send(t, nil, mustGet(t, strings.Replace(f.DownloadURL, "Signature=", "Signature=x", 1))); status != 403 {
		t.Errorf("tampered download: got %d, want 403", status)
	}
	e.clk.Add(61 * time.Minute)
	if status, b := put("application/pdf", b64md5(samplePDF), samplePDF); status != 403 || !strings.Contains(b, "AccessDenied") {
		t.Errorf("expired upload: got %d %s", status, b)
	}
}
