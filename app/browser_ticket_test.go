package app

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// click presses a button or link that loads a new page, and waits for it.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// TestBrowserRequestIsFiledTriagedAndAnswered is issue 5's walk through: a
// view-tier user files a request and sees a similar answer while typing;
// the data team triages it and answers with a dashboard; the requester
// reads the answer and opens the dashboard.
func TestBrowserRequestIsFiledTriagedAndAnswered(t *testing.T) {
	ta := newTestApp(t)
	board := ta.newDashboard(t, auth.TierAnalyze)
	ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/dashboards/"+board, map[string]any{"published": true})
	old := ta.fileTicket(t, auth.TierHandle, map[string]any{"title": "How many orders per day?", "category": "analysis"})
	if status, _ := ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+old+"/answer", map[string]any{
		"text": "Orders per day are on the **Sales** dashboard.", "links": []any{map[string]any{"kind": "dashboard", "ref": board}}}); status != http.StatusOK {
		t.Fatal("answer the old ticket")
	}
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+old+"/guide", map[string]any{"guide": true})

	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	click(t, ctx, `[data-testid=nav-tickets]`)
	click(t, ctx, `[data-testid=new-ticket-link]`)
	err := chromedp.Do(ctx,
		chromedp.SendKeys(`[data-testid=ticket-title]`, "Orders per day by country"),
		waitFor(`document.querySelectorAll('[data-testid=suggestion]').length > 0`),
	)
	if err != nil {
		t.Fatalf("typing the title: %v", err)
	}
	first := textContent(t, ctx, `[data-testid=suggestion]`)
	if !strings.Contains(first, "How many orders per day?") || !strings.Contains(first, "Answer ✓") {
		t.Errorf("the first suggestion is %q, want the guide entry", first)
	}
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid=access-fields]').hidden`)); !hidden {
		t.Error("the data-access fields show for an analysis request")
	}
	screenshot(t, ctx, "ticket-new-suggestions")
	err = chromedp.Do(ctx, pick(`[data-testid=ticket-category]`, "dashboard"),
		chromedp.SendKeys(`[data-testid=ticket-body]`, "For the weekly country review, split by country."))
	if err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `[data-testid=file-ticket]`)
	if got := text(t, ctx, `[data-testid=ticket-status]`); got != "New" {
		t.Fatalf("after filing, status %q", got)
	}
	click(t, ctx, `[data-testid=logout]`)

	signInBrowser(t, ctx, ta.srv.URL, "data@example.com")
	click(t, ctx, `[data-testid=nav-tickets]`)
	click(t, ctx, `[data-testid=ticket-row] a`) // the newest request is first
	err = chromedp.Do(ctx, pick(`[data-testid=triage-status]`, "in_progress"), pick(`[data-testid=triage-assignee]`, "data@example.com"),
		pick(`[data-testid=triage-priority]`, "high"))
	if err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `[data-testid=save-triage]`)
	err = chromedp.Do(ctx, chromedp.SendKeys(`[data-testid=answer-text]`, "It is on the Sales dashboard now: use its country filter."),
		pick(`[data-testid=answer-dashboard]`, board))
	if err != nil {
		t.Fatal(err)
	}
	click(t, ctx, `[data-testid=send-answer]`)
	if got := text(t, ctx, `[data-testid=ticket-status]`); got != "Answered" {
		t.Errorf("after answering, status %q", got)
	}
	screenshot(t, ctx, "ticket-answered-data-team")
	click(t, ctx, `[data-testid=logout]`)

	signInBrowser(t, ctx, ta.srv.URL, "view@example.com")
	click(t, ctx, `[data-testid=nav-tickets]`)
	click(t, ctx, `[data-testid=ticket-row] a`)
	answer := text(t, ctx, `[data-testid=ticket-answer]`)
	if !strings.Contains(answer, "use its country filter") || !strings.Contains(answer, "dashboard: Sales") {
		t.Errorf("the requester sees the answer %q", answer)
	}
	history := textContent(t, ctx, `[data-testid=ticket-history]`)
	if !strings.Contains(history, "assigned it to data@example.com") || !strings.Contains(history, "answered") {
		t.Errorf("history %q", history)
	}
	if count(t, ctx, `[data-testid=triage]`) != 0 {
		t.Error("the requester sees the triage forms")
	}
	screenshot(t, ctx, "ticket-answered-requester")
	click(t, ctx, `[data-testid=answer-links] a`)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`[data-testid=dashboard-title]`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, `[data-testid=dashboard-title]`); !strings.Contains(got, "Sales") {
		t.Errorf("the answer's link opened %q", got)
	}
}

// TestBrowserBoardAndHealth shows the board and, to the data team, the
// health charts drawn.
func TestBrowserBoardAndHealth(t *testing.T) {
	ta := newTestApp(t)
	for i, title := range []string{"New source: app reviews", "Dashboard for refunds", "Revenue looks wrong on Monday"} {
		id := ta.fileTicket(t, auth.TierView, map[string]any{"title": title, "category": []string{"new_data_source", "dashboard", "data_looks_wrong"}[i]})
		if i > 0 {
			ta.call(t, auth.TierData, "PATCH", "/api/v1/tickets/"+id, map[string]any{"status": []string{"", "triaged", "answered"}[i]})
		}
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "data@example.com")
	click(t, ctx, `[data-testid=nav-tickets]`)
	click(t, ctx, `[data-testid=board-view]`)
	for status, n := range map[string]int{"new": 1, "triaged": 1, "answered": 1, "closed": 0} {
		if got := count(t, ctx, `[data-testid=board-`+status+`] [data-testid=board-card]`); got != n {
			t.Errorf("board column %s has %d cards, want %d", status, got, n)
		}
	}
	screenshot(t, ctx, "ticket-board")
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(ta.srv.URL+"/tickets/health")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, waitFor(`[...document.querySelectorAll('[data-chart-src]')].every(e => e.querySelector('canvas, svg'))`)); err != nil {
		t.Fatalf("the health charts are not drawn: %v", err)
	}
	screenshot(t, ctx, "ticket-health")
}
