package app

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pier-analytics/pier/auth"
)

// newChrome starts Debian's Chromium headless with a fresh profile and no
// background networking (this machine has no network to offer it).
func newChrome(t testing.TB) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("browser tests need Chromium: apt-get install -y chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// screenshot saves the page for a person to look at, in screenshots/ at the
// top of the repository (ignored by git).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "screenshots")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func count(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`))
	if err != nil {
		t.Fatalf("count of %s: %v", sel, err)
	}
	return n
}

// TestBrowserAnalystSignsInAndRunsSQL is what a new analyst does first:
// sign in, look at the tables, run a query, make a mistake, read the error.
func TestBrowserAnalystSignsInAndRunsSQL(t *testing.T) {
	ta := newTestApp(t)
	ctx := newChrome(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(ta.srv.URL+"/"), chromedp.WaitVisible(`#email`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "login")
	err := chromedp.Do(ctx,
		chromedp.SendKeys(`#email`, "analyze@example.com"),
		chromedp.SendKeys(`#password`, testPassword),
		chromedp.Click(`[data-testid=login-submit]`),
		chromedp.WaitVisible(`[data-testid=sql]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if viewer, tables := text(t, ctx, `[data-testid=viewer]`), count(t, ctx, `[data-testid=table]`); !strings.Contains(viewer, "analyze") || tables != 6 {
		t.Fatalf("after sign-in: viewer %q, %d table cards", viewer, tables)
	}
	screenshot(t, ctx, "home-analyst")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(`[data-testid=sql]`, "select dt, count(distinct member_id) as dau from act_page_views group by dt order by dt"),
		chromedp.Click(`[data-testid=run]`),
		chromedp.WaitVisible(`[data-testid=result]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rows, summary := count(t, ctx, `[data-testid=result] tbody tr`), text(t, ctx, `[data-testid=result-summary]`); rows != 3 || !strings.Contains(summary, "3 rows") {
		t.Fatalf("result: %d rows, summary %q", rows, summary)
	}
	screenshot(t, ctx, "sql-result")
	err = chromedp.Do(ctx,
		chromedp.SetValue(`[data-testid=sql]`, "select dt, count(*)\nfrom act_page_views\ngroup by dtt"),
		chromedp.Click(`[data-testid=run]`),
		chromedp.WaitVisible(`[data-testid=sql-error]`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if msg := text(t, ctx, `[data-testid=sql-error]`); !strings.Contains(msg, "Line 3") || !strings.Contains(msg, "dtt") {
		t.Fatalf("error shown: %q", msg)
	}
	screenshot(t, ctx, "sql-error")
}

// signInBrowser signs the browser in as email.
func signInBrowser(t testing.TB, ctx context.Context, base, email string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#email`),
		chromedp.SendKeys(`#email`, email), chromedp.SendKeys(`#password`, testPassword),
		chromedp.Click(`[data-testid=login-submit]`), chromedp.WaitVisible(`[data-testid=viewer]`))
	if err != nil {
		t.Fatal(err)
	}
}

// TestBrowserNotebookReadsLikeADocument opens a notebook whose second cell
// reads the first, as a person finds it from the header.
func TestBrowserNotebookReadsLikeADocument(t *testing.T) {
	ta := newTestApp(t)
	daily := sqlCellJSON("a", "daily", "select dt, count(distinct member_id) as dau\nfrom act_page_views\ngroup by dt order by dt")
	daily["chart"] = map[string]any{"type": "line", "x": "dt", "y": []string{"dau"}}
	id, _ := ta.newNotebook(t, auth.TierAnalyze,
		cellJSON{"kind": "markdown", "source": "# Daily active users\nViews per day, then the **busiest** day."},
		daily,
		sqlCellJSON("b", "busiest", "select * from daily order by dau desc limit 1"))
	for _, cell := range []string{"a", "b"} {
		if status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/"+cell+"/run", nil); status != http.StatusOK {
			t.Fatal(res)
		}
	}
	ctx := newChrome(t)
	signInBrowser(t, ctx, ta.srv.URL, "analyze@example.com")
	err := chromedp.Do(ctx, chromedp.Click(`[data-testid=nav-notebooks]`), chromedp.WaitVisible(`[data-testid=notebook-list]`))
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "notebook-list")
	err = chromedp.Do(ctx, chromedp.Click(`[data-testid=notebook-row] a`), chromedp.WaitVisible(`[data-testid=read-view]`),
		chromedp.Click(`[data-testid=read-view]`), chromedp.WaitVisible(`[data-testid=notebook-title]`))
	if err != nil {
		t.Fatal(err)
	}
	if h := text(t, ctx, `.markdown h1`); h != "Daily active users" {
		t.Fatalf("markdown heading %q", h)
	}
	if rows := count(t, ctx, `[data-cell=b] [data-testid=result] tbody tr`); rows != 1 {
		t.Fatalf("the second cell shows %d rows, want its one busiest day", rows)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`[data-cell=a] [data-testid=chart] svg`)); err != nil {
		t.Fatal(err)
	}
	points, err := chromedp.Run(ctx, chromedp.Evaluate[int](`echarts.getInstanceByDom(document.querySelector('[data-cell=a] [data-testid=chart]')).getOption().series[0].data.length`))
	if err != nil || points != 3 {
		t.Fatalf("the saved line chart has %d points (%v), want one per day", points, err)
	}
	screenshot(t, ctx, "notebook-read")
}
