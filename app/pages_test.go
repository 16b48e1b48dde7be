package app

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// The home page is what each tier is for: a viewer lands on the
// dashboards they may open, certified first, with a first-run guide, and
// is not shown tables they cannot query; an analyst sees their notebooks,
// the lake's tables and the SQL box.
func TestHomeIsWhatEachTierIsFor(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	plain := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
	certified := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
	for _, id := range []string{plain, certified} {
		if status, out := ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/dashboards/"+id, map[string]any{"published": true}); status != http.StatusOK {
			t.Fatalf("publish: %d %v", status, out)
		}
	}
	if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/dashboards/"+certified, map[string]any{"certified": true}); status != http.StatusOK {
		t.Fatalf("certify: %d %v", status, out)
	}
	viewer := ta.browser(t).signIn("view@example.com")
	cards := viewer.Find(`[data-testid=home-dashboards] [data-testid=dashboard-card]`)
	if cards.Length() != 2 || cards.First().AttrOr("href", "") != "/dashboards/"+certified || !strings.Contains(cards.First().Text(), "Certified") {
		t.Fatalf("the viewer's dashboards: %d, first %q", cards.Length(), cards.First().AttrOr("href", ""))
	}
	if viewer.Find(`[data-testid=first-run-guide]`).Length() != 1 {
		t.Fatal("no first-run guide for a viewer who owns nothing")
	}
	if viewer.Find(`[data-testid=table]`).Length() != 0 || viewer.Find(`[data-testid=sql]`).Length() != 0 || viewer.Find(`[data-testid=home-notebooks]`).Length() != 0 {
		t.Fatal("the view tier is shown tables, the SQL box or notebooks")
	}
	analyst := ta.browser(t).signIn("analyze@example.com")
	if n := analyst.Find(`[data-testid=table]`).Length(); n != 6 {
		t.Fatalf("the analyze tier sees %d tables, want 6", n)
	}
	members := analyst.Find(`[data-table=obj_members]`)
	if !strings.Contains(members.Text(), "500 rows") || members.Find(`[data-testid=column] .badge.pii`).Length() != 3 || members.Find(`[data-testid=has-pii]`).Length() != 1 {
		t.Fatalf("obj_members card: %q", members.Text())
	}
	if analyst.Find(`[data-testid=sql]`).Length() != 1 || analyst.Find(`[data-testid=first-run-guide]`).Length() != 0 {
		t.Fatal("the analyze tier has no SQL box, or is guided though they own dashboards")
	}
	// A restricted table is not a secret: it is listed, locked, with the request.
	restricted := true
	ta.props.Set(t.Context(), "obj_brands", query.PropChange{Restricted: &restricted})
	analyst = ta.browser(t).signIn("analyze@example.com")
	locked := analyst.Find(`[data-testid=locked-table][data-table=obj_brands]`)
	if href := locked.Find(`[data-testid=request-access]`).AttrOr("href", ""); !strings.Contains(href, "access_table=obj_brands") || analyst.Find(`[data-testid=table][data-table=obj_brands]`).Length() != 0 {
		t.Fatalf("the locked table's card: %q, request %q", locked.Text(), href)
	}
}

// TestHomeKeepsWhatAPersonUses: a dashboard opened lands under "Recently
// viewed", a pinned one under "Pinned", and each is listed once.
func TestHomeKeepsWhatAPersonUses(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	var boards []string
	for range 3 {
		id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
		ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/dashboards/"+id, map[string]any{"published": true})
		boards = append(boards, id)
	}
	b := ta.browser(t)
	home := b.signIn("view@example.com")
	if home.Find(`[data-testid=home-recent], [data-testid=home-pinned]`).Length() != 0 {
		t.Fatal("a new person has recent or pinned dashboards")
	}
	_, page := b.get("/dashboards/" + boards[1])
	if got := page.Find(`[data-testid=pin]`).Text(); !strings.Contains(got, "Pin to home") {
		t.Fatalf("pin button %q", got)
	}
	res, _ := b.post("/dashboards/"+boards[2]+"/pin", url.Values{"pinned": {"true"}, "_csrf": {csrfFrom(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pinning: %d", res.StatusCode)
	}
	if _, page = b.get(res.Header.Get("Location")); !strings.Contains(page.Find(`[data-testid=pin]`).Text(), "Pinned") {
		t.Fatalf("after pinning, the button says %q", page.Find(`[data-testid=pin]`).Text())
	}
	_, home = b.get("/")
	cards := func(section string) []string {
		var out []string
		home.Find(`[data-testid=` + section + `] [data-testid=dashboard-card]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimPrefix(s.AttrOr("href", ""), "/dashboards/"))
		})
		return out
	}
	pinned, recent, rest := cards("home-pinned"), cards("home-recent"), cards("home-dashboards")
	if !slices.Equal(pinned, boards[2:3]) || !slices.Equal(recent, boards[1:2]) || !slices.Equal(rest, boards[0:1]) {
		t.Fatalf("pinned %v, recent %v, the rest %v; dashboards %v", pinned, recent, rest, boards)
	}
	if status, out := ta.call(t, auth.TierView, "DELETE", "/api/v1/dashboards/"+boards[2]+"/pin", nil); status != http.StatusOK || out["pinned"] != false {
		t.Fatalf("unpin: %d %v", status, out)
	}
	// Once every dashboard was opened lately, no empty "more" heading stays.
	b.get("/dashboards/" + boards[0])
	if _, home = b.get("/"); strings.Contains(home.Find("h2").Text(), "More dashboards") || len(cards("home-recent")) != 3 {
		t.Errorf("headings %q, recent %v", home.Find("h2").Text(), cards("home-recent"))
	}
}

func TestSQLBoxShowsResultsAndErrors(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	sql := "select status, count(*) as orders from act_orders group by 1 order by 1"
	res, doc := b.post("/sql", url.Values{"sql": {sql}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := doc.Find(`[data-testid=result] thead th`).First().Text(); !strings.HasPrefix(got, "status") {
		t.Fatalf("first heading %q", got)
	}
	if n := doc.Find(`[data-testid=result] tbody tr`).Length(); n != 5 {
		t.Fatalf("%d result rows, want 5", n)
	}
	if doc.Find(`[data-testid=sql]`).Text() != sql {
		t.Fatal("the SQL was not kept in the box")
	}
	bad := "select 1\nfrom act_orders\nwhere nope = 1"
	res, doc = b.post("/sql", url.Values{"sql": {bad}, "_csrf": {csrfFrom(home)}})
	msg := doc.Find(`[data-testid=sql-error]`).Text()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(msg, "Line 3, column 7") || !strings.Contains(msg, "nope") {
		t.Fatalf("status %d, error %q", res.StatusCode, msg)
	}
	if doc.Find(`[data-testid=sql]`).Text() != bad {
		t.Fatal("the failing SQL was lost")
	}
}

func TestPagesForPeopleWhoAreNotAllowed(t *testing.T) {
	ta := newTestApp(t)
	anon := ta.browser(t)
	if res, _ := anon.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous home: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	b := ta.browser(t)
	home := b.signIn("view@example.com")
	res, doc := b.post("/sql", url.Values{"sql": {"select 1"}, "_csrf": {csrfFrom(home)}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(doc.Find(`[data-testid=error-message]`).Text(), "view") {
		t.Fatalf("view tier running SQL: %d %q", res.StatusCode, doc.Find(`[data-testid=error-message]`).Text())
	}
	if res, doc := b.get("/no/such/page"); res.StatusCode != http.StatusNotFound || doc.Find(`[data-testid=error-message]`).Length() != 1 {
		t.Fatalf("unknown page: %d", res.StatusCode)
	}
}

// Signing in goes on to the page that was asked for, and only ever to a
// page of this site.
func TestSignInReturnsToThePageAskedFor(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	res, _ := b.get("/notebooks?owner=me")
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/login?next=%2Fnotebooks%3Fowner%3Dme" {
		t.Fatalf("a page asked for before signing in: %d to %q", res.StatusCode, loc)
	}
	_, login := b.get(res.Header.Get("Location"))
	next, _ := login.Find(`input[name=next]`).Attr("value")
	res, _ = b.post("/login", url.Values{"email": {"view@example.com"}, "password": {testPassword}, "_csrf": {csrfFrom(login)}, "next": {next}})
	if loc := res.Header.Get("Location"); loc != "/notebooks?owner=me" {
		t.Fatalf("after signing in: to %q", loc)
	}
	// Each from its own account: the sign-in throttle counts every attempt.
	for i, evil := range []string{"//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example"} {
		email := []string{"handle", "analyze", "data", "admin", "view"}[i] + "@example.com"
		b := ta.browser(t)
		_, login := b.get("/login?" + url.Values{"next": {evil}}.Encode())
		if n := login.Find(`input[name=next]`).Length(); n != 0 {
			t.Errorf("next=%q offered on the sign-in form", evil)
		}
		res, _ := b.post("/login", url.Values{"email": {email}, "password": {testPassword}, "_csrf": {csrfFrom(login)}, "next": {evil}})
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q: sent to %q after signing in", evil, loc)
		}
	}
}

// The menu marks the page a person is on, and offers what their tier may
// open.
func TestTheMenuMarksTheCurrentPage(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	b.signIn("handle@example.com")
	_, doc := b.get("/notebooks")
	if cur := doc.Find(`nav a[aria-current=page]`); cur.Length() != 1 || cur.AttrOr("data-testid", "") != "nav-notebooks" {
		t.Fatalf("current menu entries: %d, %q", cur.Length(), cur.AttrOr("data-testid", ""))
	}
	if doc.Find(`[data-testid=nav-explore]`).Length() != 1 || doc.Find(`[data-testid=nav-settings]`).Length() != 0 {
		t.Fatal("the handle tier's menu: explore missing or settings offered")
	}
	v := ta.browser(t)
	v.signIn("view@example.com")
	if _, doc := v.get("/dashboards"); doc.Find(`[data-testid=nav-explore]`).Length() != 0 || doc.Find(`nav a[aria-current=page]`).AttrOr("data-testid", "") != "nav-dashboards" {
		t.Fatal("the view tier's menu offers explore, or does not mark dashboards")
	}
}

func TestTheSQLBoxFormatsNumbers(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	home := b.signIn("analyze@example.com")
	_, doc := b.post("/sql", url.Values{"sql": {"select 1234567::BIGINT as n, 30000::DECIMAL(12,2) as total, 123456 as member_id, 0.012345::DOUBLE as rate"}, "_csrf": {csrfFrom(home)}})
	var got []string
	doc.Find(`[data-testid=result] tbody td`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
	if strings.Join(got, " | ") != "1,234,567 | 30,000.00 | 123456 | 0.0123" {
		t.Fatalf("cells %v", got)
	}
}
