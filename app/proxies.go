package app

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
)

// ParseProxies reads --trusted-proxies: addresses or CIDR ranges, comma
// separated.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, pier.Errorf(pier.EInvalid, "--trusted-proxies: %q is not an address or a CIDR range such as 10.0.0.0/8", part)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, pier.Errorf(pier.EInvalid, "--trusted-proxies: %q is not an address or a CIDR range such as 10.0.0.0/8", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// ipExtractor takes the client's address from the connection, or from
// X-Forwarded-For only when the connection comes from a trusted proxy,
// so nobody can dodge the sign-in limits by writing the header.
func (a *App) ipExtractor() echo.IPExtractor {
	if len(a.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	// echo trusts loopback, link-local and private ranges unless told not
	// to; only the ranges given are trusted.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range a.cfg.TrustedProxies {
		_, n, _ := net.ParseCIDR(p.String())
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// fromTrustedProxy reports whether the connection itself comes from one
// of the trusted proxies.
func (a *App) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range a.cfg.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// arrivedOverTLS reports whether the person's browser used HTTPS: the
// connection is TLS, or a trusted proxy says it terminated TLS.
func (a *App) arrivedOverTLS(r *http.Request) bool {
	return r.TLS != nil || (a.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// siteURL is where people reach Pier: --public-url, or the address this
// request came to (HTTPS only when arrivedOverTLS says so). Links built
// from a request's Host are kept only where an admin made the request
// (webhook links) or shown back to the person who made it.
func (a *App) siteURL(c echo.Context) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimRight(a.cfg.PublicURL, "/")
	}
	scheme := "http"
	if a.arrivedOverTLS(c.Request()) {
		scheme = "https"
	}
	return scheme + "://" + c.Request().Host
}

// secureCookies marks every cookie of the response Secure when the
// request arrived over TLS, whichever part of Pier set it (sessions,
// CSRF), so a cookie given over HTTPS is never sent back in clear.
func (a *App) secureCookies(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if a.arrivedOverTLS(c.Request()) {
			c.Response().Writer = &secureWriter{ResponseWriter: c.Response().Writer}
		}
		return next(c)
	}
}

type secureWriter struct {
	http.ResponseWriter
	done bool
}

func (w *secureWriter) WriteHeader(code int) {
	if !w.done {
		w.done = true
		h := w.Header()
		for i, v := range h["Set-Cookie"] {
			if !strings.Contains(strings.ToLower(v), "; secure") {
				h["Set-Cookie"][i] = v + "; Secure"
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *secureWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *secureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
