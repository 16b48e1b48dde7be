package app

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/oauth2-proxy/mockoidc"
)

// TestBrowserFirstAdminAndANewPersonChooseTheirPasswords is the first hour
// of a new Pier: the first admin signs in with the printed password, must
// choose their own, adds a person on the People page and passes the
// one-time password on; that person signs in and must choose theirs too.
func TestBrowserFirstAdminAndANewPersonChooseTheirPasswords(t *testing.T) {
	var out bytes.Buffer
	ta := newTestAppWith(t, Config{Out: &out})
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no one-time password printed: %q", out.String())
	}
	ctx := newChrome(t)
	choose := func(current, next string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.SetValue(`#current`, current), chromedp.SetValue(`#new`, next),
			chromedp.SetValue(`#confirm`, next), chromedp.Click(`[data-testid=password-submit]`),
			chromedp.WaitVisible(`[data-testid=account-notice], [data-testid=account-error]`))
		if err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(email, password string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/login"), chromedp.WaitVisible(`#email`),
			chromedp.SendKeys(`#email`, email), chromedp.SendKeys(`#password`, password),
			chromedp.Click(`[data-testid=login-submit]`), chromedp.WaitVisible(`[data-testid=must-change]`))
		if err != nil {
			t.Fatal(err)
		}
	}

	signIn("admin@pier.local", m[1])
	if count(t, ctx, `[data-testid=token-form]`)+count(t, ctx, `nav a`) != 0 {
		t.Fatal("the one-time session is offered more than choosing a password")
	}
	screenshot(t, ctx, "account-must-change")
	choose(m[1], "password1234")
	if msg := text(t, ctx, `[data-testid=account-error]`); !strings.Contains(msg, "most common passwords") {
		t.Fatalf("a common password: %q", msg)
	}
	screenshot(t, ctx, "account-common-password")
	choose(m[1], "harbour lantern quietly 7")
	if msg := text(t, ctx, `[data-testid=account-notice]`); !strings.Contains(msg, "password is changed") {
		t.Fatalf("after choosing: %q", msg)
	}
	err := chromedp.Do(ctx, chromedp.SendKeys(`#token-name`, "laptop notebook"), chromedp.Click(`[data-testid=token-submit]`),
		chromedp.WaitVisible(`[data-testid=new-token]`))
	if err != nil {
		t.Fatal(err)
	}
	token, err := chromedp.Run(ctx, chromedp.Value(`[data-testid=new-token] input`))
	if err != nil || !strings.HasPrefix(token, "pier_") || !strings.Contains(text(t, ctx, `[data-testid=tokens]`), "laptop notebook") {
		t.Fatalf("the new token %q is not shown or not listed: %v", token, err)
	}
	screenshot(t, ctx, "account-tokens")

	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=nav-people]`), chromedp.WaitVisible(`[data-testid=add-person]`),
		chromedp.SendKeys(`#person-email`, "rosa@example.com"), chromedp.SendKeys(`#person-name`, "Rosa Díaz"),
		chromedp.SetValue(`#person-tier`, "analyze"), chromedp.Click(`[data-testid=add-person-submit]`),
		chromedp.WaitVisible(`[data-testid=issued]`))
	if err != nil {
		t.Fatal(err)
	}
	once := strings.TrimSpace(text(t, ctx, `[data-testid=one-time-password]`))
	message, err := chromedp.Run(ctx, chromedp.Value(`[data-testid=sign-in-message]`))
	if err != nil {
		t.Fatal(err)
	}
	if once == "" || !strings.Contains(message, once) || !strings.Contains(message, ta.srv.URL+"/login") || !strings.Contains(message, "rosa@example.com") {
		t.Fatalf("one-time password %q, message %q", once, message)
	}
	if s := text(t, ctx, `tr[data-email="rosa@example.com"] [data-testid=status]`); s != "Must choose a password" {
		t.Fatalf("Rosa's status: %q", s)
	}
	screenshot(t, ctx, "people-added")
	assertNoSidewaysScroll(t, ctx, "people-400")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Click(`[data-testid=logout]`), chromedp.WaitVisible(`#email`)); err != nil {
		t.Fatal(err)
	}

	signIn("rosa@example.com", once)
	assertNoSidewaysScroll(t, ctx, "account-must-change-400")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	choose(once, "seven quiet harbours east")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/"), chromedp.WaitVisible(`[data-testid=sql]`)); err != nil {
		t.Fatal(err)
	}
	if v := text(t, ctx, `[data-testid=viewer]`); !strings.Contains(v, "Rosa Díaz") || !strings.Contains(v, "analyze") {
		t.Fatalf("signed in as %q", v)
	}
}

// assertNoSidewaysScroll narrows the window to a phone's 400 px, keeps a
// screenshot and fails if the page is wider than that.
func assertNoSidewaysScroll(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 800)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, name)
	if wide > 400 {
		t.Fatalf("%s: at 400 px the page scrolls sideways (%d px wide)", name, wide)
	}
}

// With single sign-on a person clicks one button and lands on the home
// page with the tier their groups give.
func TestBrowserSingleSignOn(t *testing.T) {
	ta, m := newSSOApp(t, false)
	m.QueueUser(&mockoidc.MockUser{Subject: "9", Email: "ines@example.com", EmailVerified: true, PreferredUsername: "Inés", Groups: []string{"analysts"}})
	ctx := newChrome(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/login"), chromedp.WaitVisible(`[data-testid=login-sso]`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "login-sso")
	if err := chromedp.Do(ctx, chromedp.Click(`[data-testid=login-sso]`), chromedp.WaitVisible(`[data-testid=viewer]`)); err != nil {
		t.Fatal(err)
	}
	if v := text(t, ctx, `[data-testid=viewer]`); !strings.Contains(v, "Inés") || !strings.Contains(v, "analyze") {
		t.Fatalf("signed in as %q", v)
	}
}
