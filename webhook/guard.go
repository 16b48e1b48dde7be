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

// reserved are ranges a webhook has no business reaching although netip
// calls none of them private: shared (carrier-grade NAT) space, IETF
// protocol, documentation and benchmarking ranges, "this network" and the
// future-use block; in IPv6 the deprecated IPv4-compatible and site-local
// ranges, local-use NAT64, Teredo (whose IPv4 address is hidden),
// documentation and discard.
var reserved = prefixes(
	"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
	"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
	"::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "fec0::/10",
)

// carriers are IPv6 ranges that reach an IPv4 address written inside
// them: NAT64 (RFC 6052) and IPv4-translated addresses in their last four
// bytes, 6to4 in bytes 2 to 5. Such an address is as internal as the IPv4
// address it carries, so a webhook to a public host still works on an
// IPv6-only network with DNS64.
var carriers = []struct {
	prefix netip.Prefix
	at     int
}{
	{netip.MustParsePrefix("64:ff9b::/96"), 12},
	{netip.MustParsePrefix("::ffff:0:0:0/96"), 12},
	{netip.MustParsePrefix("2002::/16"), 2},
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// internal reports whether ip is an address a webhook must not reach
// unless an admin allowed it: private, loopback, link-local, multicast,
// reserved, or one of this host's own addresses (a service listening on a
// public address of this machine is as internal as one on localhost).
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, c := range carriers {
		if c.prefix.Contains(ip) {
			b := ip.As16()
			return internal(netip.AddrFrom4([4]byte(b[c.at : c.at+4])))
		}
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return ownAddress(ip)
}

// ownAddress reports whether ip is an address of one of this host's
// interfaces, read afresh each time: addresses change, and a webhook is
// checked rarely.
func ownAddress(ip netip.Addr) bool {
	addrs, err := interfaceAddrs()
	if err != nil {
		return true // cannot tell: refuse
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if own, ok := netip.AddrFromSlice(n.IP); ok && own.Unmap() == ip {
				return true
			}
		}
	}
	return false
}

// interfaceAddrs is net.InterfaceAddrs, replaced in tests.
var interfaceAddrs = net.InterfaceAddrs

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
