package app

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// TestBrowserAResultReadingWhatYouCannotIsHidden: a notebook shared with
// an analyst, whose cells were run by someone holding grants the analyst
// lacks. The analyst sees which results are hidden and why, in words, and
// none of the data, not even inside a kept error.
func TestBrowserAResultReadingWhatYouCannotIsHidden(t *testing.T) {
	ta := newTestApp(t)
	ta.restrictOrders(t, "data@example.com")
	if err := ta.users.AddGrant(t.Context(), "data@example.com", "obj_members", true); err != nil {
		t.Fatal(err)
	}
	id, _ := ta.newNotebook(t, auth.TierData,
		sqlCellJSON("a", "revenue", "select sum(total) as revenue from act_orders"),
		sqlCellJSON("b", "broken", "select cast(email as integer) as n from obj_members"),
		sqlCellJSON("c", "brands", "select count(*) as brands from obj_brands"))
	for _, cell := range []string{"a", "b", "c"} {
		ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/cells/"+cell+"/run", nil)
	}
	if status, res := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": "analyze@example.com", "role": "viewer"}); status != http.StatusOK {
		t.Fatal(res)
	}
	ctx := newChrome(t)
	err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/"), chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, "analyze@example.com"), chromedp.SendKeys(`#password`, testPassword),
		chromedp.Click(`[data-testid=login-submit]`), chromedp.WaitVisible(`[data-testid=viewer]`),
		chromedp.Navigate(ta.srv.URL+"/notebooks/"+id), chromedp.WaitVisible(`[data-testid=cell-hidden]`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "notebook-hidden-results")
	if n := count(t, ctx, `[data-testid=cell-hidden]`); n != 2 {
		t.Fatalf("%d hidden results shown, want 2 (revenue and the broken cell)", n)
	}
	if msg := text(t, ctx, `[data-testid=cell-hidden]`); !strings.Contains(msg, "do not have access") {
		t.Fatalf("the hidden result says %q", msg)
	}
	page := text(t, ctx, `body`)
	if regexp.MustCompile(`member\d+@example\.com`).MatchString(page) {
		t.Fatal("the page shows a raw e-mail")
	}
	if !strings.Contains(page, "brands") || count(t, ctx, `table`) != 1 {
		t.Fatalf("the result the analyst may read is not shown:\n%s", page)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(400, 800)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "notebook-hidden-results-400")
	if wide > 400 {
		t.Fatalf("at 400 px the page scrolls sideways (%d px wide)", wide)
	}
}
