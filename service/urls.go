package service

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"esign-gateway/dingtalk"
)

// maxURLLen bounds noticeUrl and redirectUrl.
const maxURLLen = 1024

// checkURL validates a URL a client gives the gateway to call or to send a
// browser to: http or https only, bounded length, and, unless private
// addresses are allowed, no loopback, link-local, private or unspecified
// address and no localhost (the gateway must not be steered at its own
// network). Hostnames are resolved again when an event is delivered.
func (s *core) checkURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	if len(raw) > maxURLLen {
		return dingtalk.ErrInvalidParam.Msg("参数错误:%s过长（最多%d字符）", field, maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return dingtalk.ErrInvalidParam.Msg("参数错误:%s必须是http或https地址", field)
	}
	if s.cfg.AllowPrivateURLs {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") || strings.HasSuffix(host, ".internal") {
		return dingtalk.ErrInvalidParam.Msg("参数错误:%s不能指向本机或内网地址", field)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !PublicIP(ip) {
		return dingtalk.ErrInvalidParam.Msg("参数错误:%s不能指向本机或内网地址", field)
	}
	return nil
}

// PublicIP reports whether ip is a public unicast address. IPv6 ranges
// that carry an IPv4 address (NAT64, IPv4-compatible, 6to4) are judged by
// that address or refused: through a NAT64 gateway 64:ff9b::7f00:1 is
// 127.0.0.1.
func PublicIP(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() {
		for _, p := range embedsIPv4 {
			if p.Contains(ip) {
				return false
			}
		}
		if sixToFour.Contains(ip) {
			b := ip.As16()
			return PublicIP(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !ip.IsUnspecified() && !cgnat.Contains(ip)
}

var (
	cgnat = netip.MustParsePrefix("100.64.0.0/10")
	// embedsIPv4 are refused outright: NAT64's well-known and local-use
	// prefixes (RFC 6052, 8215) and IPv4-compatible addresses (::/96).
	embedsIPv4 = []netip.Prefix{netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("::/96")}
	sixToFour = netip.MustParsePrefix("2002::/16") // 2002:AABB:CCDD:: carries A.B.C.D
)

// PublicOnlyDialer refuses connections to non-public addresses after DNS
// resolution, so a hostname that resolves to an internal address cannot be
// used to reach it (DNS rebinding).
func PublicOnlyDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{}
	if allowPrivate {
		return d
	}
	d.Control = func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || !PublicIP(ap.Addr()) {
			return &net.AddrError{Err: "address not allowed", Addr: address}
		}
		return nil
	}
	return d
}
