package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/query"
)

// The app's half of the attack suite (query/attack_test.go has the
// engine's): every feature that runs SQL is an attack surface, so each
// attack goes through each of them.

// surfaceAttacks read DuckDB's catalog, where view definitions once held
// the PII key, in ways that fooled a guard that read only the text.
var surfaceAttacks = map[string]string{
	"pg_get_viewdef":             `select pg_get_viewdef(i) d from range(0, 300000) t(i) where d is not null`,
	"sqlite_master past a CTE":   `select (with sqlite_master as (select 1) select 1) z, sql from sqlite_master`,
	"duckdb_views past a CTE":    `with a as (select (with duckdb_views as (select 1) select 1) z) select * from a, duckdb_views`,
	"the settings":               `select current_setting('allowed_directories') as d`,
	"the plan of another query":  `select json_serialize_plan('select * from obj_members') as p`,
	"the hash function by name":  `select pier_pii_00('a') as h`,
	"a raw file past a CTE name": `select (with "x.parquet" as (select 1) select 1) z, * from "x.parquet"`,
}

// refused checks an answer is the 400 of a SQL error in words that name
// neither the lake nor the key.
func (ta *testApp) refused(t *testing.T, what string, status int, body map[string]any) {
	t.Helper()
	msg, _ := body["error"].(map[string]any)["message"].(string)
	if status != http.StatusBadRequest || errCode(body) != "sql_error" || msg == "" {
		t.Fatalf("%s: %d %v, want a 400 sql_error", what, status, body)
	}
	if strings.Contains(msg, ta.cfg.Lake()) || strings.Contains(msg, "pier_pii_") && !strings.Contains(msg, "pier_pii_00") {
		t.Fatalf("%s: the message shows what it should not: %s", what, msg)
	}
}

func TestEverySurfaceThatRunsSQLRefusesCatalogReads(t *testing.T) {
	ta := newTestApp(t)
	for name, sql := range surfaceAttacks {
		t.Run(name, func(t *testing.T) {
			status, body := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": sql})
			ta.refused(t, "POST /query", status, body)

			id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "a", sql))
			status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
			ta.refused(t, "a cell run", status, body)
			status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/dataset", map[string]any{"name": "x"})
			ta.refused(t, "a cell saved as a dataset", status, body)

			status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{"name": "x", "sql": sql})
			ta.refused(t, "a dataset", status, body)

			tile := map[string]any{"id": "t", "title": "t", "type": "table", "chart": map[string]any{}, "sql": sql}
			status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{"title": "x", "tiles": []any{tile}})
			ta.refused(t, "a dashboard's SQL tile", status, body)
		})
	}
}

// TestAReadHiddenFromTheGuardCannotBeCarriedOut is the shared-cell attack:
// an analyst without a grant writes a cell that reads a restricted table
// behind a CTE named like another, shares the notebook with someone who
// holds the grant, has them run it, and reads the kept result. The read is
// now seen, so the result is the grant holder's alone.
func TestAReadHiddenFromTheGuardCannotBeCarriedOut(t *testing.T) {
	ta := newTestApp(t)
	ta.restrictOrders(t, "data@example.com")
	hidden := `select (with act_orders as (select 1) select 1) z, sum(total) as revenue from (select * from act_orders) o`
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "a", hidden))
	status, body := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	ta.refused(t, "the author's own run", status, body)
	if status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": "data@example.com", "role": "editor"}); status != http.StatusOK {
		t.Fatal(res)
	}
	if status, res := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil); status != http.StatusOK {
		t.Fatalf("the grant holder's run: %d %v", status, res)
	}
	_, res := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/results", nil)
	kept := res["results"].(map[string]any)["a"].(map[string]any)
	if _, ok := kept["hidden"]; !ok || kept["data"] != nil {
		t.Fatalf("the author reads the grant holder's result: %v", kept)
	}
	if !strings.Contains(strings.Join(toStrings(kept["tables"]), ","), "act_orders") {
		t.Fatalf("the kept result does not name what it read: %v", kept["tables"])
	}
	if status, _ := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/result", nil); status != http.StatusNotFound {
		t.Fatalf("a page of the hidden result: %d", status)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestSQLThatIsNotTextOrTooLongIsRefused(t *testing.T) {
	ta := newTestApp(t)
	status, body := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select 1\x00"})
	if status != http.StatusBadRequest || errCode(body) != "invalid" {
		t.Fatalf("a NUL byte: %d %v", status, body)
	}
	status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select 1 " + strings.Repeat("-", 300<<10)})
	if status != http.StatusRequestEntityTooLarge || errCode(body) != "too_large" {
		t.Fatalf("300 KB of SQL: %d %v", status, body)
	}
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "a", "select\x00 1"))
	status, body = ta.call(t, auth.TierAnalyze, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	if status != http.StatusBadRequest || errCode(body) != "invalid" {
		t.Fatalf("a cell with a NUL byte: %d %v", status, body)
	}
}

func TestCSVDownloadsForSpreadsheetsDisarmFormulas(t *testing.T) {
	ta := newTestApp(t)
	sql := `select '=HYPERLINK("http://evil","x")' as link, -5 as n`
	res := ta.do(t, auth.TierAnalyze, "POST", "/api/v1/query", `{"sql":`+jsonString(sql)+`}`, "Accept", "text/csv")
	if got := readAll(t, res); got != "link,n\r\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-5\r\n" {
		t.Fatalf("the CSV for programs changed the value: %q", got)
	}
	id, _ := ta.newNotebook(t, auth.TierAnalyze, sqlCellJSON("a", "a", sql))
	res = ta.do(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/cells/a/export?format=csv", "")
	if got := readAll(t, res); got != "link,n\r\n\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-5\r\n" {
		t.Fatalf("a cell's CSV download: %q", got)
	}
	tile := map[string]any{"id": "t", "title": "Links", "type": "table", "chart": map[string]any{}, "sql": sql}
	board := ta.newDashboard(t, auth.TierAnalyze, tile)
	res = ta.do(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+board+"/tiles/t/export?format=csv", "")
	if got := readAll(t, res); !strings.Contains(got, `"'=HYPERLINK(`) {
		t.Fatalf("a tile's CSV download: %q", got)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestATileNobodyWaitsForStops: a dashboard tile whose viewer went away
// stops its query, instead of running to the deadline.
func TestATileNobodyWaitsForStops(t *testing.T) {
	ta := newTestApp(t)
	slow := "select count(*) as n from range(1000000000000) t(i) where i % 7 = 3"
	tile := map[string]any{"id": "t", "title": "Slow", "type": "number", "chart": map[string]any{}, "sql": slow}
	board := ta.newDashboard(t, auth.TierAnalyze, tile)
	for _, path := range []string{"/tiles/t/data", "/tiles/t/chart"} {
		ta.abandon(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+board+path, "")
	}
}

// abandon sends a request, and goes away once its query runs; the query
// must then stop.
func (ta *testApp) abandon(t *testing.T, tier auth.Tier, method, path, body string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, method, ta.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ta.tokens[tier])
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	waitUntil(t, "the query to start", func() bool { return ta.engine.InFlight() == 1 })
	cancel()
	<-done
	waitUntil(t, "the query to stop", func() bool { return ta.engine.InFlight() == 0 })
}

// TestAnExplorationNobodyWaitsForStops does the same for the explorer.
func TestAnExplorationNobodyWaitsForStops(t *testing.T) {
	ta := newTestApp(t)
	status, ds := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{
		"name": "Endless", "sql": "select i % 10 as g, i as n from range(1000000000000) t(i)"})
	if status != http.StatusCreated {
		t.Fatalf("%d %v", status, ds)
	}
	body := `{"measures":[{"agg":"sum","column":"n"}],"dimensions":["g"]}`
	ta.abandon(t, auth.TierHandle, "POST", "/api/v1/datasets/"+ds["id"].(string)+"/explore", body)
}

// TestAKeptErrorQuotingPIIIsHiddenLikeItsData: a failed cast quotes the
// value it failed on, so a kept error is shown only to readers who could
// read what the run read.
func TestAKeptErrorQuotingPIIIsHiddenLikeItsData(t *testing.T) {
	ta := newTestApp(t)
	if err := ta.users.AddGrant(t.Context(), "data@example.com", "obj_members", true); err != nil {
		t.Fatal(err)
	}
	id, _ := ta.newNotebook(t, auth.TierData, sqlCellJSON("a", "a", "select cast(email as integer) as n from obj_members"))
	status, body := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/cells/a/run", nil)
	msg, _ := body["error"].(map[string]any)["message"].(string)
	if status != http.StatusBadRequest || !strings.Contains(msg, "@example.com") {
		t.Fatalf("the runner's own error: %d %v", status, body)
	}
	if status, res := ta.call(t, auth.TierData, "POST", "/api/v1/notebooks/"+id+"/shares", map[string]any{"email": "analyze@example.com", "role": "viewer"}); status != http.StatusOK {
		t.Fatal(res)
	}
	_, res := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id+"/results", nil)
	kept := res["results"].(map[string]any)["a"].(map[string]any)
	if _, ok := kept["hidden"]; !ok {
		t.Fatalf("a reader without the PII grant sees the kept error: %v", kept)
	}
	email := regexp.MustCompile(`member\d+@example\.com`)
	if page := readAll(t, ta.do(t, auth.TierData, "GET", "/notebooks/"+id, "")); !email.MatchString(page) {
		t.Fatal("the runner's own page does not show the kept error (the check below would prove nothing)")
	}
	if page := readAll(t, ta.do(t, auth.TierAnalyze, "GET", "/notebooks/"+id, "")); email.MatchString(page) {
		t.Fatal("the notebook page shows the raw e-mail in the kept error")
	}
}

// TestAStreamCutShortIsNotAWholeAnswer: an error after the first rows
// breaks the connection instead of ending the stream cleanly, so that no
// client takes the rows it got for the whole result.
func TestAStreamCutShortIsNotAWholeAnswer(t *testing.T) {
	ta := newTestApp(t)
	sql := `{"sql":"select case when i < 2000000 then i else error('stop here') end as n from range(3000000) t(i)"}`
	for _, accept := range []string{"application/vnd.apache.arrow.stream", "text/csv"} {
		req, _ := http.NewRequest("POST", ta.srv.URL+"/api/v1/query", strings.NewReader(sql))
		req.Header.Set("Authorization", "Bearer "+ta.tokens[auth.TierAnalyze])
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || err == nil {
			t.Fatalf("%s: status %d, reading the body: %v (want a broken stream)", accept, res.StatusCode, err)
		}
	}
}

// TestALockedTileGivesNothingAway: a viewer a dashboard is shared with,
// without the grant for a table one tile reads, tries every dashboard
// endpoint for that tile's data, its definition and the values in it. The
// tile's query reads one secret word; it must reach the viewer nowhere.
func TestALockedTileGivesNothingAway(t *testing.T) {
	ta := newTestApp(t)
	const secret = "refunded"
	locked := map[string]any{"id": "locked", "title": "Refunds", "type": "table", "chart": map[string]any{},
		"sql": "select status, count(*) as n from act_orders where status = '" + secret + "' group by status"}
	open := map[string]any{"id": "open", "title": "Members", "type": "number", "chart": map[string]any{}, "sql": "select count(*) as n from obj_members"}
	id := ta.newDashboard(t, auth.TierAnalyze, locked, open)
	analyst, _ := ta.users.UserByEmail(context.Background(), "analyze@example.com")
	d, err := ta.dashboards.AddFilter(context.Background(), analyst, id, dashboard.Filter{Label: "Status", Column: "status", Kind: "values"})
	if err != nil {
		t.Fatal(err)
	}
	filter := d.Doc.Filters[0].ID
	if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "handle@example.com", "role": "editor"}); status >= 300 {
		t.Fatalf("share: %d %v", status, out)
	}
	ta.props.Set(context.Background(), "act_orders", propRestricted())
	if err := ta.users.AddGrant(context.Background(), "analyze@example.com", "act_orders", false); err != nil {
		t.Fatal(err)
	}
	ta.db.ExecContext(context.Background(), `UPDATE dashboards SET last_refresh_error = 'Tile 1: could not convert `+secret+`' WHERE id = $1`, id)
	base := "/api/v1/dashboards/" + id
	for _, path := range []string{base, base + "/tiles/locked/data", base + "/tiles/locked/chart", base + "/tiles/locked/export?format=csv",
		base + "/tiles/locked/export?format=xlsx", base + "/tiles/open/data?f.status=" + secret, base + "/tiles/open/data?f.n=1",
		base + "/filters/" + filter + "/values", base + "/export", "/dashboards/" + id} {
		res := ta.do(t, auth.TierHandle, "GET", path, "")
		body := readAll(t, res)
		if strings.Contains(body, secret) || strings.Contains(body, "act_orders where") {
			t.Errorf("%s (%d) shows the locked tile's data or definition: %.300s", path, res.StatusCode, body)
		}
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
	if status, out := ta.call(t, auth.TierHandle, "GET", base+"/tiles/locked/data", nil); status != http.StatusForbidden || out["error"] == nil {
		t.Fatalf("the locked tile's data: %d %v", status, out)
	}
	// An editor's copy leaves the tile out, so it cannot be shared onward.
	status, cp := ta.call(t, auth.TierHandle, "POST", base+"/duplicate", nil)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("duplicate: %d %v", status, cp)
	}
	for _, tile := range cp["tiles"].([]any) {
		if tile.(map[string]any)["id"] == "locked" {
			t.Fatalf("the copy holds the locked tile: %v", tile)
		}
	}
}

// TestALinkCannotPutWordsOnADashboardPage: the share panel confirmed a
// change from the query string, so a link could show its owner any text
// ("your session expired, sign in at …"). Confirmations now come from the
// session, once.
func TestALinkCannotPutWordsOnADashboardPage(t *testing.T) {
	ta := newTestApp(t)
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	lure := "Your session expired. Sign in again at https://pier-login.example to keep your access"
	for _, key := range []string{"shared", "unshared", "notice", "done"} {
		_, page := b.get("/dashboards/" + id + "?" + url.Values{key: {lure}}.Encode())
		html, _ := page.Html()
		if strings.Contains(html, "pier-login.example") {
			t.Errorf("?%s= puts its text on the page", key)
		}
	}
}

// The attacker's pass over the catalog found these; each stays closed.

// TestTheDataTeamCannotOpenARestrictedTableToItself: opening a table or
// untagging its PII gives access, which only admins grant; through the
// API and the table page's form alike.
func TestTheDataTeamCannotOpenARestrictedTableToItself(t *testing.T) {
	ta := newTestApp(t)
	restricted := true
	ta.props.Set(t.Context(), "obj_members", query.PropChange{Restricted: &restricted})
	for _, body := range []map[string]any{{"restricted": false}, {"restricted": false, "pii": []string{}}, {"pii": []string{}}} {
		if status, _ := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/obj_members", body); status != http.StatusForbidden {
			t.Errorf("PATCH %v by the data team: %d", body, status)
		}
	}
	b := ta.browser(t)
	home := b.signIn("data@example.com")
	if res, _ := b.post("/tables/obj_members", url.Values{"_csrf": {csrfFrom(home)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("the form with nothing ticked: %d", res.StatusCode)
	}
	if status, _ := ta.call(t, auth.TierData, "POST", "/api/v1/query", map[string]any{"sql": "select email from obj_members"}); status == http.StatusOK {
		t.Error("the data team reads the restricted table after all")
	}
}

// TestAMisspeltDryRunChangesNothing: ?dry_run=1 is a dry run; a value that
// is not true or false is refused, never applied.
func TestAMisspeltDryRunChangesNothing(t *testing.T) {
	ta := newTestApp(t)
	for _, v := range []string{"1", "True", "t", "yes", "please"} {
		status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders?dry_run="+v, map[string]any{"restricted": true})
		if status == http.StatusOK && out["impact"] == nil {
			t.Errorf("dry_run=%s changed the table: %v", v, out)
		}
	}
	if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"}); status != http.StatusOK {
		t.Fatalf("after dry runs the table is closed: %d %v", status, q)
	}
}

// TestTopQueriesQuoteOnlyWhatTheReaderMaySee: a statement that read a
// table the reader may not, read personal data unhashed, or names a PII
// column beside a literal is not shown word for word.
func TestTopQueriesQuoteOnlyWhatTheReaderMaySee(t *testing.T) {
	ta := newTestApp(t)
	ta.users.AddGrant(t.Context(), "analyze@example.com", "obj_members", true)
	for _, sql := range []string{
		"select o.order_id, m.phone from act_orders o join obj_members m using (member_id) where m.email = 'secret@example.com'",
		"select count(*) from act_orders where member_id in (select member_id from obj_members where name = 'Ana Kim')",
		"select status, count(*) from act_orders group by status",
	} {
		if status, out := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": sql}); status != http.StatusOK {
			t.Fatalf("%s: %d %v", sql, status, out)
		}
	}
	ta.qlog.Flush()
	restricted := true
	ta.props.Set(t.Context(), "obj_members", query.PropChange{Restricted: &restricted})
	_, d := ta.call(t, auth.TierData, "GET", "/api/v1/tables/act_orders", nil)
	got := fmt.Sprint(d["top_queries"])
	if strings.Contains(got, "secret@example.com") || strings.Contains(got, "Ana Kim") || strings.Contains(got, "obj_members") || !strings.Contains(got, "group by status") {
		t.Errorf("the top queries quote %s", got)
	}
}

// TestATableChangeIsNoColumnOracle: someone who cannot read a table cannot
// tag its columns, so a refusal never says which columns it has.
func TestATableChangeIsNoColumnOracle(t *testing.T) {
	ta := newTestApp(t)
	restricted := true
	ta.props.Set(t.Context(), "obj_members", query.PropChange{Restricted: &restricted})
	var statuses []int
	for _, col := range []string{"email", "salary"} {
		status, _ := ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/obj_members", map[string]any{"pii": []string{"name", "email", "phone", col}})
		statuses = append(statuses, status)
	}
	if statuses[0] != http.StatusForbidden || statuses[1] != http.StatusForbidden {
		t.Errorf("tagging a real and an unreal column of a locked table: %v; both must be refused alike", statuses)
	}
}

// TestTheTableFormsKeepIsNoBackDoorToAGrant: the impact panel's "keep
// their access" grants are an admin's; the data team sending keep= for
// itself changes nothing and grants nothing.
func TestTheTableFormsKeepIsNoBackDoorToAGrant(t *testing.T) {
	ta := newTestApp(t)
	restricted := true
	ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted})
	b := ta.browser(t)
	home := b.signIn("data@example.com")
	for _, keep := range []string{"data@example.com", "analyze@example.com"} {
		res, _ := b.post("/tables/act_orders", url.Values{"_csrf": {csrfFrom(home)}, "confirm": {"true"}, "restricted": {"true"},
			"description": {"changed"}, "keep": {keep}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("keep=%s from the data team: %d", keep, res.StatusCode)
		}
	}
	_, grants := ta.call(t, auth.TierAdmin, "GET", "/api/v1/grants?table=act_orders", nil)
	if n := len(grants["grants"].([]any)); n != 0 {
		t.Errorf("the data team granted %d people", n)
	}
	if _, d := ta.call(t, auth.TierData, "GET", "/api/v1/tables/act_orders", nil); d["description"] == "changed" {
		t.Error("a refused form changed the table anyway")
	}
}

// TestATablePageNamesOnlyLakeTables: a table page for a system view, a
// quoted or path-like name answers 404 before any SQL runs for it.
func TestATablePageNamesOnlyLakeTables(t *testing.T) {
	ta := newTestApp(t)
	count := func() (n int) {
		ta.qlog.Flush()
		ta.db.QueryRowContext(t.Context(), `SELECT count(*) FROM query_log`).Scan(&n)
		return n
	}
	before := count()
	for _, name := range []string{"information_schema.tables", "duckdb_settings()", "pg_catalog.pg_class", `act_orders" limit 1; select 1 --`,
		"..%2F..%2Fetc%2Fpasswd", "read_csv('%2Fetc%2Fpasswd')", "ACT_ORDERS", "act_orders%00", "sqlite_master"} {
		if status, out := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/tables/"+url.PathEscape(name), nil); status != http.StatusNotFound {
			t.Errorf("/api/v1/tables/%s: %d %v", name, status, out)
		}
	}
	if after := count(); after != before {
		t.Errorf("%d statements ran for table pages that do not exist", after-before)
	}
}

// The attacker's pass over search, the glossary, lineage and access
// approvals (session 10) found these; each stays closed.

// TestAGlossaryFormPostsOnlyToItsOwnMetric: a column name is whatever the
// dataset's SQL aliases it to, so a measure named with ../ and ? turns the
// glossary's "Define it" form into a form that posts the admin's CSRF token
// to any page: here the grants page, granting the analyst a restricted
// table with PII unhashed when an admin saves a definition.
func TestAGlossaryFormPostsOnlyToItsOwnMetric(t *testing.T) {
	ta := newTestApp(t)
	ta.restrictOrders(t, "data@example.com")
	evil := `../../admin/grants?email=analyze@example.com&table=act_orders&pii=true&x=`
	status, ds := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/datasets", map[string]any{
		"name": "Products", "sql": `select brand_id, sum(1) as "` + evil + `" from obj_products group by 1`})
	if status != http.StatusCreated {
		t.Fatalf("dataset: %d %v", status, ds)
	}
	id := ds["id"].(string)
	if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+id, map[string]any{"certified": true}); status != http.StatusOK {
		t.Fatalf("certify: %d %v", status, out)
	}
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	_, page := admin.get("/glossary")
	form := page.Find(`[data-testid=metric-editor] form`)
	action, _ := form.Attr("action")
	base, _ := url.Parse(ta.srv.URL + "/glossary")
	target, err := base.Parse(action)
	if err != nil {
		t.Fatal(err)
	}
	if target.Path != "/glossary/"+id || target.RawQuery != "" {
		t.Errorf("the glossary form of %s posts to %s", id, target.RequestURI())
	}
	// The admin defines the metric, as the form asks; and again with the
	// query string the column once carried, which a form post drops.
	fields := url.Values{"_csrf": {csrfFrom(page)}, "column": {form.Find(`[name=column]`).AttrOr("value", "")}, "name": {"Units"}, "definition": {"Units sold."}, "agg": {"sum"}}
	if res, _ := admin.post(target.RequestURI(), fields); res.StatusCode != http.StatusSeeOther {
		t.Errorf("defining the metric: %d", res.StatusCode)
	}
	admin.post("/admin/grants?email=analyze@example.com&table=act_orders&pii=true", url.Values{"_csrf": {csrfFrom(page)}})
	if list, _ := ta.users.ListGrants(t.Context(), "act_orders", "analyze@example.com"); len(list) != 0 {
		t.Fatalf("saving a glossary definition granted the analyst the restricted table: %+v", list)
	}
}

// TestSearchRankingDoesNotCountWhatTheCallerCannotOpen: SQLite's bm25
// weighs each word by how many documents in the whole index hold it,
// documents the caller cannot open included. An analyst who writes two
// notebooks of their own, one heavy in a probe word and one heavy in a
// guessed word, learns from which comes first whether anyone's private
// notebook (or a restricted table's column description, a private
// dashboard's text) holds the guessed word, or any word it begins.
func TestSearchRankingDoesNotCountWhatTheCallerCannotOpen(t *testing.T) {
	ta := newTestApp(t)
	md := func(src string) cellJSON { return cellJSON{"id": "m", "kind": "markdown", "source": src} }
	rep := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	heavyProbe, _ := ta.newNotebook(t, auth.TierAnalyze, md(rep("qzprobe", 10)+" zebracorn filler"))
	heavyGuess, _ := ta.newNotebook(t, auth.TierAnalyze, md("qzprobe "+rep("zebracorn", 11)))
	order := func() string {
		t.Helper()
		if err := ta.reindex(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, out := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/search?q=qzprobe+zebracorn&kind=notebook", nil)
		var ids []string
		for _, r := range out["results"].([]any) {
			switch id := r.(map[string]any)["id"].(string); id {
			case heavyProbe:
				ids = append(ids, "heavy-probe")
			case heavyGuess:
				ids = append(ids, "heavy-guess")
			default:
				ids = append(ids, "someone else's: "+id)
			}
		}
		return strings.Join(ids, " ")
	}
	before := order()
	// The data team's private notebook mentions the word; the analyst cannot open it.
	ta.newNotebook(t, auth.TierData, md("Project zebracorn: the acquisition we are not announcing yet."))
	if after := order(); after != before {
		t.Errorf("a notebook the analyst cannot open changes the order of their own results: %q, then %q", before, after)
	}
}

// TestTheGlossaryTellsNoColumnOfATableTheCallerCannotRead: a certified
// dataset on a restricted table lists its measures in the glossary and in
// search for everyone: the table's column names (the metric's name is the
// column's, humanized, until someone labels it) and the SQL that adds
// them up, which a locked table otherwise never shows.
func TestTheGlossaryTellsNoColumnOfATableTheCallerCannotRead(t *testing.T) {
	ta := newTestApp(t)
	ta.restrictOrders(t, "data@example.com")
	status, ds := ta.call(t, auth.TierData, "POST", "/api/v1/datasets", map[string]any{
		"name": "Order book", "sql": `select dt, status, total as refund_liability_eur from act_orders`})
	if status != http.StatusCreated {
		t.Fatalf("dataset: %d %v", status, ds)
	}
	id := ds["id"].(string)
	if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+id, map[string]any{"certified": true}); status != http.StatusOK {
		t.Fatalf("certify: %d %v", status, out)
	}
	if status, _ := ta.call(t, auth.TierHandle, "GET", "/api/v1/datasets/"+id, nil); status != http.StatusNotFound {
		t.Fatalf("the handle tier opens the dataset: %d", status)
	}
	_, out := ta.call(t, auth.TierHandle, "GET", "/api/v1/glossary", nil)
	if raw := fmt.Sprint(out); strings.Contains(raw, "refund_liability_eur") {
		t.Errorf("the glossary names a column of act_orders to someone who cannot read it: %v", out)
	}
	if err := ta.reindex(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, found := ta.call(t, auth.TierView, "GET", "/api/v1/search?q=refund+liability", nil)
	if r := found["results"].([]any); len(r) != 0 {
		t.Errorf("search finds a restricted table's column through the glossary: %v", found)
	}
}

// TestAnApproverGrantsOnlyTheOwnersTheyTicked: each dashboard owner
// lacking the table gets an "Also grant <owner>" box, but every box is
// the same grant_owner=true and the server grants every owner it finds
// when it reads it. A requester links a colleague's dashboard beside the
// real one; the admin unticks the colleague and approves; the colleague
// is granted the restricted table anyway. (The server also recomputes the
// owners at decision time, so a link added after the page was drawn is
// granted unseen.)
func TestAnApproverGrantsOnlyTheOwnersTheyTicked(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	var boards []string
	for _, tier := range []auth.Tier{auth.TierAnalyze, auth.TierHandle} {
		board := ta.newDashboard(t, tier, statusTile(ds))
		if status, res := ta.call(t, tier, "POST", "/api/v1/dashboards/"+board+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"}); status >= 300 {
			t.Fatalf("share: %d %v", status, res)
		}
		boards = append(boards, board)
	}
	restricted := true
	ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted})
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Access to act_orders", "category": "data_access",
		"access": map[string]any{"table": "act_orders"}, "links": []any{
			map[string]any{"kind": "dashboard", "ref": boards[0]}, map[string]any{"kind": "dashboard", "ref": boards[1]}}})
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	_, page := admin.get("/tickets/" + id)
	if n := page.Find(`[data-testid=owner-gap]`).Length(); n != 2 {
		t.Fatalf("owner gaps: %d: %q", n, page.Find(`[data-testid=decide-access]`).Text())
	}
	// The admin leaves "Also grant analyze@" ticked and unticks "Also grant handle@".
	form := url.Values{"_csrf": {csrfFrom(page)}, "note": {""}, "decision": {"approve"}}
	page.Find(`[data-testid=owner-gap]`).Each(func(_ int, gap *goquery.Selection) {
		if strings.Contains(gap.Text(), "analyze@example.com") {
			box := gap.Find(`[data-testid=grant-owner]`)
			form.Add(box.AttrOr("name", ""), box.AttrOr("value", ""))
		}
	})
	action := page.Find(`[data-testid=decide-access]`).AttrOr("action", "")
	if res, _ := admin.post(action, form); res.StatusCode >= 400 {
		t.Fatalf("decide: %d", res.StatusCode)
	}
	if list, _ := ta.users.ListGrants(t.Context(), "act_orders", "handle@example.com"); len(list) != 0 {
		t.Errorf("the owner the admin unticked was granted the table: %+v", list)
	}
	if list, _ := ta.users.ListGrants(t.Context(), "act_orders", "analyze@example.com"); len(list) != 1 {
		t.Errorf("the owner the admin ticked: %+v", list)
	}
}

// TestOneDocumentCannotBreakEveryonesSearch: the snippet finds the match
// in the lower-cased body and cuts the original at that offset; letters
// whose lower case is longer in UTF-8 (Ⱥ is 2 bytes, ⱥ is 3) push the
// offset past the end, and the cut panics. The snippet is made for every
// candidate before the permission check, so one private dashboard with a
// description of Ⱥs and common words breaks the search of everyone who
// looks for those words.
func TestOneDocumentCannotBreakEveryonesSearch(t *testing.T) {
	ta := newTestApp(t)
	status, d := ta.call(t, auth.TierHandle, "POST", "/api/v1/dashboards", map[string]any{"title": "Private notes",
		"description": strings.Repeat("Ⱥ", 200) + " revenue orders members churn"})
	if status != http.StatusCreated {
		t.Fatalf("dashboard: %d %v", status, d)
	}
	if err := ta.reindex(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, tier := range []auth.Tier{auth.TierView, auth.TierAdmin} {
		if status, out := ta.call(t, tier, "GET", "/api/v1/search?q=revenue", nil); status != http.StatusOK {
			t.Errorf("%s searches for revenue: %d %v", tier, status, out)
		}
	}
}

// TestPrivateDocumentsCannotCrowdOutOthersResults: search ranks the best
// 300 candidates of the whole index and only then drops what the caller
// cannot open. A handle-tier user who saves 300 private dashboards titled
// with a word takes every candidate slot, and nobody else finds anything
// by that word again.
func TestPrivateDocumentsCannotCrowdOutOthersResults(t *testing.T) {
	ta := newTestApp(t)
	status, d := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{"title": "Weekly revenue", "description": "Revenue by brand and week"})
	if status != http.StatusCreated {
		t.Fatalf("dashboard: %d %v", status, d)
	}
	mine := d["id"].(string)
	for i := range 300 {
		if status, d := ta.call(t, auth.TierHandle, "POST", "/api/v1/dashboards", map[string]any{"title": "Revenue", "description": "revenue"}); status != http.StatusCreated {
			t.Fatalf("dashboard %d: %d %v", i, status, d)
		}
	}
	if err := ta.reindex(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, out := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/search?q=revenue", nil)
	if got := fmt.Sprint(out["results"]); !strings.Contains(got, mine) {
		t.Errorf("the analyst no longer finds their own dashboard: %s", got)
	}
}
