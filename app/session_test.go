package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

func TestSignInRotatesTheSessionAndSignOutRevokesIt(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	_, login := b.get("/login")
	b.post("/login", url.Values{"email": {"view@example.com"}, "password": {"wrong password"}, "_csrf": {csrfFrom(login)}})
	before := b.cookie("pier_session")
	home := b.signIn("view@example.com")
	after := b.cookie("pier_session")
	if after == "" || after == before {
		t.Fatalf("the session id was not rotated at sign-in (%q → %q)", before, after)
	}
	if got := home.Find(`[data-testid=viewer]`).Text(); !strings.Contains(got, "view") {
		t.Fatalf("viewer = %q", got)
	}
	res, _ := b.post("/logout", url.Values{"_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout status %d", res.StatusCode)
	}
	// Replaying the old cookie must not work: the session is gone server-side.
	stolen := ta.browser(t)
	u, _ := url.Parse(ta.srv.URL)
	stolen.c.Jar.SetCookies(u, []*http.Cookie{{Name: "pier_session", Value: after}})
	if res, _ := stolen.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("a signed-out session still opens the home page: %d", res.StatusCode)
	}
}

func TestWrongPasswordsAreRefusedThenThrottled(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	_, login := b.get("/login")
	form := url.Values{"email": {"view@example.com"}, "password": {"not the password"}, "_csrf": {csrfFrom(login)}}
	res, doc := b.post("/login", form)
	if res.StatusCode != http.StatusUnauthorized || doc.Find(`[data-testid=login-error]`).Length() != 1 {
		t.Fatalf("wrong password: status %d", res.StatusCode)
	}
	var last int
	for range 6 {
		res, _ = b.post("/login", form)
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("after repeated failures: status %d, want 429", last)
	}
	form.Set("password", testPassword)
	if res, _ := b.post("/login", form); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the right password got through the throttle: %d", res.StatusCode)
	}
}

func TestCookieWritesNeedTheCSRFToken(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	res, _ := b.post("/sql", url.Values{"sql": {"select 1"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("without the token: status %d, want 403", res.StatusCode)
	}
	req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/query", strings.NewReader(`{"sql":"select 1"}`))
	if res, _ := b.c.Do(req); res.StatusCode != http.StatusForbidden {
		t.Fatalf("API call with the cookie but no token: status %d, want 403", res.StatusCode)
	}
	req, _ = http.NewRequest("POST", ta.srv.URL+"/api/v1/query", strings.NewReader(`{"sql":"select 1"}`))
	req.Header.Set("X-CSRF-Token", csrfFrom(home))
	if res, _ := b.c.Do(req); res.StatusCode != http.StatusOK {
		t.Fatalf("API call with the cookie and the token: status %d", res.StatusCode)
	}
}

// TestChangesApplyAtOnce makes the changes the command line makes, while the
// server runs, and expects the very next request to see them.
func TestChangesApplyAtOnce(t *testing.T) {
	ta := newTestApp(t)
	ctx := context.Background()
	restricted := true
	q := `{"sql":"select count(*) from act_orders"}`
	if res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", q); res.StatusCode != http.StatusOK {
		t.Fatalf("before: %d", res.StatusCode)
	}
	ta.props.Set(ctx, "act_orders", queryPropRestricted(&restricted))
	if res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", q); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("after restricting: %d, want 400 (no such table for this user)", res.StatusCode)
	}
	ta.users.AddGrant(ctx, "analyze@example.com", "act_orders", false)
	if res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", q); res.StatusCode != http.StatusOK {
		t.Fatalf("after the grant: %d", res.StatusCode)
	}
	view := auth.TierView
	ta.users.UpdateUser(ctx, "analyze@example.com", auth.UserChange{Tier: &view})
	if res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", q); res.StatusCode != http.StatusForbidden {
		t.Fatalf("after lowering the tier: %d, want 403", res.StatusCode)
	}
	disabled := true
	ta.users.UpdateUser(ctx, "analyze@example.com", auth.UserChange{Disabled: &disabled})
	if res := ta.do(t, auth.TierAnalyze, "GET", "/api/v1/me", ""); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after disabling: %d, want 401", res.StatusCode)
	}
}

func TestForgedForwardedForDoesNotDodgeTheThrottle(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	_, login := b.get("/login")
	form := url.Values{"email": {"view@example.com"}, "password": {"not the password"}, "_csrf": {csrfFrom(login)}}
	var last int
	for i := range 7 {
		req, _ := http.NewRequest("POST", ta.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "10.0.0."+strconv.Itoa(i))
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		last = res.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("with a new X-Forwarded-For each time: status %d, want 429", last)
	}
}
