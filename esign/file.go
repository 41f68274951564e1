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

// File returns an uploaded file's details and download address. e签宝
// says not to poll it: use FileStatus. GET /v1/files/{fileId}
func (c *Client) File(ctx context.Context, fileID string) (*File, error) {
	var f File
	if err := c.do(ctx, "File", http.MethodGet, "/v1/files/"+url.PathEscape(fileID), nil, nil, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// FileStatus returns a file's status (0–9; usable in a flow at 2 or 5),
// the endpoint e签宝 names for polling. GET /v1/files/{fileId}/status
func (c *Client) FileStatus(ctx context.Context, fileID string) (int, error) {
	var data struct {
		Status int `json:"status"`
	}
	if err := c.do(ctx, "FileStatus", http.MethodGet, "/v1/files/"+url.PathEscape(fileID)+"/status", nil, nil, &data); err != nil {
		return 0, err
	}
	return data.Status, nil
}

// FileUsable reports whether a file status lets the file into a flow.
func FileUsable(status int) bool { return status == 2 || status == 5 }
