package api

import (
	"embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// The API Explorer: one page, its script and its style, embedded in the
// binary, modelled on DingTalk's API Explorer. It reads /openapi.json and
// calls the gateway from the browser, so it loads nothing but its own
// origin (the CSP says so) and works with no network beyond the machine.

//go:embed explorer/index.html explorer/explorer.js explorer/explorer.css explorer/favicon.svg
var explorerFiles embed.FS

// DemoInfo is what the explorer prefills in demo mode: the demo app's
// credentials and corp. A gateway that is not a demo leaves Config.Demo nil,
// and the explorer then prefills nothing.
type DemoInfo struct {
	SuiteKey    string
	SuiteSecret string
	CorpID      string
}

// explorerCSP allows the page its own origin only: no inline script or
// style, no frames of it elsewhere.
const explorerCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

type explorerConfig struct {
	Demo        bool   `json:"demo" doc:"是否演示模式 / demo mode"`
	SuiteKey    string `json:"suiteKey,omitempty" doc:"演示应用 / the demo app"`
	SuiteSecret string `json:"suiteSecret,omitempty" doc:"演示应用密钥 / the demo app's secret"`
	CorpID      string `json:"corpId,omitempty" doc:"演示企业 / the demo corp"`
}

// explorerFile serves one embedded file of the explorer.
func explorerFile(name, contentType string) gin.HandlerFunc {
	body, err := explorerFiles.ReadFile("explorer/" + name)
	if err != nil {
		panic("explorer: " + err.Error()) // embedded at build time
	}
	return func(c *gin.Context) {
		c.Header("Content-Security-Policy", explorerCSP)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, contentType, body)
	}
}

// explorerSettings serves what the explorer prefills: the demo app's
// credentials in demo mode, nothing otherwise.
func explorerSettings(demo *DemoInfo) gin.HandlerFunc {
	cfg := explorerConfig{}
	if demo != nil {
		cfg = explorerConfig{Demo: true, SuiteKey: demo.SuiteKey, SuiteSecret: demo.SuiteSecret, CorpID: demo.CorpID}
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.JSON(http.StatusOK, cfg)
	}
}
