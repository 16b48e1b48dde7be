package app

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// loginWith posts a sign-in with the given forwarding headers and returns
// the response (its body closed).
func loginWith(t *testing.T, ta *testApp, email, password string, header ...string) *http.Response {
	t.Helper()
	b := ta.browser(t)
	_, login := b.get("/login")
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {csrfFrom(login)}}
	req, _ := http.NewRequest("POST", ta.srv.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func cookiesSecure(res *http.Response) (n, secure int) {
	for _, c := range res.Cookies() {
		n++
		if c.Secure {
			secure++
		}
	}
	return n, secure
}

func TestCookiesAreSecureWhenATrustedProxySaysHTTPS(t *testing.T) {
	trusted := newTestAppWith(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	res := loginWith(t, trusted, "view@example.com", testPassword, "X-Forwarded-Proto", "https")
	if n, secure := cookiesSecure(res); res.StatusCode != http.StatusSeeOther || n == 0 || secure != n {
		t.Fatalf("through a trusted proxy over HTTPS: %d, %d of %d cookies Secure", res.StatusCode, secure, n)
	}
	res = loginWith(t, trusted, "view@example.com", testPassword)
	if n, secure := cookiesSecure(res); n == 0 || secure != 0 {
		t.Fatalf("through a trusted proxy over plain HTTP: %d of %d cookies Secure", secure, n)
	}
	// Anyone else saying HTTPS is not believed: a cookie marked Secure on a
	// plain HTTP site would simply be lost.
	untrusted := newTestApp(t)
	res = loginWith(t, untrusted, "view@example.com", testPassword, "X-Forwarded-Proto", "https")
	if n, secure := cookiesSecure(res); n == 0 || secure != 0 {
		t.Fatalf("an untrusted X-Forwarded-Proto: %d of %d cookies Secure", secure, n)
	}
}

// Behind a trusted proxy each client address has its own limits: failing
// to sign in as someone from one address does not lock them out at
// another, and one address trying many accounts is stopped.
func TestBehindATrustedProxyNobodyCanLockAPersonOut(t *testing.T) {
	ta := newTestAppWith(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	var last int
	for range 8 {
		last = loginWith(t, ta, "view@example.com", "not the password", "X-Forwarded-For", "198.51.100.1").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("the attacker's address after eight failures: %d, want 429", last)
	}
	if res := loginWith(t, ta, "view@example.com", testPassword, "X-Forwarded-For", "198.51.100.2"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the person from their own address: %d, want signed in", res.StatusCode)
	}
	for i := range 40 {
		last = loginWith(t, ta, "nobody"+strings.Repeat("x", i)+"@example.com", "guess", "X-Forwarded-For", "198.51.100.3").StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("one address trying forty accounts: %d, want 429", last)
	}
}

// An IPv6 client holds a whole /64 and could take a new address for each
// attempt; the limits count the network, not the address. A sign-in that
// goes through is audited with the address it came from.
func TestAnIPv6ClientCannotDodgeTheLimitsByChangingAddress(t *testing.T) {
	ta := newTestAppWith(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	var last int
	for i := range 8 {
		last = loginWith(t, ta, "view@example.com", "not the password", "X-Forwarded-For", fmt.Sprintf("2001:db8:1:2::%x", i+1)).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("eight failures from eight addresses of one /64: %d, want 429", last)
	}
	if res := loginWith(t, ta, "view@example.com", testPassword, "X-Forwarded-For", "2001:db8:1:3::1"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the person from their own network: %d, want signed in", res.StatusCode)
	}
	log, err := ta.users.AuditLog(context.Background(), 5)
	if err != nil || len(log) == 0 {
		t.Fatalf("%+v %v", log, err)
	}
	if e := log[0]; e.Action != auth.AuditSignIn || e.Actor != "view@example.com" || e.Detail != "password from 2001:db8:1:3::1" {
		t.Errorf("the sign-in's audit line: %+v", e)
	}
}

func TestTrustedProxiesAreParsedOrRefusedInWords(t *testing.T) {
	got, err := ParseProxies(" 10.0.0.0/8, 192.168.1.7 ,::1")
	if err != nil || len(got) != 3 || got[1].String() != "192.168.1.7/32" || got[2].String() != "::1/128" {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := ParseProxies("10.0.0.0/8,proxy.local"); err == nil || !strings.Contains(err.Error(), "proxy.local") {
		t.Fatalf("a name: %v", err)
	}
}
