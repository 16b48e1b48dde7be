package app

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"github.com/pier-analytics/pier/auth"
)

// newSSOApp is an app whose single sign-on is a mock OpenID Connect
// provider running in the test, mapping two groups to tiers, strictly.
func newSSOApp(t *testing.T, noPasswords bool) (*testApp, *mockoidc.MockOIDC) {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })
	ta := newTestAppWith(t, Config{NoPasswordSignIn: noPasswords, SSO: &SSOConfig{
		Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
		Scopes: []string{"openid", "email", "profile", "groups"}, Label: "Mock IdP",
		Policy: auth.SSOPolicy{Tiers: auth.GroupTiers{Map: map[string]auth.Tier{"analysts": auth.TierAnalyze, "data-team": auth.TierData, "admins": auth.TierAdmin}, Strict: true}},
	}})
	return ta, m
}

// ssoSignIn follows the whole round trip, Pier → provider → Pier, as a
// browser would, and returns the last response and its page.
func ssoSignIn(t *testing.T, ta *testApp, jar http.CookieJar) (*http.Response, *goquery.Document) {
	t.Helper()
	c := &http.Client{Jar: jar}
	res, err := c.Get(ta.srv.URL + "/login/sso")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	return res, doc
}

func TestSingleSignOnMapsGroupsToTiersAtEverySignIn(t *testing.T) {
	ta, m := newSSOApp(t, false)
	jar, _ := cookiejar.New(nil)
	m.QueueUser(&mockoidc.MockUser{Subject: "1", Email: "Sam@Example.com", EmailVerified: true, PreferredUsername: "sam", Groups: []string{"analysts", "sales"}})
	res, doc := ssoSignIn(t, ta, jar)
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" || !strings.Contains(doc.Find(`[data-testid=viewer]`).Text(), "analyze") {
		t.Fatalf("first sign-in: %d at %s, viewer %q", res.StatusCode, res.Request.URL, doc.Find(`[data-testid=viewer]`).Text())
	}
	u, err := ta.users.UserByEmail(context.Background(), "sam@example.com")
	if err != nil || u.Tier != auth.TierAnalyze || u.MustChangePassword {
		t.Fatalf("the account made at first sign-in: %+v %v", u, err)
	}
	// The provider's groups changed: the tier follows at the next sign-in.
	m.QueueUser(&mockoidc.MockUser{Subject: "1", Email: "sam@example.com", EmailVerified: true, Groups: []string{"analysts", "data-team"}})
	jar2, _ := cookiejar.New(nil)
	if res, doc := ssoSignIn(t, ta, jar2); res.Request.URL.Path != "/" || !strings.Contains(doc.Find(`[data-testid=viewer]`).Text(), "data") {
		t.Fatalf("second sign-in: at %s, viewer %q", res.Request.URL, doc.Find(`[data-testid=viewer]`).Text())
	}
	log, _ := ta.users.AuditLog(context.Background(), 5)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+": "+e.Detail)
	}
	// Two sign-ins and the tier change between them; lines written in the
	// same millisecond have no order between them.
	want := []string{auth.AuditSignIn + ": sso from 127.0.0.1", auth.AuditSignIn + ": sso from 127.0.0.1", auth.AuditSSOTier + ": tier analyze → data from the identity provider's groups"}
	slices.Sort(actions)
	if !slices.Equal(actions, want) {
		t.Fatalf("audit log %q, want %q", actions, want)
	}
	// A disabled account stays out, whatever the provider says.
	off := true
	ta.users.UpdateUser(context.Background(), "sam@example.com", auth.UserChange{Disabled: &off})
	m.QueueUser(&mockoidc.MockUser{Subject: "1", Email: "sam@example.com", EmailVerified: true, Groups: []string{"data-team"}})
	jar3, _ := cookiejar.New(nil)
	if res, doc := ssoSignIn(t, ta, jar3); res.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find(`[data-testid=login-error]`).Text(), "disabled") {
		t.Fatalf("a disabled account: %d", res.StatusCode)
	}
}

func TestSingleSignOnRefusesWhoNoGroupMapsAndForgedCallbacks(t *testing.T) {
	ta, m := newSSOApp(t, false)
	m.QueueUser(&mockoidc.MockUser{Subject: "2", Email: "lee@example.com", EmailVerified: true, Groups: []string{"sales"}})
	jar, _ := cookiejar.New(nil)
	res, doc := ssoSignIn(t, ta, jar)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find(`[data-testid=login-error]`).Text(), "none of your groups") {
		t.Fatalf("an unmapped person: %d %q", res.StatusCode, doc.Find(`[data-testid=login-error]`).Text())
	}
	if _, err := ta.users.UserByEmail(context.Background(), "lee@example.com"); err == nil {
		t.Fatal("an account was made for a person strict mode refused")
	}
	m.QueueUser(unverified{&mockoidc.MockUser{Subject: "3", Email: "kim@example.com", Groups: []string{"analysts"}}})
	if res, _ := ssoSignIn(t, ta, jar); res.StatusCode != http.StatusForbidden {
		t.Fatalf("an unverified e-mail: %d", res.StatusCode)
	}
	// A callback this browser did not start (login CSRF) is refused.
	b := ta.browser(t)
	res, doc = b.get("/login/sso/callback?" + url.Values{"state": {"forged"}, "code": {"whatever"}}.Encode())
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(doc.Find(`[data-testid=login-error]`).Text(), "did not start here") {
		t.Fatalf("a forged callback: %d", res.StatusCode)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed in after a forged callback: %d", res.StatusCode)
	}
}

func TestPasswordSignInCanBeTurnedOff(t *testing.T) {
	ta, _ := newSSOApp(t, true)
	b := ta.browser(t)
	_, login := b.get("/login")
	if login.Find(`#password`).Length() != 0 || login.Find(`[data-testid=login-sso]`).Text() != "Sign in with Mock IdP" {
		t.Fatal("the sign-in page still offers passwords, or no single sign-on")
	}
	// The page has no form; take the form token from its cookie, as a script would.
	token := b.cookie("pier_csrf")
	res, doc := b.post("/login", url.Values{"email": {"view@example.com"}, "password": {testPassword}, "_csrf": {token}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find(`[data-testid=login-error]`).Text(), "turned off") {
		t.Fatalf("a password sign-in: %d %q", res.StatusCode, doc.Find(`[data-testid=login-error]`).Text())
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed in with a password that was turned off: %d", res.StatusCode)
	}
	if res := ta.do(t, auth.TierView, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("API tokens stop working without passwords: %d", res.StatusCode)
	}
}

// unverified is a person whose provider says outright that their e-mail
// is not verified (mockoidc leaves a false email_verified out).
type unverified struct{ *mockoidc.MockUser }

func (u unverified) Claims(scope []string, claims *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	return &struct {
		*mockoidc.IDTokenClaims
		Email         string   `json:"email"`
		EmailVerified bool     `json:"email_verified"`
		Groups        []string `json:"groups"`
	}{claims, u.Email, false, u.Groups}, nil
}

// A person added with a one-time password who signs in through single
// sign-on is not held up by a password they never use.
func TestSingleSignOnIsNotHeldUpByAOneTimePassword(t *testing.T) {
	ta, m := newSSOApp(t, false)
	ta.addPerson(t, "noor@example.com", auth.TierView)
	m.QueueUser(&mockoidc.MockUser{Subject: "7", Email: "noor@example.com", EmailVerified: true, Groups: []string{"analysts"}})
	jar, _ := cookiejar.New(nil)
	res, _ := ssoSignIn(t, ta, jar)
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/" {
		t.Fatalf("after single sign-on: %d at %s", res.StatusCode, res.Request.URL)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if res, err := c.Get(ta.srv.URL + "/dashboards"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("a page after single sign-on: %v %v", res, err)
	}
}

// A provider that cannot be reached does not keep Pier from starting:
// passwords and tokens work, and the button says what is wrong.
func TestAnUnreachableProviderDoesNotStopPier(t *testing.T) {
	ta := newTestAppWith(t, Config{SSO: &SSOConfig{Issuer: "http://127.0.0.1:1/", ClientID: "pier", Label: "Okta"}})
	if res := ta.do(t, auth.TierView, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusOK {
		t.Fatalf("a token: %d", res.StatusCode)
	}
	res, doc := ta.browser(t).get("/login/sso")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(doc.Find(`[data-testid=login-error]`).Text(), "Okta cannot be reached") {
		t.Fatalf("single sign-on while the provider is down: %d %q", res.StatusCode, doc.Find(`[data-testid=login-error]`).Text())
	}
	ta.browser(t).signIn("view@example.com")
}

// Without password sign-in, adding a person gives a message without a
// password, and there is no password to reset.
func TestPeopleWithoutPasswords(t *testing.T) {
	ta, m := newSSOApp(t, true)
	res := ta.do(t, auth.TierAdmin, "POST", "/api/v1/admin/users/view@example.com/reset-password", "")
	if body := readAll(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "turned off") {
		t.Fatalf("a reset without passwords: %d %s", res.StatusCode, body)
	}
	m.QueueUser(&mockoidc.MockUser{Subject: "8", Email: "root@example.com", EmailVerified: true, Groups: []string{"admins"}})
	jar, _ := cookiejar.New(nil)
	if res, _ := ssoSignIn(t, ta, jar); res.Request.URL.Path != "/" {
		t.Fatalf("the admin's single sign-on ended at %s", res.Request.URL)
	}
	b := &browser{t: t, base: ta.srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	_, page := b.get("/admin/people")
	if page.Find(`[data-testid=reset]`).Length() != 0 {
		t.Fatal("the People page offers password resets without passwords")
	}
	if !strings.Contains(page.Find(`[data-testid=tiers-from-groups]`).Text(), "Mock IdP groups") {
		t.Fatal("the People page does not say that tiers follow the provider's groups")
	}
	res, doc := b.post("/admin/people", url.Values{"email": {"omar@example.com"}, "name": {"Omar"}, "tier": {"view"}, "_csrf": {csrfFrom(page)}})
	msg, _ := doc.Find(`[data-testid=sign-in-message]`).Html()
	if res.StatusCode != http.StatusCreated || doc.Find(`[data-testid=one-time-password]`).Length() != 0 || !strings.Contains(msg, "with Mock IdP") {
		t.Fatalf("adding a person without passwords: %d, message %q", res.StatusCode, msg)
	}
}
