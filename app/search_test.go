package app

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestSearchNeverShowsWhatTheCallerCannotOpen: the same words find
// different things for different people: a private dashboard only for its
// owner, a notebook by its cell text only for those it is shared with,
// datasets only for those who explore, a restricted table's name (locked)
// but never its columns.
func TestSearchNeverShowsWhatTheCallerCannotOpen(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		status, d := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards", map[string]any{"title": "Secret margin plan", "description": "Margins by brand"})
		if status != http.StatusCreated {
			t.Fatalf("dashboard: %d %v", status, d)
		}
		board := d["id"].(string)
		nb, _ := ta.newNotebook(t, auth.TierData, sqlCellJSON("a", "m", "select sum(total) as margin_estimate from act_orders"))
		ds := ta.newDataset(t)
		if err := ta.reindex(t.Context()); err != nil {
			t.Fatal(err)
		}
		found := func(tier auth.Tier, q string) []string {
			t.Helper()
			status, out := ta.call(t, tier, "GET", "/api/v1/search?q="+q, nil)
			if status != http.StatusOK {
				t.Fatalf("%s searches %q: %d %v", tier, q, status, out)
			}
			var got []string
			for _, r := range out["results"].([]any) {
				m := r.(map[string]any)
				key := m["kind"].(string) + ":" + m["id"].(string)
				if m["locked"] == true {
					key += "(locked)"
				}
				got = append(got, key)
			}
			return got
		}
		if got := found(auth.TierView, "orders"); slices.Contains(got, "dataset:"+ds) {
			t.Errorf("a viewer, who does not explore, finds a dataset: %v", got)
		}
		if got := found(auth.TierHandle, "orders"); !slices.Contains(got, "dataset:"+ds) {
			t.Errorf("the handle tier does not find the dataset: %v", got)
		}
		restricted := true
		ta.props.Set(t.Context(), "obj_members", query.PropChange{Restricted: &restricted})
		if got := found(auth.TierHandle, "orders"); slices.Contains(got, "dataset:"+ds) {
			t.Errorf("a dataset on a table restricted since is still found: %v", got)
		}
		if got := found(auth.TierAnalyze, "margin"); !slices.Contains(got, "dashboard:"+board) || slices.Contains(got, "notebook:"+nb) {
			t.Errorf("the analyst finds %v: their dashboard, not the data team's notebook", got)
		}
		if got := found(auth.TierData, "margin"); slices.Contains(got, "dashboard:"+board) || !slices.Contains(got, "notebook:"+nb) {
			t.Errorf("the data team finds %v: its notebook by its cell text, not the analyst's private dashboard", got)
		}
		if got := found(auth.TierView, "members"); !slices.Equal(got, []string{"table:obj_members(locked)"}) {
			t.Errorf("a viewer looking for members finds %v: the locked table, none of its columns", got)
		}
		if got := found(auth.TierView, "email"); len(got) != 0 {
			t.Errorf("a column of a locked table is found: %v", got)
		}
		if got := found(auth.TierAnalyze, "status"); !slices.Contains(got, "column:act_orders.status") {
			t.Errorf("the analyst's column search: %v", got)
		}
		if status, _ := ta.call(t, auth.TierView, "GET", "/api/v1/search?q=x&kind=everything", nil); status != http.StatusBadRequest {
			t.Errorf("an unknown kind: %d", status)
		}
		b := ta.browser(t)
		b.signIn("view@example.com")
		_, page := b.get("/search?q=members")
		if r := page.Find(`[data-testid=search-results] li`); r.Length() != 1 || !strings.Contains(r.Text(), "restricted") || r.Find("a").AttrOr("href", "") != "/tables/obj_members" {
			t.Errorf("the results page: %q", r.Text())
		}
		if _, page = b.get("/search?q=margin"); page.Find(`[data-testid=search-empty]`).Length() != 1 {
			t.Errorf("the viewer's margin search: %q", page.Find("main").Text())
		}
	})
}

// TestOnlyChangesAskForAnIndexSync: running a query or signing in changes
// nothing searched, so it must not set the whole index (and lineage) to
// be read again; saving a dataset does.
func TestOnlyChangesAskForAnIndexSync(t *testing.T) {
	ta := newTestApp(t)
	ds := ta.newDataset(t)
	drain := func() bool {
		select {
		case <-ta.reindexNow:
			return true
		default:
			return false
		}
	}
	drain()
	ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select 1"})
	ta.browser(t).signIn("view@example.com")
	if drain() {
		t.Error("a query or a sign-in asked for an index sync")
	}
	ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/datasets/"+ds, map[string]any{"description": "Orders, paid or not"})
	if !drain() {
		t.Error("changing a dataset did not ask for an index sync")
	}
}
