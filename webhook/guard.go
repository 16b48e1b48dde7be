package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/pier-analytics/pier"
)

// sharedSpace is carrier-grade NAT space (RFC 6598), internal like the
// private ranges though netip does not call it private.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// internal reports whether ip is an address a webhook must not reach
// unless an admin allowed it.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || sharedSpace.Contains(ip)
}

// CheckURL refuses a webhook URL that is not http(s), or whose host is or
// resolves to an internal address while allowPrivate is false.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return pier.Errorf(pier.EInvalid, "%q is not a web address; a webhook URL starts with https://.", raw)
	}
	if allowPrivate {
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil {
		return pier.Errorf(pier.EInvalid, "Pier cannot find the host %s: %v.", u.Hostname(), unwrapDNS(err))
	}
	for _, ip := range ips {
		if internal(ip) {
			return pier.Errorf(pier.EInvalid, "%s is an internal address (%s); Pier sends webhooks there only if an admin allows internal addresses.", u.Hostname(), ip.Unmap())
		}
	}
	return nil
}

func unwrapDNS(err error) string {
	if d, ok := err.(*net.DNSError); ok {
		return d.Err
	}
	return err.Error()
}

// refuseInternal is a dialer's Control: it sees the address actually being
// connected to, after DNS, so a name that resolves to an internal address
// later (DNS rebinding) is refused too.
func refuseInternal(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: unexpected address %q", address)
	}
	if internal(ap.Addr()) {
		return fmt.Errorf("webhook: refused to connect to internal address %s", ap.Addr().Unmap())
	}
	return nil
}
