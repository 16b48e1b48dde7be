package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestBrowserAViewerFindsAMetricAndALockedTableAndGetsAccess is issue 15's
// walk through: a viewer looks up "revenue" from the header and reads its
// definition, finds the orders table locked and asks for it; an admin sees
// what the approval opens, approves; the viewer's dashboard then draws.
func TestBrowserAViewerFindsAMetricAndALockedTableAndGetsAccess(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+ds, map[string]any{"certified": true,
		"columns": map[string]any{"total": map[string]any{"label": "Revenue", "definition": "What members paid, before refunds.", "agg": "sum"}}})
	board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
	if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+board+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"}); status >= 300 {
		t.Fatalf("share: %d %v", status, out)
	}
	restricted, desc := true, "Every order, one row each"
	ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted, Description: &desc})
	ta.users.AddGrant(t.Context(), "analyze@example.com", "act_orders", false)
	if err := ta.reindex(t.Context()); err != nil {
		t.Fatal(err)
	}

	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	// "/" puts the cursor in the header's search box.
	// (DevTools sends the key's character apart from the key press, so the
	// "/" a browser would not type is cleared before typing the words.)
	err := chromedp.Do(ctx, chromedp.KeyEvent("/"), waitFor(`document.activeElement?.dataset.testid === 'header-search'`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=header-search]').value = ''`),
		chromedp.SendKeys(`[data-testid=header-search]`, "revenue\n"), chromedp.WaitVisible(`[data-testid=search-results]`))
	if err != nil {
		t.Fatalf("searching from the header: %v", err)
	}
	screenshot(t, ctx, "search-revenue")
	click(t, ctx, `[data-testid=search-results] li[data-kind=metric] a`)
	if got := text(t, ctx, `[data-testid=metric-definition]`); got != "What members paid, before refunds." {
		t.Errorf("the glossary reads %q", got)
	}
	err = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid=header-search]').value = 'orders'`),
		chromedp.Submit(`[data-testid=header-search]`),
		chromedp.WaitVisible(`[data-testid=search-results]`))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `[data-testid=search-results] li[data-kind=table]`); !strings.Contains(got, "act_orders") || !strings.Contains(got, "restricted") {
		t.Fatalf("the locked table in the results: %q", got)
	}
	click(t, ctx, `[data-testid=search-results] li[data-kind=table] a`)
	click(t, ctx, `[data-testid=request-access]`)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=access-table]').value`)); got != "act_orders" {
		t.Fatalf("the request form names %q", got)
	}
	click(t, ctx, `[data-testid=file-ticket]`)
	ticketURL, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	click(t, ctx, `[data-testid=logout]`)

	signInBrowser(t, ctx, ta.srv.URL, "admin@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+ticketURL), chromedp.WaitVisible(`[data-testid=approve-access]`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `[data-testid=access-opens]`); !strings.Contains(got, "Sales") {
		t.Errorf("the admin is not told what approving opens: %q", got)
	}
	screenshot(t, ctx, "access-approval")
	click(t, ctx, `[data-testid=approve-access]`)
	click(t, ctx, `[data-testid=logout]`)

	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/dashboards/"+board), waitFor(tilesReady)); err != nil {
		t.Fatalf("the dashboard after the approval: %v", err)
	}
	if height, ink := drawn(t, ctx, `[data-tile=by_status] .tile-body`); height < 150 || ink < 0.01 {
		t.Errorf("the tile after the approval: %.0f px high, %.3f inked", height, ink)
	}
	screenshot(t, ctx, "dashboard-after-approval")
}
