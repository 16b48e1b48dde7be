package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// TestTheReportTimeZoneIsOneSettingForEveryPage: admins name the zone;
// pages write times in it, in one style, and say which; a name that is not
// a zone is refused in plain words, and only admins may set it.
func TestTheReportTimeZoneIsOneSettingForEveryPage(t *testing.T) {
	ta := newTestApp(t)
	id, _ := ta.newNotebook(t, auth.TierAnalyze)
	for tier, want := range map[auth.Tier]int{auth.TierData: http.StatusForbidden, auth.TierAdmin: http.StatusOK} {
		if status, out := ta.call(t, tier, "PUT", "/api/v1/settings/timezone", map[string]any{"timezone": "Asia/Seoul"}); status != want {
			t.Fatalf("%s sets the zone: %d %v", tier, status, out)
		}
	}
	if status, out := ta.call(t, auth.TierAdmin, "PUT", "/api/v1/settings/timezone", map[string]any{"timezone": "Mars/Olympus"}); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["error"]), "not a time zone") {
		t.Fatalf("a bad zone: %d %v", status, out)
	}
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	_, page := b.get("/notebooks/" + id)
	meta := page.Find(`.nb-head .summary`).Text()
	seoul := time.Now().In(time.FixedZone("KST", 9*3600)).Format("2006-01-02")
	if !strings.Contains(meta, "KST") || !strings.Contains(meta, seoul) {
		t.Fatalf("the notebook's saved time reads %q, not in Seoul's time", meta)
	}
	if zone, _ := page.Find(`meta[name=pier-zone]`).Attr("content"); zone != "Asia/Seoul" {
		t.Errorf("scripts are told the zone %q", zone)
	}
	ta.call(t, auth.TierAdmin, "PUT", "/api/v1/settings/timezone", map[string]any{"timezone": ""})
	_, out := ta.call(t, auth.TierAdmin, "GET", "/api/v1/settings/timezone", nil)
	if out["timezone"] != "" || out["effective"] == "" {
		t.Errorf("back to the server's zone: %v", out)
	}
}

// TestBrowserOfficeHoursReadOnTheReadersClock: a reader in New York sees a
// booked session on their own clock, named, with the office's on hover.
func TestBrowserOfficeHoursReadOnTheReadersClock(t *testing.T) {
	ta := newTestApp(t)
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Funnel help", "category": "analysis"})
	_, hours := ta.call(t, auth.TierView, "GET", "/api/v1/office-hours", nil)
	first := hours["sessions"].([]any)[0].(map[string]any)
	if status, out := ta.call(t, auth.TierView, "POST", "/api/v1/tickets/"+id+"/booking", map[string]any{"slot": first["slot"], "starts_at": first["starts_at"]}); status != http.StatusCreated {
		t.Fatalf("book: %d %v", status, out)
	}
	start, err := time.Parse(time.RFC3339, first["starts_at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	inNewYork := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	})
	if err := chromedp.Do(ctx, inNewYork); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/tickets/"+id), chromedp.WaitVisible(`[data-testid=booked-session] time`)); err != nil {
		t.Fatal(err)
	}
	got := text(t, ctx, `[data-testid=booked-session] time`)
	if want := start.In(ny).Format("15:04"); !strings.Contains(got, want) || !strings.Contains(got, "EST") && !strings.Contains(got, "EDT") && !strings.Contains(got, "GMT-") {
		t.Errorf("a New York reader sees the session as %q; want %s on their clock, named", got, want)
	}
}

// TestFormMistakesAreSaidBesideTheForm: a zone that is not one, or a share
// with an e-mail nobody uses, brings the page back with the reason beside
// the form instead of an error page.
func TestFormMistakesAreSaidBesideTheForm(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.browser(t)
	home := admin.signIn("admin@example.com")
	res, _ := admin.post("/settings/timezone", url.Values{"timezone": {"Seoul"}, "_csrf": {csrfFrom(home)}})
	_, page := admin.get(res.Header.Get("Location"))
	if got := page.Find(`[data-testid=zone-problem]`).Text(); !strings.Contains(got, "not a time zone") || page.Find(`[data-testid=zone]`).AttrOr("value", "") != "Seoul" {
		t.Errorf("a bad zone: %q, field %q", got, page.Find(`[data-testid=zone]`).AttrOr("value", ""))
	}
	res, _ = admin.post("/settings/timezone", url.Values{"timezone": {"Asia/Seoul"}, "_csrf": {csrfFrom(home)}})
	if _, page = admin.get(res.Header.Get("Location")); !strings.Contains(page.Find(`[data-testid=zone-saved]`).Text(), "Asia/Seoul") {
		t.Error("a good zone is not confirmed")
	}

	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
	owner := ta.browser(t)
	home = owner.signIn("analyze@example.com")
	res, _ = owner.post("/dashboards/"+id+"/shares", url.Values{"email": {"nobody@example.com"}, "role": {"viewer"}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a share to nobody: %d", res.StatusCode)
	}
	_, page = owner.get(res.Header.Get("Location"))
	if got := page.Find(`[data-testid=share-problem]`).Text(); !strings.Contains(got, "nobody@example.com") || page.Find(`[data-testid=dash-grid]`).Length() != 1 {
		t.Errorf("a share to nobody says %q on the dashboard page", got)
	}
}
