package esigntest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// urlLifetime is how long upload and download URLs stay valid (§3.2).
const urlLifetime = time.Hour

// forbiddenNameChars may not appear in file names or business scenes (§3).
const forbiddenNameChars = `/\:*"<>|?`

var (
	errFileMissing = bizErr(1430608, "合同不存在")
	errFileNotUp   = bizErr(1430603, "获取合同下载地址失败")
	pageRe         = regexp.MustCompile(`/Type\s*/Page(?:[^s]|$)`)
	mediaBoxRe     = regexp.MustCompile(`/MediaBox\s*\[\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\]`)
)

func (s *Server) fileRoutes() {
	s.handle("POST /v1/files/getUploadUrl", s.uploadURL)
	s.handle("GET /v1/files/{fileId}", s.fileInfo)
	s.handle("GET /v1/files/{fileId}/status", s.fileStatus)
	s.open.HandleFunc("PUT /oss/upload/{fileId}", s.ossUpload)
	s.open.HandleFunc("GET /oss/download/{fileId}", s.ossDownload)
}

func (s *Server) uploadURL(r *http.Request) (any, error) {
	var req struct {
		ContentMd5  *string          `json:"contentMd5"`
		ContentType *string          `json:"contentType"`
		Convert2Pdf *bool            `json:"convert2Pdf"`
		FileName    *string          `json:"fileName"`
		FileSize    *json.RawMessage `json:"fileSize"`
	}
	if err := decodeBody(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.ContentMd5 == nil || *req.ContentMd5 == "":
		return nil, paramErr("contentMd5不能为空")
	case req.ContentType == nil || *req.ContentType == "":
		return nil, paramErr("contentType不能为空")
	case req.Convert2Pdf == nil:
		return nil, paramErr("convert2Pdf不能为空")
	case req.FileName == nil || *req.FileName == "":
		return nil, paramErr("fileName不能为空")
	case req.FileSize == nil:
		return nil, paramErr("fileSize不能为空")
	}
	if ct := *req.ContentType; ct != "application/octet-stream" && ct != "application/pdf" {
		return nil, paramErr("contentType仅支持application/octet-stream或application/pdf")
	}
	if sum, err := base64.StdEncoding.DecodeString(*req.ContentMd5); err != nil || len(sum) != 16 {
		return nil, paramErr("contentMd5格式错误")
	}
	size, err := strconv.ParseInt(strings.Trim(string(*req.FileSize), `"`), 10, 64)
	if err != nil || size <= 0 {
		return nil, paramErr("fileSize格式错误")
	}
	if err := checkName("fileName", *req.FileName); err != nil {
		return nil, err
	}
	if ext := path.Ext(*req.FileName); len(ext) < 2 {
		return nil, paramErr("fileName需包含文件后缀")
	}
	f := &file{ID: newID(), Name: *req.FileName, ContentMD5: *req.ContentMd5,
		ContentType: *req.ContentType, Size: size, Convert: *req.Convert2Pdf}
	s.mu.Lock()
	s.st.files[f.ID] = f
	s.mu.Unlock()
	return map[string]string{"fileId": f.ID, "uploadUrl": s.ossURL(r, "upload", f.ID, "")}, nil
}

// checkName rejects the characters e签宝 forbids in names.
func checkName(field, name string) error {
	if strings.ContainsAny(name, forbiddenNameChars) {
		return paramErr(field + "不能包含特殊字符" + forbiddenNameChars)
	}
	return nil
}

func (s *Server) fileInfo(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.files[r.PathValue("fileId")]
	if f == nil {
		return nil, errFileMissing
	}
	if f.Status == fileNotUploaded {
		return nil, errFileNotUp
	}
	w, h := pageSize(f.Data)
	return map[string]any{"fileId": f.ID, "name": f.Name, "size": f.Size, "status": f.Status,
		"downloadUrl": s.ossURL(r, "download", f.ID, ""), "pdfTotalPages": pageCount(f.Data),
		"pageWidth": w, "pageHeight": h}, nil
}

// fileStatus is GET /v1/files/{fileId}/status, the endpoint the docs name
// for polling (v1-files-get.md): 0 before the upload, never 1430603.
func (s *Server) fileStatus(r *http.Request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.st.files[r.PathValue("fileId")]
	if f == nil {
		return nil, bizErr(1430613, "查询合同上传状态失败: 合同不存在")
	}
	return map[string]any{"status": f.Status}, nil
}

// pageCount counts page objects ("/Type /Page" but not "/Pages"), at least 1.
func pageCount(b []byte) int {
	if n := len(pageRe.FindAllIndex(b, -1)); n > 0 {
		return n
	}
	return 1
}

// pageSize reads the first MediaBox, defaulting to A4 in points.
func pageSize(b []byte) (w, h float64) {
	m := mediaBoxRe.FindSubmatch(b)
	if m == nil {
		return 595, 842
	}
	var v [4]float64
	for i := range v {
		v[i], _ = strconv.ParseFloat(string(m[i+1]), 64)
	}
	return v[2] - v[0], v[3] - v[1]
}

// ossURL presigns an emulator OSS URL; flowID selects a flow's signed copy.
func (s *Server) ossURL(r *http.Request, kind, fileID, flowID string) string {
	exp := strconv.FormatInt(s.now().Add(urlLifetime).Unix(), 10)
	q := url.Values{"Expires": {exp}, "OSSAccessKeyId": {"esigntest"},
		"Signature": {s.ossSignature(kind, fileID, flowID, exp)}}
	if flowID != "" {
		q.Set("flowId", flowID)
	}
	return s.baseURL(r) + "/oss/" + kind + "/" + fileID + "?" + q.Encode()
}

func (s *Server) ossSignature(kind, fileID, flowID, exp string) string {
	return signBase64(s.cfg.AppSecret, "oss\n"+kind+"\n"+fileID+"\n"+flowID+"\n"+exp)
}

// ossCheck validates a presigned URL like OSS, writing the XML error.
func (s *Server) ossCheck(w http.ResponseWriter, r *http.Request, kind string) bool {
	q := r.URL.Query()
	exp, err := strconv.ParseInt(q.Get("Expires"), 10, 64)
	if err != nil || q.Get("Signature") != s.ossSignature(kind, r.PathValue("fileId"), q.Get("flowId"), q.Get("Expires")) {
		ossError(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return false
	}
	if s.now().Unix() > exp {
		ossError(w, http.StatusForbidden, "AccessDenied", "Request has expired.")
		return false
	}
	return true
}

func ossError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error>\n  <Code>" + code +
		"</Code>\n  <Message>" + msg + "</Message>\n  <RequestId>" + newID()[:24] +
		"</RequestId>\n  <HostId>esigntest</HostId>\n</Error>\n"))
}

// ossUpload takes the file bytes. Content-Type and Content-MD5 are part of
// the presigned signature, so a header differing from the declared value
// is 403 SignatureDoesNotMatch; bytes not matching Content-MD5 are 400
// InvalidDigest, as on OSS.
func (s *Server) ossUpload(w http.ResponseWriter, r *http.Request) {
	if !s.ossCheck(w, r, "upload") {
		return
	}
	s.mu.Lock()
	f := s.st.files[r.PathValue("fileId")]
	var declType, declMD5 string
	var declSize int64
	if f != nil {
		declType, declMD5, declSize = f.ContentType, f.ContentMD5, f.Size
	}
	s.mu.Unlock()
	if f == nil {
		ossError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if r.Header.Get("Content-Type") != declType || r.Header.Get("Content-MD5") != declMD5 {
		ossError(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	body, err := readAllLimit(r, declSize+1)
	if err != nil {
		ossError(w, http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
		return
	}
	if contentMD5(body) != declMD5 {
		ossError(w, http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
		return
	}
	if int64(len(body)) != declSize {
		ossError(w, http.StatusBadRequest, "InvalidArgument", "The file size does not match the declared fileSize.")
		return
	}
	s.mu.Lock()
	f.Data, f.Status = body, fileUploaded
	if f.Convert {
		// Conversion is asynchronous (v1-files-getUploadUrl.md); with
		// HoldConversion the file waits at 4 until ConvertFile.
		f.Status = fileConverted
		if s.cfg.HoldConversion {
			f.Status = fileAwaitConvert
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"errCode": 0, "msg": "成功"})
}

func (s *Server) ossDownload(w http.ResponseWriter, r *http.Request) {
	if !s.ossCheck(w, r, "download") {
		return
	}
	flowID := r.URL.Query().Get("flowId")
	s.mu.Lock()
	f := s.st.files[r.PathValue("fileId")]
	var data []byte
	var name, ctype string
	if f != nil && f.Status != fileNotUploaded {
		data, name, ctype = f.Data, f.Name, f.ContentType
		if fl := s.st.flows[flowID]; fl != nil {
			data, name = signedCopy(fl, f), docName(fl, f)
		}
	}
	s.mu.Unlock()
	if data == nil {
		ossError(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if flowID != "" || f.Convert {
		ctype = "application/pdf"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// signedCopy is the "signed" document: the original bytes plus a trailer
// naming the flow and its signers, so tests can tell it from the upload.
func signedCopy(fl *flow, f *file) []byte {
	out := append([]byte{}, f.Data...)
	out = append(out, "\n%esigntest signed flow="+fl.ID...)
	for _, sg := range fl.Signers {
		if sg.Status == signerSigned {
			out = append(out, " signer="+sg.Account...)
		}
	}
	return append(out, '\n')
}

func docName(fl *flow, f *file) string {
	for _, d := range fl.Docs {
		if d.FileID == f.ID && d.FileName != "" {
			return d.FileName
		}
	}
	return f.Name
}

func readAllLimit(r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, limit))
}
