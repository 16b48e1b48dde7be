package app

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// TestTheAuditFiltersByKindPersonTableAndTime: grants, revokes, table
// changes, sign-ins and PII reads are one list an admin filters, and the
// same list downloads as CSV that a spreadsheet will not run.
func TestTheAuditFiltersByKindPersonTableAndTime(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		status, g := ta.call(t, auth.TierAdmin, "POST", "/api/v1/grants", map[string]any{"email": "analyze@example.com", "table": "obj_members", "pii": true})
		if status != http.StatusCreated {
			t.Fatalf("grant: %d %v", status, g)
		}
		read := "-- =1+1\nselect email from obj_members limit 1"
		if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": read}); status != http.StatusOK {
			t.Fatalf("a PII read: %d %v", status, q)
		}
		ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", map[string]any{"sql": "select count(*) from act_orders"})
		ta.call(t, auth.TierData, "PATCH", "/api/v1/tables/act_orders", map[string]any{"description": "Every order"})
		ta.do(t, auth.TierAdmin, "DELETE", "/api/v1/grants/"+g["id"].(string), "")
		ta.browser(t).signIn("view@example.com")
		ta.qlog.Flush()

		kinds := func(query string) []string {
			t.Helper()
			status, out := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit"+query, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: %d %v", query, status, out)
			}
			var got []string
			for _, e := range out["events"].([]any) {
				m := e.(map[string]any)
				got = append(got, fmt.Sprint(m["kind"], ":", m["actor"], ":", m["object"]))
			}
			return got
		}
		for query, want := range map[string]string{
			"":                               "[sign_in:view@example.com:view@example.com revoke:admin@example.com:analyze@example.com restrict:data@example.com:act_orders pii_read:analyze@example.com:obj_members grant:admin@example.com:analyze@example.com]",
			"?kind=pii_read":                 "[pii_read:analyze@example.com:obj_members]",
			"?actor=Test+data":               "[restrict:data@example.com:act_orders]",
			"?table=obj_members":             "[revoke:admin@example.com:analyze@example.com pii_read:analyze@example.com:obj_members grant:admin@example.com:analyze@example.com]",
			"?kind=grant&actor=view":         "[]",
			"?since=" + tomorrow():           "[]",
			"?kind=sign_in&since=2026-01-01": "[sign_in:view@example.com:view@example.com]",
		} {
			if got := fmt.Sprint(kinds(query)); got != want {
				t.Errorf("%s: %s\nwant %s", query, got, want)
			}
		}
		for _, bad := range []string{"?kind=everything", "?since=last+week"} {
			if status, out := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit"+bad, nil); status != http.StatusBadRequest {
				t.Errorf("%s: %d %v", bad, status, out)
			}
		}
		if status, _ := ta.call(t, auth.TierData, "GET", "/api/v1/audit", nil); status != http.StatusForbidden {
			t.Errorf("the data team reads the audit: %d", status)
		}

		res := ta.do(t, auth.TierAdmin, "GET", "/api/v1/audit?kind=pii_read&format=csv", "")
		rows, err := csv.NewReader(res.Body).ReadAll()
		res.Body.Close()
		if err != nil || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || len(rows) != 2 {
			t.Fatalf("CSV: %s %v %v", res.Header.Get("Content-Type"), rows, err)
		}
		if rows[0][0] != "at" || rows[1][2] != "pii_read" || rows[1][6] != "'"+read {
			t.Errorf("CSV rows %q; the statement must start with a quote so no spreadsheet runs it", rows)
		}

		b := ta.browser(t)
		b.signIn("admin@example.com")
		_, page := b.get("/admin/audit?kind=pii_read")
		if text := page.Find(`[data-testid=audit-log]`).Text(); !strings.Contains(text, "read personal data") || !strings.Contains(text, "select email from obj_members") {
			t.Errorf("the audit page: %q", text)
		}
		if href, _ := page.Find(`[data-testid=audit-csv]`).Attr("href"); !strings.Contains(href, "kind=pii_read") || !strings.Contains(href, "format=csv") {
			t.Errorf("the CSV link %q keeps the filter", href)
		}
		res, page = b.get("/admin/audit?since=whenever")
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=audit-problem]`).Text(), "since is a day") {
			t.Errorf("a bad filter: %d %q", res.StatusCode, page.Find(`[data-testid=audit-problem]`).Text())
		}
		viewer := ta.browser(t)
		viewer.signIn("data@example.com")
		if res, _ := viewer.get("/admin/audit"); res.StatusCode == http.StatusOK {
			t.Errorf("the data team opens the audit page: %d", res.StatusCode)
		}
	})
}

func tomorrow() string { return time.Now().AddDate(0, 0, 1).Format(time.DateOnly) }

// TestAnAdminGrantsAndRevokesOnTheGrantsPage: the grants page gives and
// takes access at once, says what it did, and is the admins' alone.
func TestAnAdminGrantsAndRevokesOnTheGrantsPage(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		restricted := true
		ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted})
		count := map[string]any{"sql": "select count(*) as n from act_orders"}
		b := ta.browser(t)
		home := b.signIn("admin@example.com")
		_, page := b.get("/admin/grants")
		if opt := page.Find(`[data-testid=grant-form] option[value=act_orders]`).Text(); opt != "act_orders (restricted)" {
			t.Errorf("the table picker says %q", opt)
		}
		b.post("/admin/grants", url.Values{"_csrf": {csrfFrom(home)}, "email": {"nobody@example.com"}, "table": {"act_orders"}})
		if _, page = b.get("/admin/grants"); !strings.Contains(page.Find(`[data-testid=grant-problem]`).Text(), "nobody@example.com") {
			t.Errorf("granting to nobody: %q", page.Find(`[data-testid=grant-problem]`).Text())
		}
		b.post("/admin/grants", url.Values{"_csrf": {csrfFrom(home)}, "email": {"analyze@example.com"}, "table": {"act_orders"}})
		if status, q := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", count); status != http.StatusOK {
			t.Fatalf("after a grant on the page: %d %v", status, q)
		}
		_, page = b.get("/admin/grants?table=act_orders")
		row := page.Find(`[data-testid=grants] tbody tr`)
		if row.Length() != 1 || !strings.Contains(row.Text(), "analyze@example.com") || !strings.Contains(row.Text(), "admin@example.com") {
			t.Fatalf("the grants list: %q", row.Text())
		}
		action, _ := row.Find(`form`).Attr("action")
		if res, _ := b.post(action, url.Values{"_csrf": {csrfFrom(page)}, "table": {"act_orders"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/grants?email=&table=act_orders" {
			t.Fatalf("revoke: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if status, _ := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", count); status == http.StatusOK {
			t.Error("the revoked grant still reads the table")
		}
		if _, page = b.get("/admin/grants?table=act_orders"); page.Find(`[data-testid=grants-empty]`).Length() != 1 || !strings.Contains(page.Find(`[data-testid=grant-done]`).Text(), "Revoked") {
			t.Errorf("after the revoke: %q", page.Find(`main`).Text())
		}
		data := ta.browser(t)
		data.signIn("data@example.com")
		if res, _ := data.get("/admin/grants"); res.StatusCode == http.StatusOK {
			t.Errorf("the data team opens the grants page: %d", res.StatusCode)
		}
	})
}
