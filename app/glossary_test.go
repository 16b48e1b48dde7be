package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// TestTheGlossaryPageDefinesAndFindsMetrics: the data team defines a
// certified measure on the glossary page; everyone reads it there and
// finds it from the header's search.
func TestTheGlossaryPageDefinesAndFindsMetrics(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		ds := ta.newDataset(t)
		if status, out := ta.call(t, auth.TierData, "PATCH", "/api/v1/datasets/"+ds, map[string]any{"certified": true}); status != http.StatusOK {
			t.Fatalf("certify: %d %v", status, out)
		}
		data := ta.browser(t)
		home := data.signIn("data@example.com")
		_, page := data.get("/glossary?q=total")
		form := page.Find(`[data-testid=metric-editor] form`)
		action, _ := form.Attr("action")
		if form.Length() != 1 || !strings.HasSuffix(action, "/glossary/"+ds) || form.Find(`[name=column]`).AttrOr("value", "") != "total" {
			t.Fatalf("the data team's glossary: %q", page.Find("main").Text())
		}
		res, _ := data.post(action, url.Values{"_csrf": {csrfFrom(home)}, "column": {"total"}, "name": {"Revenue"}, "definition": {"What members paid, before refunds."}, "agg": {"sum"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("define: %d", res.StatusCode)
		}
		viewer := ta.browser(t)
		viewer.signIn("view@example.com")
		_, page = viewer.get("/glossary?q=revenue")
		m := page.Find(`[data-testid=metric]`)
		if m.Length() != 1 || m.Find(`[data-testid=metric-definition]`).Text() != "What members paid, before refunds." ||
			m.Find(`[data-testid=metric-expression]`).Text() != `sum("total")` || m.Find(`[data-testid=metric-editor]`).Length() != 0 {
			t.Errorf("the viewer's glossary: %q", m.Text())
		}
		if err := ta.reindex(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, found := ta.call(t, auth.TierView, "GET", "/api/v1/search?q=revenue&kind=metric", nil)
		if r := found["results"].([]any); len(r) != 1 || r[0].(map[string]any)["url"] != "/glossary#metric-"+ds+".total" {
			t.Errorf("the viewer searching for revenue: %v", found)
		}
		if status, _ := ta.call(t, auth.TierHandle, "PATCH", "/api/v1/datasets/"+ds, map[string]any{"columns": map[string]any{"total": map[string]any{"definition": "mine"}}}); status != http.StatusForbidden {
			t.Errorf("someone else redefines it: %d", status)
		}
	})
}
