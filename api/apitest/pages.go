package apitest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"time"

	"esign-gateway/esign/esigntest"
)

// PostPage POSTs one of the gateway's pages as a browser on that page
// does: with the gateway's own Origin (server.public_url).
func (g *Gateway) PostPage(path string) *Response {
	g.T.Helper()
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Origin", g.URL)
	return g.Serve(req)
}

// Consent does what a corp's admin does on the consent page: POST it
// (which must send them on to e签宝's authorization page), act on that
// page as v says (the emulator sends AUTHORIZE_FINISH if they agree), and
// come back to the consent page, whose answer is returned.
func (g *Gateway) Consent(path string, v esigntest.AuthVisit) *Response {
	g.T.Helper()
	res := g.PostPage(path)
	id := g.Emulator.AuthFlowOf(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || id == "" {
		g.T.Fatalf("consent POST %s: got %d to %q %.300s, want 303 to e签宝's authorization page", path, res.Status,
			res.Header.Get("Location"), res.Raw)
	}
	if err := g.Emulator.CompleteAuthFlow(id, v); err != nil {
		g.T.Fatalf("e签宝 authorization page: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := g.Emulator.WaitCallbacks(ctx); err != nil {
		g.T.Fatalf("emulator callbacks: %v", err)
	}
	return g.Do(http.MethodGet, path, "", nil)
}
