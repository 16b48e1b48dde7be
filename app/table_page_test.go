package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestATablePageSaysWhatItHoldsWhoUsesItAndHowToAskForIt: a table's page
// shows its columns, freshness, the dashboards and datasets that read it
// and who queried it; the statements themselves only to the data team; a
// restricted table shows only its name, description, owner and the
// request to those without a grant.
func TestATablePageSaysWhatItHoldsWhoUsesItAndHowToAskForIt(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		ds := ta.newDataset(t)
		board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
		ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"})
		ta.qlog.Flush()

		status, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/act_orders", nil)
		if status != http.StatusOK || len(d["columns"].([]any)) != 6 || d["freshness"].(map[string]any)["as_of"] != "2026-01-03" {
			t.Fatalf("act_orders: %d %v", status, d)
		}
		used := fmt.Sprint(d["used_by"])
		if !strings.Contains(used, board) || !strings.Contains(used, ds) {
			t.Errorf("used by %s; want the dashboard %s and the dataset %s", used, board, ds)
		}
		if users := fmt.Sprint(d["top_users"]); !strings.Contains(users, "Test analyze") || d["top_queries"] != nil {
			t.Errorf("top users %s, top queries %v (the data team's only)", users, d["top_queries"])
		}
		_, data := ta.call(t, auth.TierData, "GET", "/api/v1/tables/act_orders", nil)
		if q := fmt.Sprint(data["top_queries"]); !strings.Contains(q, "select count(*) from act_orders") {
			t.Errorf("the data team sees the top queries %s", q)
		}

		restricted, desc := true, "Every order"
		ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted, Description: &desc})
		status, locked := ta.call(t, auth.TierView, "GET", "/api/v1/tables/act_orders", nil)
		if status != http.StatusOK || locked["locked"] != true || len(locked["columns"].([]any)) != 0 || locked["used_by"] != nil || locked["description"] != desc {
			t.Fatalf("a locked table: %d %v", status, locked)
		}
		if status, _ := ta.call(t, auth.TierView, "GET", "/api/v1/tables/no_such_table", nil); status != http.StatusNotFound {
			t.Errorf("an unknown table: %d", status)
		}
		b := ta.browser(t)
		b.signIn("view@example.com")
		_, page := b.get("/tables/act_orders")
		if href := page.Find(`[data-testid=table-locked] [data-testid=request-access]`).AttrOr("href", ""); !strings.Contains(href, "access_table=act_orders") || page.Find(`[data-testid=table-columns]`).Length() != 0 {
			t.Errorf("the locked page: request %q, columns shown %d", href, page.Find(`[data-testid=table-columns]`).Length())
		}
		_, page = b.get("/tables/obj_members")
		if page.Find(`[data-testid=table-columns] .badge.pii`).Length() != 3 {
			t.Errorf("obj_members' page marks %d PII columns", page.Find(`[data-testid=table-columns] .badge.pii`).Length())
		}
	})
}

// TestTheDataTeamGovernsATableInTheApp: restricting a table and tagging
// its PII from its page applies at once and is audited; others may not,
// and a column that is not there is refused.
func TestTheDataTeamGovernsATableInTheApp(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		if status, _ := ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/tables/act_orders", map[string]any{"restricted": true}); status != http.StatusForbidden {
			t.Errorf("an analyst restricts a table: %d", status)
		}
		if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{"pii": []string{"nope"}}); status != http.StatusBadRequest {
			t.Errorf("PII on a column that is not there: %d %v", status, out)
		}
		status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{"restricted": true, "description": "Every order", "pii": []string{"member_id"}})
		if status != http.StatusOK || out["restricted"] != true {
			t.Fatalf("restrict: %d %v", status, out)
		}
		if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"}); status == http.StatusOK {
			t.Errorf("a query reads the table restricted a moment ago: %v", q)
		}
		if _, detail := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/act_orders", nil); detail["locked"] != true {
			t.Errorf("the analyst's view of it: %v", detail)
		}
		_, audit := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit", nil)
		if got := fmt.Sprint(audit["events"]); !strings.Contains(got, auth.AuditTable) || !strings.Contains(got, "restricted") || !strings.Contains(got, "member_id") {
			t.Errorf("the audit log: %s", got)
		}
		// Opening a table again gives access: an admin's to do, as a grant is
		// (the attacker's pass found the data team could open one to itself).
		if status, _ := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{"restricted": false}); status != http.StatusForbidden {
			t.Errorf("the data team opens a restricted table: %d", status)
		}
		if status, _ := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{"pii": []string{}}); status != http.StatusForbidden {
			t.Errorf("the data team untags personal data: %d", status)
		}
		if status, _ := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{}); status != http.StatusBadRequest {
			t.Errorf("a change of nothing: %d", status)
		}
		b := ta.browser(t)
		home := b.signIn("admin@example.com")
		res, _ := b.post("/tables/act_orders", url.Values{"_csrf": {csrfFrom(home)}, "description": {"Orders"}, "owner": {"data@example.com"}, "pii_field": {"1"}, "pii": {"member_id"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the form: %d", res.StatusCode)
		}
		if _, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"}); q["error"] != nil {
			t.Errorf("unticking restricted on the form leaves the table closed: %v", q)
		}
	})
}

// TestARestrictionShowsItsImpactFirst: a dry run changes nothing and says
// which dashboards, datasets and notebooks read the table and whose owner
// would lose access.
func TestARestrictionShowsItsImpactFirst(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		ds := ta.newDataset(t) // the analyst's, reading act_orders and obj_members
		board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
		nb, _ := ta.newNotebook(t, auth.TierData, sqlCellJSON("a", "orders", "select count(*) from act_orders"))
		if status, out := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+nb+"/cells/a/run", nil); status != http.StatusOK {
			t.Fatalf("run: %d %v", status, out)
		}
		ta.users.AddGrant(t.Context(), "data@example.com", "act_orders", false)
		ta.users.AddGrant(t.Context(), "handle@example.com", "act_orders", false)
		for _, email := range []string{"view@example.com", "handle@example.com"} {
			if status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+board+"/shares", map[string]any{"email": email, "role": "viewer"}); status >= 300 {
				t.Fatalf("share: %d %v", status, res)
			}
		}
		status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders?dry_run=true", map[string]any{"restricted": true})
		if status != http.StatusOK {
			t.Fatalf("dry run: %d %v", status, out)
		}
		got := map[string]bool{}
		for _, i := range out["impact"].([]any) {
			m := i.(map[string]any)
			got[m["kind"].(string)+":"+m["id"].(string)] = m["loses_access"].(bool)
		}
		want := map[string]bool{"dashboard:" + board: true, "dataset:" + ds: true, "notebook:" + nb: false}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("impact %v, want %v (the analyst holds no grant; the data team's owner does)", got, want)
		}
		if people := fmt.Sprint(out["impact"]); !strings.Contains(people, "people_losing_access:[view@example.com]") {
			t.Errorf("impact %s: the viewer the dashboard is shared with loses it, the granted handle tier does not", people)
		}
		if _, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"}); q["error"] != nil {
			t.Errorf("a dry run restricted the table: %v", q)
		}
	})
}

// TestATablePageShowsSampleRowsAsTheReaderWouldQueryThem: sample rows
// come through the reader's own sandbox (PII hashed without a grant), only
// for those who run SQL; notebooks that read the table are "used by".
func TestATablePageShowsSampleRowsAsTheReaderWouldQueryThem(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		nb, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "members", "select count(*) from obj_members"))
		if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+nb+"/cells/a/run", nil); status != http.StatusOK {
			t.Fatalf("run: %d %v", status, out)
		}
		_, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/obj_members", nil)
		sample, _ := d["sample"].(map[string]any)
		if sample == nil || len(sample["rows"].([]any)) != 10 {
			t.Fatalf("sample %v", d["sample"])
		}
		if got := fmt.Sprint(sample["rows"]); strings.Contains(got, "@example.com") {
			t.Errorf("the sample shows e-mails unhashed to someone without a PII grant: %s", got)
		}
		if used := fmt.Sprint(d["used_by"]); !strings.Contains(used, nb) {
			t.Errorf("used by %s; want the notebook %s", used, nb)
		}
		if _, v := ta.call(t, auth.TierView, "GET", "/api/v1/tables/obj_members", nil); v["sample"] != nil || strings.Contains(fmt.Sprint(v["used_by"]), nb) {
			t.Errorf("the view tier gets sample rows or someone else's notebook: %v", v)
		}
		ta.users.AddGrant(t.Context(), "analyze@example.com", "obj_members", true)
		_, d = ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/obj_members", nil)
		if got := fmt.Sprint(d["sample"].(map[string]any)["rows"]); !strings.Contains(got, "@example.com") {
			t.Errorf("with a PII grant the sample still hashes e-mails: %s", got)
		}
	})
}

// TestALateTableIsMarkedAndAnnouncedOnce: a table whose newest data is
// older than its owner promises is late on its page and on the dashboards
// that read it, and the webhook hears of it once however often it is
// checked; a fresh table is not late, and column descriptions show. Lists
// of dashboards badge the cards of those that read a late table.
func TestALateTableIsMarkedAndAnnouncedOnce(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
		for _, bad := range []map[string]any{{"expect_every": "soon"}, {"columns": map[string]any{"nope": map[string]any{"description": "x"}}}} {
			if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", bad); status != http.StatusBadRequest {
				t.Errorf("%v: %d %v", bad, status, out)
			}
		}
		status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders",
			map[string]any{"expect_every": "1d", "columns": map[string]any{"status": map[string]any{"description": "Where the order is"}}})
		fresh := out["freshness"].(map[string]any)
		if status != http.StatusOK || fresh["late"] != true || fresh["expect_every"] != "1d" || !strings.Contains(fmt.Sprint(out["columns"]), "Where the order is") {
			t.Fatalf("act_orders (newest data 2026-01-03) expected daily: %d %v", status, out)
		}
		if _, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/obj_members", map[string]any{"expect_every": "1w"}); out["freshness"].(map[string]any)["late"] != false {
			t.Errorf("obj_members, written a moment ago, expected weekly: %v", out["freshness"])
		}

		b := ta.browser(t)
		b.signIn("analyze@example.com")
		if _, page := b.get("/dashboards/" + board); !strings.Contains(page.Find(`[data-testid=dashboard-late]`).Text(), "act_orders") {
			t.Errorf("the dashboard's late badge: %q", page.Find(`[data-testid=dashboard-late]`).Text())
		}
		if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{"title": "Empty"}); status != http.StatusCreated {
			t.Fatalf("an empty dashboard: %d %v", status, out)
		}
		for _, path := range []string{"/dashboards", "/"} {
			_, page := b.get(path)
			late := map[string]int{}
			page.Find(`[data-testid=dashboard-card]`).Each(func(_ int, card *goquery.Selection) {
				late[strings.Fields(card.Find("h2").Text())[0]] += card.Find(`[data-testid=dashboard-card-late]`).Length()
			})
			if len(late) != 2 || late["Sales"] != 1 || late["Empty"] != 0 {
				t.Errorf("%s: late badges by card %v; want Sales (reads act_orders) only", path, late)
			}
		}
		if _, page := b.get("/tables/act_orders"); page.Find(`[data-testid=table-late]`).Length() != 1 || !strings.Contains(page.Find(`[data-testid=column-description]`).Text(), "Where the order is") {
			t.Errorf("the table page: late badge %d, descriptions %q", page.Find(`[data-testid=table-late]`).Length(), page.Find(`[data-testid=column-description]`).Text())
		}

		// Restricted, act_orders is none of a viewer's business: the card of
		// the published dashboard that reads it says nothing of its lateness.
		if status, out := ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/dashboards/"+board, map[string]any{"published": true}); status != http.StatusOK {
			t.Fatalf("publish: %d %v", status, out)
		}
		restricted := true
		if err := ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted}); err != nil {
			t.Fatal(err)
		}
		viewer := ta.browser(t)
		viewer.signIn("view@example.com")
		_, page := viewer.get("/dashboards")
		if cards, late := page.Find(`[data-testid=dashboard-card]`).Length(), page.Find(`[data-testid=dashboard-card-late]`).Length(); cards == 0 || late != 0 {
			t.Errorf("a viewer without a grant sees %d cards, %d late badges; want the card, no badge", cards, late)
		}

		receiver := httptest.NewServer(http.NotFoundHandler()) // the outbox does not run: what was queued is counted
		defer receiver.Close()
		hook := map[string]any{"url": receiver.URL, "allow_private": true}
		if status, body := ta.call(t, auth.TierAdmin, "PUT", "/api/v1/settings/webhook", hook); status != http.StatusOK {
			t.Fatalf("configure: %d %v", status, body)
		}
		for range 3 {
			if err := ta.announceLate(t.Context(), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := ta.db.QueryContext(t.Context(), `SELECT payload FROM webhook_deliveries`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var sent []string
		for rows.Next() {
			var p string
			rows.Scan(&p)
			sent = append(sent, p)
		}
		if len(sent) != 1 || !strings.Contains(sent[0], "Table act_orders is late: its newest data is from 2026-01-03") {
			t.Errorf("the webhook is told %q; want one message about act_orders", sent)
		}
	})
}

// TestTheTableFormShowsTheImpactFirstAndKeepsOwnersWithAGrant: saving a
// restriction that closes an analyst's dashboard first shows it, changes
// nothing, and applying it with "keep" grants the owner in the same step.
func TestTheTableFormShowsTheImpactFirstAndKeepsOwnersWithAGrant(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
		b := ta.browser(t)
		home := b.signIn("admin@example.com")
		fields := url.Values{"_csrf": {csrfFrom(home)}, "description": {"Orders"}, "owner": {""}, "restricted": {"true"}, "expect_every": {""}}
		res, page := b.post("/tables/act_orders", fields)
		impact := page.Find(`[data-testid=impact-list]`).Text()
		if res.StatusCode != http.StatusOK || !strings.Contains(impact, "analyze@example.com") || !strings.Contains(impact, "loses access") {
			t.Fatalf("the first save: %d, impact %q", res.StatusCode, impact)
		}
		if _, d := ta.call(t, auth.TierView, "GET", "/api/v1/tables/act_orders", nil); d["restricted"] == true {
			t.Fatal("showing the impact restricted the table")
		}
		confirm := url.Values{}
		page.Find(`[data-testid=table-impact] input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
			confirm.Add(s.AttrOr("name", ""), s.AttrOr("value", ""))
		})
		confirm.Add("keep", page.Find(`[data-testid=keep-owner]`).First().AttrOr("value", ""))
		if res, _ := b.post("/tables/act_orders", confirm); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d", res.StatusCode)
		}
		if _, d := ta.call(t, auth.TierView, "GET", "/api/v1/tables/act_orders", nil); d["locked"] != true {
			t.Errorf("after applying, a viewer sees %v", d)
		}
		if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"}); status != http.StatusOK {
			t.Errorf("the kept owner cannot read it: %d %v", status, q)
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+board, nil); status != http.StatusOK {
			t.Errorf("the owner's dashboard: %d", status)
		}
		bad := url.Values{"_csrf": {csrfFrom(home)}, "description": {"Orders"}, "restricted": {"true"}, "expect_every": {"soon"}}
		if res, page := b.post("/tables/act_orders", bad); res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=table-problem]`).Text(), "soon") {
			t.Errorf("a bad expectation: %d %q", res.StatusCode, page.Find(`[data-testid=table-problem]`).Text())
		}
	})
}

// TestATablePagesSampleIsNotUseButIsAudited: opening a table page reads
// its first rows for the reader; that is not someone using the table, so
// it stays out of "who reads it", yet a read of unhashed personal data
// there is audited as any other.
func TestATablePagesSampleIsNotUseButIsAudited(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		ta.users.AddGrant(t.Context(), "analyze@example.com", "obj_members", true)
		for range 2 {
			if status, d := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/obj_members", nil); status != http.StatusOK || d["sample"] == nil {
				t.Fatalf("the table page: %d %v", status, d)
			}
		}
		ta.qlog.Flush()
		if _, d := ta.call(t, auth.TierData, "GET", "/api/v1/tables/obj_members", nil); d["top_users"] != nil {
			t.Errorf("opening the page counted as reading the table: %v", d["top_users"])
		}
		ta.qlog.Flush()
		_, audit := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit?kind=pii_read&actor=analyze", nil)
		if events := audit["events"].([]any); len(events) == 0 || !strings.Contains(fmt.Sprint(events[0]), "obj_members") {
			t.Errorf("the unhashed sample is not audited: %v", audit)
		}
	})
}

// TestTheDataTeamGovernsATableItCannotRead: restricting a table closes it
// to whoever holds no grant, the data team included; its page still gives
// them the governance form, without columns, and saving it keeps the
// personal-data tags it cannot see.
func TestTheDataTeamGovernsATableItCannotRead(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		restricted := true
		ta.props.Set(t.Context(), "obj_members", query.PropChange{Restricted: &restricted})
		b := ta.browser(t)
		home := b.signIn("data@example.com")
		_, page := b.get("/tables/obj_members")
		editor := page.Find(`[data-testid=table-editor]`)
		if page.Find(`[data-testid=table-locked]`).Length() != 1 || editor.Length() != 1 || editor.Find(`[name=pii]`).Length() != 0 {
			t.Fatalf("the data team's page of a table it cannot read: locked %d, editor %d, PII boxes %d",
				page.Find(`[data-testid=table-locked]`).Length(), editor.Length(), editor.Find(`[name=pii]`).Length())
		}
		res, _ := b.post("/tables/obj_members", url.Values{"_csrf": {csrfFrom(home)}, "description": {"People who signed up"}, "restricted": {"true"}, "expect_every": {"1d"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		props, _ := ta.props.All(t.Context())
		if p := props["obj_members"]; p.Description != "People who signed up" || len(p.PII) == 0 || !p.Restricted {
			t.Errorf("after saving the locked form: %+v (its PII tags must stay)", p)
		}
	})
}
