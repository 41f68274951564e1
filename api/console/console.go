// Package console is the operator console: server-rendered pages (html/
// template, embedded, no script) behind a login that turns the admin
// token into a session cookie. It reads and acts through the services
// only, and writes every admin action to the store's audit log.
package console

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"esign-gateway/service"
)

// Defaults of Config's zero values.
const (
	DefaultSessionTTL = 8 * time.Hour
	DefaultStuckAfter = time.Hour
)

// Config is what the console needs. Zero values mean the defaults named.
type Config struct {
	Service *service.Service
	// AdminToken is what the login page takes, and what scripts send as
	// Authorization: Bearer. Empty leaves the console unmounted.
	AdminToken string
	// Secret keys the session cookies, with the admin token; every replica
	// must have the same. Empty means the admin token alone.
	Secret string
	// SessionTTL is a session's lifetime; 0 means DefaultSessionTTL.
	SessionTTL time.Duration
	// Secure marks the cookie Secure (the public URL is https).
	Secure bool
	// StuckAfter is how long an unfinished sign flow may stay unchanged
	// before the Tasks page lists it as stuck; 0 means DefaultStuckAfter.
	StuckAfter time.Duration
	Version    string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// console serves the pages.
type console struct {
	cfg  Config
	svc  *service.Service
	ses  *sessions
	page *pages
}

// Base is where the console lives.
const Base = "/console"

// Mount adds the console's routes to r; with no admin token it adds none.
func Mount(r gin.IRouter, cfg Config) {
	if cfg.AdminToken == "" {
		return
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.StuckAfter <= 0 {
		cfg.StuckAfter = DefaultStuckAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &console{cfg: cfg, svc: cfg.Service, page: newPages(),
		ses: &sessions{key: deriveKey(cfg.Secret, cfg.AdminToken), ttl: cfg.SessionTTL, now: cfg.Now}}
	g := r.Group(Base, headers)
	g.GET("/static/console.css", c.css)
	g.GET("/static/favicon.svg", c.favicon)
	g.GET("/login", c.loginPage)
	g.POST("/login", c.login)
	a := g.Group("", c.auth)
	a.POST("/logout", c.logout)
	a.GET("/", c.overview)
	a.GET("/corps", c.corps)
	a.GET("/tasks", c.tasks)
	a.GET("/tasks/:taskId", c.task)
	a.GET("/events", c.events)
	a.POST("/events/replay", c.replay)
	a.GET("/bind", c.bindPage)
	a.POST("/bind", c.bind)
	a.GET("/audit", c.audit)
}

// headers are every console answer's: no caching, no framing, nothing
// loaded but the console's own stylesheet, forms posting only to itself.
func headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// operator is who is acting, set by auth.
type operator struct {
	Who  string
	CSRF string // "" for bearer callers, who need none
}

const operatorKey = "console.operator"

// auth lets in a session cookie or the admin bearer token. A browser's GET
// without a session goes to the login page; anything else is refused
// with 401. A POST under a session must carry the session's CSRF token
// (403 otherwise): the cookie alone proves nothing about who made the
// page post. Bearer callers send no cookie a third-party page could
// borrow, so they need none.
func (c *console) auth(g *gin.Context) {
	if h := g.GetHeader("Authorization"); h != "" {
		if subtle.ConstantTimeCompare([]byte(h), []byte("Bearer "+c.cfg.AdminToken)) == 1 {
			g.Set(operatorKey, operator{Who: "bearer"})
			g.Next()
			return
		}
		c.fail(g, http.StatusUnauthorized, "管理令牌无效 / invalid admin token")
		return
	}
	ses, err := c.session(g)
	if err != nil {
		if g.Request.Method == http.MethodGet {
			g.Redirect(http.StatusSeeOther, Base+"/login")
			g.Abort()
			return
		}
		c.fail(g, http.StatusUnauthorized, "未登录或会话已过期 / not signed in, or the session expired")
		return
	}
	if g.Request.Method != http.MethodGet && !c.ses.csrfOK(ses.ID, g.PostForm("csrf")) {
		c.fail(g, http.StatusForbidden, "CSRF 令牌缺失或无效，请刷新页面重试 / missing or invalid CSRF token: reload the page and try again")
		return
	}
	g.Set(operatorKey, operator{Who: "console:" + ses.Who, CSRF: c.ses.csrf(ses.ID)})
	g.Next()
}

func (c *console) cookieName() string {
	if c.cfg.Secure {
		return secureSessionCookie
	}
	return sessionCookie
}

func (c *console) session(g *gin.Context) (session, error) {
	v, err := g.Cookie(c.cookieName())
	if err != nil {
		return session{}, errSession
	}
	return c.ses.check(v)
}

func op(g *gin.Context) operator {
	o, _ := g.Get(operatorKey)
	op, _ := o.(operator)
	return op
}

// cleanName keeps an operator name printable and short for the audit log.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40])
	}
	if s == "" {
		s = "admin"
	}
	return s
}
