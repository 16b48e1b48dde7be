package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/pier-analytics/pier/auth"
)

func TestFilingFormKeepsWhatWasTypedOnError(t *testing.T) {
	ta := newTestApp(t)
	b := ta.browser(t)
	b.signIn("view@example.com")
	_, form := b.get("/tickets/new?title=Weekly+churn")
	if v, _ := form.Find(`[data-testid=ticket-title]`).Attr("value"); v != "Weekly churn" {
		t.Errorf("the title from the link is %q", v)
	}
	csrf := csrfFrom(form)
	res, page := b.post("/tickets", url.Values{"_csrf": {csrf}, "title": {"Churn"}, "body": {"A long explanation"}, "category": {"other"}, "wanted_by": {"2001-01-01"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=form-error]`).Text(), "already passed") {
		t.Fatalf("a past date: %d %q", res.StatusCode, page.Find(`[data-testid=form-error]`).Text())
	}
	if body := page.Find(`[data-testid=ticket-body]`).Text(); body != "A long explanation" {
		t.Errorf("the typed details came back as %q", body)
	}
	res, _ = b.post("/tickets", url.Values{"_csrf": {csrf}, "title": {"Churn"}, "body": {"A long explanation"}, "category": {"data_access"},
		"access_table": {"obj_members"}, "access_pii": {"true"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets/1" {
		t.Fatalf("filing: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	_, tk := b.get("/tickets/1")
	if !strings.Contains(tk.Find(`[data-testid=access-request]`).Text(), "obj_members") || tk.Find(`[data-testid=triage]`).Length() != 0 ||
		tk.Find(`[data-testid=decide-access]`).Length() != 0 {
		t.Error("the requester's page: the access request shows, with no triage or decision forms")
	}
}

// Comments, details and answers are markdown; nothing in them runs.
func TestTicketTextIsSanitised(t *testing.T) {
	ta := newTestApp(t)
	hostile := "**bold** <script>window.pwned=1</script><img src=x onerror=alert(1)> [click](javascript:alert(1)) <a href=\"javascript:alert(2)\">x</a>"
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "<b>Title</b><script>x()</script>", "body": hostile, "category": "other"})
	ta.call(t, auth.TierView, "POST", "/api/v1/tickets/"+id+"/comments", map[string]any{"body": hostile})
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/answer", map[string]any{"text": hostile})
	b := ta.browser(t)
	b.signIn("handle@example.com")
	_, page := b.get("/tickets/" + id)
	html, _ := page.Find("main").Html()
	for _, bad := range []string{"<script>", "onerror", "javascript:", "<b>Title"} {
		if strings.Contains(html, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	page.Find("main script").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/static/") || s.Text() != "" {
			t.Errorf("a script that is not Pier's own: %q %q", src, s.Text())
		}
	})
	if page.Find(`[data-testid=comment] .markdown strong`).Text() != "bold" || page.Find(`[data-testid=ticket-answer] .markdown strong`).Text() != "bold" {
		t.Error("markdown is not rendered")
	}
	if !strings.Contains(page.Find(`[data-testid=ticket-title]`).Text(), "<b>Title</b><script>x()</script>") {
		t.Error("the title is not shown as the plain text it is")
	}
}

func TestDataTeamTriagesFromThePage(t *testing.T) {
	ta := newTestApp(t)
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Revenue per brand", "category": "analysis"})
	b := ta.browser(t)
	b.signIn("data@example.com")
	_, page := b.get("/tickets/" + id)
	csrf := csrfFrom(page)
	if page.Find(`[data-testid=triage-assignee] option[value="data@example.com"]`).Length() != 1 ||
		page.Find(`[data-testid=triage-assignee] option[value="analyze@example.com"]`).Length() != 0 {
		t.Error("the assignee list is not the data team")
	}
	res, _ := b.post("/tickets/"+id+"/triage", url.Values{"_csrf": {csrf}, "status": {"in_progress"}, "assignee": {"data@example.com"}, "priority": {"high"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("triage: %d", res.StatusCode)
	}
	res, _ = b.post("/tickets/"+id+"/comments", url.Values{"_csrf": {csrf}, "body": {"On it."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", res.StatusCode)
	}
	_, page = b.get("/tickets/" + id)
	if got := page.Find(`[data-testid=ticket-status]`).Text(); got != "In progress" {
		t.Errorf("status %q", got)
	}
	history := page.Find(`[data-testid=ticket-history]`).Text()
	for _, want := range []string{"filed the request", "changed the status from New to In progress", "assigned it to data@example.com", "set the priority to high"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q: %s", want, history)
		}
	}
	_, board := b.get("/tickets?view=board")
	if board.Find(`[data-testid=board-in_progress] [data-testid=board-card]`).Length() != 1 || board.Find(`[data-testid=board-new] [data-testid=board-card]`).Length() != 0 {
		t.Error("the board does not show the ticket in progress")
	}
	viewer := ta.browser(t)
	viewer.signIn("view@example.com")
	res, _ = viewer.post("/tickets/"+id+"/triage", url.Values{"_csrf": {csrf}, "status": {"closed"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer posts the triage form: %d", res.StatusCode)
	}
}

func TestHealthPageShowsChartsToTheDataTeam(t *testing.T) {
	ta := newTestApp(t)
	ta.fileTicket(t, auth.TierView, map[string]any{"title": "a", "category": "analysis"})
	for tier, charts := range map[auth.Tier]int{auth.TierView: 0, auth.TierData: 3} {
		b := ta.browser(t)
		b.signIn(string(tier) + "@example.com")
		_, page := b.get("/tickets/health")
		if got := page.Find(`[data-chart-src]`).Length(); got != charts {
			t.Errorf("%s sees %d charts, want %d", tier, got, charts)
		}
		if !strings.Contains(page.Find(`[data-testid=health-summary]`).Text(), "Open requests") {
			t.Errorf("%s sees no summary", tier)
		}
	}
	for _, name := range []string{"categories", "backlog", "times"} {
		status, d := ta.call(t, auth.TierData, "GET", "/api/v1/tickets/health/charts/"+name, nil)
		if status != http.StatusOK || d["option"] == nil {
			t.Errorf("chart %s: %d %v", name, status, d)
		}
	}
	if status, _ := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/health/charts/backlog", nil); status != http.StatusForbidden {
		t.Errorf("a viewer reads a chart: %d", status)
	}
	if status, _ := ta.call(t, auth.TierData, "GET", "/api/v1/tickets/health/charts/nope", nil); status != http.StatusNotFound {
		t.Errorf("an unknown chart: %d", status)
	}
	if status, h := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/health", nil); status != http.StatusOK || h["open"] != float64(1) {
		t.Errorf("health: %d %v", status, h)
	}
}

func TestSettingsPageIsForAdmins(t *testing.T) {
	ta := newTestApp(t)
	data := ta.browser(t)
	data.signIn("data@example.com")
	if res, _ := data.get("/settings/webhook"); res.StatusCode != http.StatusForbidden {
		t.Errorf("the data team opens settings: %d", res.StatusCode)
	}
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	res, page := admin.get("/settings/webhook")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", res.StatusCode)
	}
	res, page = admin.post("/settings/webhook", url.Values{"_csrf": {csrfFrom(page)}, "url": {"http://169.254.169.254/latest"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(page.Find(`[data-testid=error-message]`).Text(), "internal address") {
		t.Errorf("a metadata-service URL: %d %q", res.StatusCode, page.Find(`[data-testid=error-message]`).Text())
	}
}

// An admin approves an access request from its page; a viewer books an
// office hour from theirs.
func TestAccessAndBookingForms(t *testing.T) {
	ta := newTestApp(t)
	id := ta.fileTicket(t, auth.TierAnalyze, map[string]any{"title": "Members", "category": "data_access", "access": map[string]any{"table": "obj_members", "pii": true}})
	admin := ta.browser(t)
	admin.signIn("admin@example.com")
	_, page := admin.get("/tickets/" + id)
	if page.Find(`[data-testid=approve-access]`).Length() != 1 {
		t.Fatal("the admin sees no approve button")
	}
	res, _ := admin.post("/tickets/"+id+"/access", url.Values{"_csrf": {csrfFrom(page)}, "decision": {"approve"}, "note": {"Granted for Q4."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	_, page = admin.get("/tickets/" + id)
	if !strings.Contains(page.Find(`[data-testid=access-decision]`).Text(), "Approved") || page.Find(`[data-testid=comment]`).Length() != 1 {
		t.Error("the page does not show the approval and its note")
	}
	_, audit := admin.get("/admin/audit?kind=grant&table=obj_members")
	if !strings.Contains(audit.Find(`[data-testid=audit-log]`).Text(), "obj_members with PII unhashed, asked in #1") {
		t.Errorf("the audit page: %q", audit.Find(`[data-testid=audit-log]`).Text())
	}

	other := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Funnel help", "category": "analysis"})
	viewer := ta.browser(t)
	viewer.signIn("view@example.com")
	_, page = viewer.get("/tickets/" + other)
	session, _ := page.Find(`[data-testid=book-session] option`).First().Attr("value")
	label := page.Find(`[data-testid=book-session] option`).First().Text()
	if res, _ := viewer.post("/tickets/"+other+"/booking", url.Values{"_csrf": {csrfFrom(page)}, "session": {session}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d", res.StatusCode)
	}
	_, page = viewer.get("/tickets/" + other)
	if got := page.Find(`[data-testid=booked-session] strong`).Text(); got != label {
		t.Errorf("booked %q, want %q", got, label)
	}
	_, hours := viewer.get("/office-hours")
	if !strings.Contains(hours.Find(`[data-testid=sessions]`).Text(), "Funnel help") || hours.Find(`[data-testid=add-slot]`).Length() != 0 {
		t.Error("the office hours page: the booking shows, and a viewer gets no slot form")
	}
	if res, _ := viewer.post("/tickets/"+other+"/booking", url.Values{"_csrf": {csrfFrom(page)}, "session": {"bogus@1"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("booking a made-up session: %d", res.StatusCode)
	}
}

// TestTheBellCountsWhatHappenedToMyRequests: a comment from the data team
// rings the requester's bell; the notifications page lists it and reading
// it, or the request, silences the bell.
func TestTheBellCountsWhatHappenedToMyRequests(t *testing.T) {
	ta := newTestApp(t)
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Orders per country", "body": "For the board.", "category": "analysis"})
	b := ta.browser(t)
	home := b.signIn("view@example.com")
	if home.Find(`[data-testid=bell]`).Length() != 1 || home.Find(`[data-testid=unread]`).Length() != 0 {
		t.Fatal("a bell with nothing unread shows a count, or no bell")
	}
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/comments", map[string]any{"body": "Which countries?"})
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/answer", map[string]any{"text": "Here they are."})
	_, home = b.get("/")
	if got := home.Find(`[data-testid=unread]`).Text(); got != "2" {
		t.Fatalf("the bell counts %q after a comment and an answer", got)
	}
	status, api := ta.call(t, auth.TierView, "GET", "/api/v1/notifications", nil)
	if status != http.StatusOK || api["unread"] != 2.0 || len(api["notifications"].([]any)) != 2 {
		t.Fatalf("API: %d %v", status, api)
	}
	_, page := b.get("/notifications")
	items := page.Find(`[data-testid=notice]`)
	if items.Length() != 2 || !strings.Contains(items.First().Text(), "answered the request") || items.Filter(".unread").Length() != 2 {
		t.Fatalf("notifications: %q", items.Text())
	}
	if page.Find(`[data-testid=unread]`).Length() != 0 {
		t.Error("the notifications page still rings the bell")
	}
	_, home = b.get("/")
	if home.Find(`[data-testid=unread]`).Length() != 0 {
		t.Error("the bell rings for notices already read")
	}
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/comments", map[string]any{"body": "One more thing."})
	b.get("/tickets/" + id)
	if _, home = b.get("/"); home.Find(`[data-testid=unread]`).Length() != 0 {
		t.Error("opening the request does not mark its notices read")
	}
}
