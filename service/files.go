package service

import (
	"context"
	"path"
	"strings"

	"esign-gateway/dingtalk"
	"esign-gateway/esign"
	"esign-gateway/service/store"
)

// Files keeps the corp's uploaded files at e签宝.
type Files service

// UploadURL is GetUploadUrl/GetFileUploadUrl: an e签宝 upload address
// (POST /v1/files/getUploadUrl) for a file that then belongs to the caller's
// corp. The client PUTs the bytes to uploadUrl itself, as with DingTalk.
func (s *Files) UploadURL(ctx context.Context, req *dingtalk.UploadURLRequest) (*dingtalk.UploadURL, error) {
	if strings.ContainsAny(req.FileName, `/\:*"<>|?`) || path.Ext(req.FileName) == "" || len(req.FileName) > 200 {
		return nil, dingtalk.ErrInvalidParam.Msg("参数错误:fileName需带扩展名且不能包含/\\:*\"<>|?")
	}
	corpID, err := s.authorizedCorp(ctx)
	if err != nil {
		return nil, err
	}
	conv := req.Convert2Pdf != nil && *req.Convert2Pdf
	up, err := s.esign.UploadURL(ctx, &esign.UploadURLRequest{ContentMd5: req.ContentMd5, ContentType: req.ContentType,
		Convert2Pdf: conv, FileName: req.FileName, FileSize: *req.FileSize})
	if err != nil {
		return nil, s.upstreamError("file_upload_url", err)
	}
	f := &store.File{ID: up.FileID, CorpID: corpID, Name: req.FileName, Size: *req.FileSize, ContentType: req.ContentType, CreatedAt: s.nowMs()}
	if err := s.store.PutFile(context.WithoutCancel(ctx), f); err != nil {
		return nil, storeError(err, nil)
	}
	return &dingtalk.UploadURL{FileID: up.FileID, UploadURL: up.UploadURL}, nil
}

// Info is GetFile/GetFileInfo: GET /v1/files/{fileId} for a file of the
// caller's corp.
func (s *Files) Info(ctx context.Context, fileID string) (*dingtalk.FileInfo, error) {
	if !validID(fileID) {
		return nil, dingtalk.Field("fileId")
	}
	if err := s.ownFile(ctx, caller(ctx).CorpID, fileID); err != nil {
		return nil, err
	}
	f, err := s.esign.File(ctx, fileID)
	if err != nil {
		return nil, s.upstreamError("file", err)
	}
	return &dingtalk.FileInfo{DownloadURL: f.DownloadURL, FileID: f.FileID, Name: f.Name, PdfTotalPages: f.PdfTotalPages, Size: f.Size, Status: fileStatus(f.Status)}, nil
}

// ownFile checks that a file belongs to corpID; another corp's file is
// reported exactly like a missing one.
func (s *core) ownFile(ctx context.Context, corpID, fileID string) error {
	if !validID(fileID) {
		return dingtalk.ErrFileNotFound
	}
	f, err := s.store.File(ctx, fileID)
	if err != nil {
		return storeError(err, dingtalk.ErrFileNotFound)
	}
	if f.CorpID != corpID {
		return dingtalk.ErrFileNotFound
	}
	return nil
}

// fileStatus is the file status DingTalk documents (0-7) for e签宝's st:
// e签宝's 8 转换中 is still 4 等待转pdf, its 9 转换失败 is 3 上传失败.
func fileStatus(st int) int {
	switch st {
	case 8:
		return 4
	case 9:
		return 3
	}
	return st
}
