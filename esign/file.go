package esign

import (
	"context"
	"net/http"
	"net/url"
)

// UploadURL reserves a fileId and returns where to PUT the file's bytes
// (valid for one hour). req.ContentMd5 is base64 of the file's MD5.
// POST /v1/files/getUploadUrl
func (c *Client) UploadURL(ctx context.Context, req *UploadURLRequest) (*UploadURL, error) {
	var u UploadURL
	if err := c.do(ctx, "UploadURL", http.MethodPost, "/v1/files/getUploadUrl", nil, req, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// File returns an uploaded file's state; it is usable in a flow at status 2
// or 5. GET /v1/files/{fileId}
func (c *Client) File(ctx context.Context, fileID string) (*File, error) {
	var f File
	if err := c.do(ctx, "File", http.MethodGet, "/v1/files/"+url.PathEscape(fileID), nil, nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}
