package app

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestDashboardPagesReadWithoutScript: the list, a dashboard with a text
// tile, its filters and download links, a cross-filter that can be
// dropped, and who is told what.
func TestDashboardPagesReadWithoutScript(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	note := map[string]any{"id": "note", "title": "Read me", "type": "markdown", "chart": map[string]any{},
		"text": "# Sales\n<script>window.pwned=1</script>[x](javascript:alert(1))"}
	status, d := ta.call(t, auth.TierHandle, "POST", "/api/v1/dashboards", map[string]any{"title": "Team sales", "tiles": []any{statusTile(ds), note},
		"filters": []any{map[string]any{"id": "country", "label": "Country", "kind": "values", "column": "country"}}})
	if status != http.StatusCreated {
		t.Fatalf("%d %v", status, d)
	}
	id := d["id"].(string)
	ta.call(t, auth.TierHandle, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"})

	owner := ta.browser(t)
	owner.signIn("handle@example.com")
	_, list := owner.get("/dashboards")
	if strings.TrimSpace(list.Find(`[data-testid=dashboard-card] h2`).Text()) != "Team sales" {
		t.Fatal("the list does not show the dashboard")
	}
	res, page := owner.get("/dashboards/" + id + "?f.country=KR&f.status=paid&grain=week")
	if res.StatusCode != http.StatusOK || page.Find(`[data-testid=dashboard-title]`).Text() == "" {
		t.Fatalf("dashboard page: %d", res.StatusCode)
	}
	md, _ := page.Find(`[data-tile=note] .markdown`).Html()
	if !strings.Contains(md, "<h1") || strings.Contains(md, "<script") || strings.Contains(md, "javascript:") {
		t.Fatalf("a text tile is not rendered safely: %s", md)
	}
	if v, _ := page.Find(`input[name="f.country"]`).Attr("value"); v != "KR" {
		t.Fatalf("the country filter shows %q", v)
	}
	if chip := page.Find(`[data-testid=cross-filter]`).Text(); !strings.Contains(chip, "status = paid") {
		t.Fatalf("cross-filter chip %q", chip)
	}
	drop, _ := page.Find(`[data-testid=cross-filter] a`).Attr("href")
	if strings.Contains(drop, "status") || !strings.Contains(drop, "f.country=KR") {
		t.Fatalf("dropping the cross-filter links to %s", drop)
	}
	csv, _ := page.Find(`[data-tile=by_status] [data-testid=tile-csv]`).Attr("href")
	if res := ta.do(t, auth.TierHandle, "GET", csv, ""); res.StatusCode != http.StatusOK || !strings.HasPrefix(readAll(t, res), "status,sum of total") {
		t.Fatalf("the tile's CSV link %s: %d", csv, res.StatusCode)
	}
	if page.Find(`[data-testid=refresh-problem]`).Length() != 0 {
		t.Fatal("a refresh problem is shown with no refresh")
	}
	if page.Find(`[data-testid=tile-certified]`).Length() != 0 {
		t.Fatal("a tile of an uncertified dataset has the badge")
	}
	ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+ds, map[string]any{"certified": true})
	if _, page := owner.get("/dashboards/" + id); page.Find(`[data-tile=by_status] [data-testid=tile-certified]`).Length() != 1 {
		t.Fatal("a tile of a certified dataset has no badge")
	}

	ta.db.ExecContext(context.Background(), `UPDATE dashboards SET last_refresh_at = 1, last_refresh_error = 'Tile 1: the table is gone' WHERE id = $1`, id)
	_, page = owner.get("/dashboards/" + id)
	if !strings.Contains(page.Find(`[data-testid=refresh-problem]`).Text(), "the table is gone") {
		t.Fatal("the owner is not told that the refresh failed")
	}
	viewer := ta.browser(t)
	viewer.signIn("view@example.com")
	_, page = viewer.get("/dashboards/" + id)
	if page.Find(`[data-testid=refresh-problem]`).Length() != 0 || page.Find(`[data-testid=edit-dashboard]`).Length() != 0 {
		t.Fatal("a viewer is shown the refresh problem or the editing controls")
	}
	if res, page := viewer.get("/dashboards/" + id + "?grain=hour"); res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Text(), "grain") {
		t.Fatalf("a bad grain: %d", res.StatusCode)
	}
	stranger := ta.browser(t)
	stranger.signIn("analyze@example.com")
	if res, _ := stranger.get("/dashboards/" + id); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a stranger: %d", res.StatusCode)
	}
	_, home := viewer.get("/")
	if res, _ := viewer.post("/dashboards", url.Values{"title": {"Mine"}, "_csrf": {csrfFrom(home)}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("a view-tier user made a dashboard: %d", res.StatusCode)
	}
}

// TestWholeDashboardExportHasASheetPerTile: one workbook, a sheet per tile
// with data, and a tile that cannot be read says why instead of failing
// the download.
func TestWholeDashboardExportHasASheetPerTile(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	broken := map[string]any{"id": "brands", "title": "Brands", "type": "table", "chart": map[string]any{}, "sql": "select * from obj_brands"}
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds), broken)
	ta.props.Set(context.Background(), "obj_brands", propRestricted())
	res := ta.do(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+id+"/export", "")
	body := readAll(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	sheets := xlsxSheets(t, []byte(body))
	if len(sheets) != 2 || sheets[0][0][0] != "status" || !strings.Contains(sheets[1][0][0], "could not be read") {
		t.Fatalf("sheets %v", sheets)
	}
}

func propRestricted() query.PropChange {
	yes := true
	return query.PropChange{Restricted: &yes}
}

// xlsxSheets reads every sheet of a workbook, in order.
func xlsxSheets(t *testing.T, b []byte) [][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	var out [][][]string
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rows)
	}
	return out
}

// TestDashboardSettingsOnThePage: the owner renames and schedules,
// publishes and adds a tile of SQL; the data team certifies; a handle-tier
// editor cannot add SQL.
func TestDashboardSettingsOnThePage(t *testing.T) {
	ta := newTestApp(t)
	id := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
	owner := ta.browser(t)
	owner.signIn("analyze@example.com")
	_, page := owner.get("/dashboards/" + id)
	token := csrfFrom(page)
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/settings", url.Values{"version": {"1"}, "title": {"Renamed"}, "description": {"Why"}, "refresh_minutes": {"60"}}},
		{"/standing", url.Values{"published": {"true"}}},
		{"/tiles", url.Values{"title": {"Brands"}, "type": {"table"}, "sql": {"select * from obj_brands"}}},
	} {
		step.form.Set("_csrf", token)
		if res, _ := owner.post("/dashboards/"+id+step.path, step.form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", step.path, res.StatusCode)
		}
	}
	for name, bad := range map[string]struct {
		path   string
		form   url.Values
		status int
	}{
		"stale settings":   {"/settings", url.Values{"version": {"1"}, "title": {"Lost"}, "refresh_minutes": {"0"}}, http.StatusConflict},
		"no refresh given": {"/settings", url.Values{"version": {"2"}, "title": {"Lost"}}, http.StatusBadRequest},
		"unknown filter":   {"/filters", url.Values{"label": {"x"}, "kind": {"slider"}}, http.StatusBadRequest},
		"SQL error":        {"/tiles", url.Values{"type": {"table"}, "sql": {"select nope from obj_brands"}}, http.StatusBadRequest},
	} {
		bad.form.Set("_csrf", token)
		if res, page := owner.post("/dashboards/"+id+bad.path, bad.form); res.StatusCode != bad.status || page.Find(`[data-testid=error-message]`).Text() == "" {
			t.Errorf("%s: %d, want %d with a message", name, res.StatusCode, bad.status)
		}
	}
	_, d := ta.call(t, auth.TierView, "GET", "/api/v1/dashboards/"+id, nil)
	if d["title"] != "Renamed" || d["description"] != "Why" || d["refresh_minutes"] != 60.0 || d["published"] != true || len(d["tiles"].([]any)) != 2 {
		t.Fatalf("after the settings: %v", d)
	}

	data := ta.browser(t)
	data.signIn("data@example.com")
	_, page = data.get("/dashboards/" + id)
	if res, _ := data.post("/dashboards/"+id+"/standing", url.Values{"certified": {"true"}, "_csrf": {csrfFrom(page)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("certify: %d", res.StatusCode)
	}
	if _, page = data.get("/dashboards/" + id); page.Find(`[data-testid=certified]`).Length() != 1 {
		t.Fatal("no certified badge")
	}

	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+id+"/shares", map[string]any{"email": "handle@example.com", "role": "editor"})
	editor := ta.browser(t)
	editor.signIn("handle@example.com")
	_, page = editor.get("/dashboards/" + id)
	if page.Find(`[data-testid=sql-tile-form]`).Length() != 0 || page.Find(`[data-testid=publish]`).Length() != 0 {
		t.Fatal("a handle-tier editor is offered SQL tiles or publishing")
	}
	res, _ := editor.post("/dashboards/"+id+"/tiles", url.Values{"type": {"table"}, "sql": {"select 1"}, "_csrf": {csrfFrom(page)}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("a handle-tier editor added SQL: %d", res.StatusCode)
	}
}

// TestTheGrainPickerShowsWhatTheTilesShow: tiles saved at week grain open
// with Week picked; tiles at different grains open "as saved".
func TestTheGrainPickerShowsWhatTheTilesShow(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	timed := func(id, grain string) map[string]any {
		return map[string]any{"id": id, "title": id, "type": "line", "dataset": ds, "time_column": "dt", "grain": grain,
			"measures": []any{map[string]any{"agg": "count"}}, "chart": map[string]any{}}
	}
	weekly := ta.newDashboard(t, auth.TierHandle, timed("a", "week"), timed("b", "week"))
	mixed := ta.newDashboard(t, auth.TierHandle, timed("a", "week"), timed("b", "month"))
	b := ta.browser(t)
	b.signIn("handle@example.com")
	picked := func(path string) string {
		res, page := b.get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		return page.Find(`[data-testid=grain] option[selected]`).Text()
	}
	if got := picked("/dashboards/" + weekly); got != "Week" {
		t.Errorf("tiles saved by week open with %q picked", got)
	}
	if got := picked("/dashboards/" + mixed); got != "As saved" {
		t.Errorf("tiles at two grains open with %q picked", got)
	}
	if got := picked("/dashboards/" + mixed + "?grain="); got != "As saved" {
		t.Errorf("applying 'as saved': %q", got)
	}
	if got := picked("/dashboards/" + mixed + "?grain=day"); got != "Day" {
		t.Errorf("a grain the viewer chose: %q", got)
	}
	status, week := ta.call(t, auth.TierHandle, "GET", "/api/v1/dashboards/"+weekly+"/tiles/a/data", nil)
	if status != http.StatusOK || len(week["rows"].([]any)) != 1 {
		t.Errorf("a tile saved by week, with no grain asked: %d %v", status, week["rows"])
	}
}

// TestTheSharePanelListsAndConfirms: sharing lists who has the dashboard,
// confirms each change, and tells a handle owner why they cannot show it
// to everyone; the panels sit below the tiles.
func TestTheSharePanelListsAndConfirms(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	id := ta.newDashboard(t, auth.TierHandle, statusTile(ds))
	b := ta.browser(t)
	b.signIn("handle@example.com")
	_, page := b.get("/dashboards/" + id)
	if page.Find(`[data-testid=shares]`).Length() != 0 || page.Find(`[data-testid=publish]`).Length() != 0 {
		t.Fatal("a new dashboard lists shares or offers a handle owner to publish")
	}
	if why := page.Find(`[data-testid=no-publish]`).Text(); !strings.Contains(why, "analyze tier") {
		t.Errorf("the handle owner is told %q about publishing", why)
	}
	html, _ := page.Html()
	if strings.Index(html, `data-testid="dash-manage"`) < strings.Index(html, `data-testid="dash-grid"`) {
		t.Error("sharing and settings sit above the tiles")
	}
	res, _ := b.post("/dashboards/"+id+"/shares", url.Values{"email": {"view@example.com"}, "role": {"viewer"}, "_csrf": {csrfFrom(page)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d", res.StatusCode)
	}
	_, page = b.get(res.Header.Get("Location"))
	if got := page.Find(`[data-testid=share-notice]`).Text(); !strings.Contains(got, "view@example.com") || !strings.Contains(got, "can view") {
		t.Errorf("after sharing, the notice says %q", got)
	}
	if rows := page.Find(`[data-testid=share-row]`); rows.Length() != 1 || !strings.Contains(rows.Text(), "view@example.com") {
		t.Fatalf("share rows: %q", rows.Text())
	}
	if _, open := page.Find(`[data-testid=dashboard-share]`).Attr("open"); !open {
		t.Error("the share panel is folded after a change it confirms")
	}
	// The confirmation shows once, and a link cannot make the page say
	// anything (the attacker's pass found ?unshared= repeated any text).
	_, again := b.get("/dashboards/" + id)
	lure := "Your session expired. Sign in again at https://pier-login.example"
	_, forged := b.get("/dashboards/" + id + "?" + url.Values{"shared": {"ceo@example.com"}, "unshared": {lure}}.Encode())
	if again.Find(`[data-testid=share-notice]`).Length() != 0 || forged.Find(`[data-testid=share-notice]`).Length() != 0 {
		t.Error("a share notice shows twice, or from a crafted link")
	}
	res, _ = b.post("/dashboards/"+id+"/shares/delete", url.Values{"email": {"view@example.com"}, "_csrf": {csrfFrom(page)}})
	_, page = b.get(res.Header.Get("Location"))
	if page.Find(`[data-testid=share-row]`).Length() != 0 || !strings.Contains(page.Find(`[data-testid=share-notice]`).Text(), "no longer has access") {
		t.Errorf("after removing: rows %d, notice %q", page.Find(`[data-testid=share-row]`).Length(), page.Find(`[data-testid=share-notice]`).Text())
	}
	if page.Find(`[data-testid=dash-filters]`).Length() != 0 {
		t.Error("a dashboard with nothing to filter shows an empty filter bar")
	}

	analyst := ta.browser(t)
	analyst.signIn("analyze@example.com")
	mine := ta.newDashboard(t, auth.TierAnalyze, statusTile(ds))
	_, page = analyst.get("/dashboards/" + mine)
	if page.Find(`[data-testid=dashboard-share] [data-testid=publish]`).Length() != 1 || page.Find(`[data-testid=no-publish]`).Length() != 0 {
		t.Error("an analyst owner is not offered to show the dashboard to everyone from the share panel")
	}
}

// TestAClickOnAFilteredColumnLeavesTheClickedTile: when the dashboard has
// a filter named like the column clicked (as the demo boards do), the click
// still leaves the clicked tile whole and shows a chip that drops it.
func TestAClickOnAFilteredColumnLeavesTheClickedTile(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	other := map[string]any{"id": "count", "title": "Orders", "type": "table", "chart": map[string]any{}, "dataset": ds, "dimensions": []any{"status"}}
	status, d := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{"title": "Sales", "tiles": []any{statusTile(ds), other},
		"filters": []any{map[string]any{"id": "status", "label": "Status", "kind": "values", "column": "status"}}})
	if status != http.StatusCreated {
		t.Fatalf("%d %v", status, d)
	}
	id := d["id"].(string)
	view := "?f.status=paid&from.status=by_status"
	rows := func(tile string) int {
		_, out := ta.call(t, auth.TierAnalyze, "GET", "/api/v1/dashboards/"+id+"/tiles/"+tile+"/data"+view, nil)
		return len(out["rows"].([]any))
	}
	if clicked, others := rows("by_status"), rows("count"); clicked < 2 || others != 1 {
		t.Fatalf("the clicked tile has %d rows (want all), the other %d (want 1)", clicked, others)
	}
	b := ta.browser(t)
	b.signIn("analyze@example.com")
	_, page := b.get("/dashboards/" + id + view)
	if chip := page.Find(`[data-testid=cross-filter]`).Text(); !strings.Contains(chip, "status = paid") {
		t.Errorf("no chip for the click: %q", chip)
	}
}
