package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// fileTicket files a request as tier and returns its id as a path part.
func (ta *testApp) fileTicket(t testing.TB, tier auth.Tier, body map[string]any) string {
	t.Helper()
	status, tk := ta.call(t, tier, "POST", "/api/v1/tickets", body)
	if status != http.StatusCreated {
		t.Fatalf("file: %d %v", status, tk)
	}
	return fmt.Sprint(tk["id"])
}

func TestTicketAPI(t *testing.T) {
	ta := newTestApp(t)
	status, tk := ta.call(t, auth.TierView, "POST", "/api/v1/tickets", map[string]any{
		"title": "Orders per country", "body": "For the **board**.", "category": "analysis"})
	if status != http.StatusCreated || tk["status"] != "new" || tk["id"] != float64(1) {
		t.Fatalf("file: %d %v", status, tk)
	}
	id := "1"
	for name, c := range map[string]struct {
		tier   auth.Tier
		method string
		path   string
		body   any
		want   int
	}{
		"not signed in":        {"", "POST", "/api/v1/tickets", map[string]any{"title": "x", "category": "other"}, 401},
		"unknown field":        {auth.TierView, "POST", "/api/v1/tickets", map[string]any{"title": "x", "category": "other", "colour": "red"}, 400},
		"unknown category":     {auth.TierView, "POST", "/api/v1/tickets", map[string]any{"title": "x", "category": "gossip"}, 400},
		"no title":             {auth.TierView, "POST", "/api/v1/tickets", map[string]any{"category": "other"}, 400},
		"missing":              {auth.TierView, "GET", "/api/v1/tickets/99", nil, 404},
		"not a number":         {auth.TierView, "GET", "/api/v1/tickets/abc", nil, 404},
		"bad status filter":    {auth.TierView, "GET", "/api/v1/tickets?status=done", nil, 400},
		"patch by view":        {auth.TierView, "PATCH", "/api/v1/tickets/" + id, map[string]any{"status": "closed"}, 403},
		"patch by handle":      {auth.TierHandle, "PATCH", "/api/v1/tickets/" + id, map[string]any{"priority": "high"}, 403},
		"patch by analyze":     {auth.TierAnalyze, "PATCH", "/api/v1/tickets/" + id, map[string]any{"assignee": "data@example.com"}, 403},
		"patch bad status":     {auth.TierData, "PATCH", "/api/v1/tickets/" + id, map[string]any{"status": "done"}, 400},
		"patch unknown field":  {auth.TierData, "PATCH", "/api/v1/tickets/" + id, map[string]any{"title": "x"}, 400},
		"patch missing":        {auth.TierData, "PATCH", "/api/v1/tickets/99", map[string]any{"status": "closed"}, 404},
		"empty comment":        {auth.TierView, "POST", "/api/v1/tickets/" + id + "/comments", map[string]any{"body": " "}, 400},
		"comment on missing":   {auth.TierView, "POST", "/api/v1/tickets/99/comments", map[string]any{"body": "hi"}, 404},
		"answer by analyst":    {auth.TierAnalyze, "POST", "/api/v1/tickets/" + id + "/answer", map[string]any{"text": "x"}, 403},
		"access by data team":  {auth.TierData, "POST", "/api/v1/tickets/" + id + "/access", map[string]any{"approve": true}, 403},
		"access not a request": {auth.TierAdmin, "POST", "/api/v1/tickets/" + id + "/access", map[string]any{"approve": true}, 400},
		"webhook by data team": {auth.TierData, "PUT", "/api/v1/settings/webhook", map[string]any{"url": "https://203.0.113.9/x"}, 403},
		"audit by data team":   {auth.TierData, "GET", "/api/v1/audit", nil, 403},
	} {
		if got, body := ta.call(t, c.tier, c.method, c.path, c.body); got != c.want {
			t.Errorf("%s: %d %v, want %d", name, got, body, c.want)
		} else if got >= 400 && !strings.Contains(fmt.Sprint(body["error"]), "message") {
			t.Errorf("%s: no error message in %v", name, body)
		}
	}
	// The refusals above changed nothing.
	_, got := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/"+id, nil)
	if got["status"] != "new" || len(got["history"].([]any)) != 1 || len(got["comments"].([]any)) != 0 {
		t.Fatalf("after refused changes: %v", got)
	}

	for _, tier := range []auth.Tier{auth.TierData, auth.TierAdmin} {
		status, got := ta.call(t, tier, "PATCH", "/api/v1/tickets/"+id, map[string]any{"status": "triaged", "assignee": string(tier) + "@example.com", "priority": "high"})
		if status != http.StatusOK || got["assignee"].(map[string]any)["email"] != string(tier)+"@example.com" {
			t.Errorf("patch by %s: %d %v", tier, status, got)
		}
	}
	if status, c := ta.call(t, auth.TierHandle, "POST", "/api/v1/tickets/"+id+"/comments", map[string]any{"body": "Same question here"}); status != http.StatusCreated || c["body"] != "Same question here" {
		t.Errorf("comment: %d %v", status, c)
	}
	_, got = ta.call(t, auth.TierView, "GET", "/api/v1/tickets/"+id, nil)
	if h := got["history"].([]any); len(h) != 5 {
		t.Errorf("history has %d entries, want created, 3 by the data team and the admin's new assignee: %v", len(h), h)
	}
	if got["first_response_at"] == nil || len(got["comments"].([]any)) != 1 || len(got["watchers"].([]any)) != 2 {
		t.Errorf("ticket %v", got)
	}
	_, list := ta.call(t, auth.TierView, "GET", "/api/v1/tickets?status=triaged", nil)
	if l := list["tickets"].([]any); len(l) != 1 || l[0].(map[string]any)["comment_count"] != float64(1) {
		t.Errorf("queue %v", list)
	}
}

func TestRequesterSeesTheAnswerWithItsDashboard(t *testing.T) {
	ta := newTestApp(t)
	board := ta.newDashboard(t, auth.TierAnalyze)
	ta.call(t, auth.TierAnalyze, "PATCH", "/api/v1/dashboards/"+board, map[string]any{"published": true})
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Sales by month", "category": "dashboard"})
	if status, got := ta.call(t, auth.TierView, "PUT", "/api/v1/tickets/"+id, map[string]any{"body": "By brand too."}); status != http.StatusOK || got["body"] != "By brand too." {
		t.Errorf("the requester edits: %d %v", status, got)
	}
	if status, _ := ta.call(t, auth.TierHandle, "PUT", "/api/v1/tickets/"+id, map[string]any{"body": "hijack"}); status != http.StatusForbidden {
		t.Errorf("someone else edits: %d", status)
	}
	status, got := ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/answer", map[string]any{
		"text": "The Sales dashboard has it.", "links": []any{map[string]any{"kind": "dashboard", "ref": board}}})
	if status != http.StatusOK || got["status"] != "answered" {
		t.Fatalf("answer: %d %v", status, got)
	}
	_, got = ta.call(t, auth.TierView, "GET", "/api/v1/tickets/"+id, nil)
	answer := got["answer"].(map[string]any)
	links := answer["links"].([]any)
	if answer["text"] != "The Sales dashboard has it." || len(links) != 1 || links[0].(map[string]any)["title"] != "Sales" {
		t.Errorf("the requester sees %v", answer)
	}
	if status, _ := ta.call(t, auth.TierView, "PUT", "/api/v1/tickets/"+id, map[string]any{"body": "x"}); status != http.StatusForbidden {
		t.Errorf("the requester edits an answered ticket: %d", status)
	}
	ta.call(t, auth.TierData, "POST", "/api/v1/tickets/"+id+"/guide", map[string]any{"guide": true})
	_, found := ta.call(t, auth.TierView, "GET", "/api/v1/answers?q=monthly+sales", nil)
	if a := found["answers"].([]any); len(a) != 1 || a[0].(map[string]any)["answer"].(map[string]any)["guide"] != true {
		t.Errorf("answers %v", found)
	}
	_, sim := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/similar?q=sales+numbers", nil)
	kinds := map[string]bool{}
	for _, s := range sim["suggestions"].([]any) {
		kinds[s.(map[string]any)["kind"].(string)] = true
	}
	if !kinds["answer"] || !kinds["dashboard"] {
		t.Errorf("suggestions %v, want the answer and the dashboard", sim)
	}
}

// A handle-tier user sees datasets among the suggestions; a view-tier
// user, who cannot explore them, does not.
func TestSuggestionsFollowWhatTheReaderMayOpen(t *testing.T) {
	ta := newTestApp(t)
	ta.newDataset(t)
	private := ta.newDashboard(t, auth.TierAnalyze)
	for tier, want := range map[auth.Tier]int{auth.TierView: 0, auth.TierHandle: 1, auth.TierAnalyze: 2} {
		_, sim := ta.call(t, tier, "GET", "/api/v1/tickets/similar?q=orders+sales", nil)
		if got := len(sim["suggestions"].([]any)); got != want {
			t.Errorf("%s sees %d suggestions, want %d: %v", tier, got, want, sim)
		}
	}
	if status, _ := ta.call(t, auth.TierView, "POST", "/api/v1/tickets", map[string]any{"title": "x", "category": "other",
		"links": []any{map[string]any{"kind": "dashboard", "ref": private}}}); status != http.StatusBadRequest {
		t.Errorf("linking a dashboard the filer cannot open: %d", status)
	}
}

func TestApprovedAccessRequestLetsTheAnalystQuery(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		yes := true
		if err := ta.props.Set(context.Background(), "obj_members", query.PropChange{Restricted: &yes}); err != nil {
			t.Fatal(err)
		}
		q := map[string]any{"sql": "select count(*) from obj_members"}
		if status, _ := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", q); status == http.StatusOK {
			t.Fatal("the analyst reads a restricted table before any grant")
		}
		id := ta.fileTicket(t, auth.TierAnalyze, map[string]any{"title": "Members for churn work", "body": "Churn model.",
			"category": "data_access", "access": map[string]any{"table": "obj_members", "pii": false}})
		status, got := ta.call(t, auth.TierAdmin, "POST", "/api/v1/tickets/"+id+"/access", map[string]any{"approve": true})
		if status != http.StatusOK || got["access"].(map[string]any)["decision"] != "approved" || got["status"] != "answered" {
			t.Fatalf("approve: %d %v", status, got)
		}
		if status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/query", q); status != http.StatusOK {
			t.Errorf("after approval the analyst still cannot query: %d %v", status, res)
		}
		_, audit := ta.call(t, auth.TierAdmin, "GET", "/api/v1/audit?kind=grant", nil)
		entries := audit["events"].([]any)
		if len(entries) != 1 {
			t.Fatalf("audit %v", audit)
		}
		if e := entries[0].(map[string]any); e["kind"] != "grant" || e["ticket"] != float64(1) || e["object"] != "analyze@example.com" || e["table"] != "obj_members" || e["actor"] != "admin@example.com" {
			t.Errorf("audit entry %v", e)
		}
	})
}

func TestOfficeHoursAPI(t *testing.T) {
	ta := newTestApp(t)
	_, hours := ta.call(t, auth.TierView, "GET", "/api/v1/office-hours", nil)
	slots, sessions := hours["slots"].([]any), hours["sessions"].([]any)
	if len(slots) != 2 || len(sessions) < 6 {
		t.Fatalf("default office hours %v", hours)
	}
	id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Help with a funnel", "category": "analysis"})
	first := sessions[0].(map[string]any)
	book := map[string]any{"slot": first["slot"], "starts_at": first["starts_at"]}
	if status, b := ta.call(t, auth.TierView, "POST", "/api/v1/tickets/"+id+"/booking", book); status != http.StatusCreated {
		t.Fatalf("book: %d %v", status, b)
	}
	other := ta.fileTicket(t, auth.TierHandle, map[string]any{"title": "Other", "category": "other"})
	if status, _ := ta.call(t, auth.TierHandle, "POST", "/api/v1/tickets/"+other+"/booking", book); status != http.StatusConflict {
		t.Errorf("booking a taken session: %d", status)
	}
	_, got := ta.call(t, auth.TierView, "GET", "/api/v1/tickets/"+id, nil)
	if got["booking"] == nil {
		t.Errorf("the ticket does not show its booking: %v", got)
	}
	if status, _ := ta.call(t, auth.TierView, "POST", "/api/v1/office-hours", map[string]any{"weekday": 5, "start": "16:00", "minutes": 30}); status != http.StatusForbidden {
		t.Errorf("a viewer adds office hours: %d", status)
	}
	if status, s := ta.call(t, auth.TierData, "POST", "/api/v1/office-hours", map[string]any{"weekday": 5, "start": "16:00", "minutes": 30}); status != http.StatusCreated || s["label"] != "Friday 16:00–16:30" {
		t.Errorf("the data team adds office hours: %d %v", status, s)
	}
}

// TestApprovingARequestFromADashboardChecksItsOwner: the dashboard a
// request came from runs its tiles with its owner's access; an approver
// is told the owner lacks the table and, asking, grants both at once, so
// the requester's dashboard opens.
func TestApprovingARequestFromADashboardChecksItsOwner(t *testing.T) {
	onEachStore(t, func(t *testing.T, ta *testApp) {
		board := ta.newDashboard(t, auth.TierAnalyze, statusTile(ta.newDataset(t)))
		if status, res := ta.call(t, auth.TierAnalyze, "POST", "/api/v1/dashboards/"+board+"/shares", map[string]any{"email": "view@example.com", "role": "viewer"}); status >= 300 {
			t.Fatalf("share: %d %v", status, res)
		}
		restricted := true
		ta.props.Set(t.Context(), "act_orders", query.PropChange{Restricted: &restricted})
		tile := "/api/v1/dashboards/" + board + "/tiles/by_status/data"
		if status, _ := ta.call(t, auth.TierView, "GET", tile, nil); status == http.StatusOK {
			t.Fatal("the tile answers from a restricted table")
		}
		id := ta.fileTicket(t, auth.TierView, map[string]any{"title": "Access to act_orders", "category": "data_access",
			"access": map[string]any{"table": "act_orders"}, "links": []any{map[string]any{"kind": "dashboard", "ref": board}}})

		b := ta.browser(t)
		b.signIn("admin@example.com")
		_, page := b.get("/tickets/" + id)
		if gap := page.Find(`[data-testid=owner-gap]`).Text(); !strings.Contains(gap, "analyze@example.com") || page.Find(`[data-testid=grant-owner]`).Length() != 1 {
			t.Fatalf("the approver is not told the owner lacks the table: %q", gap)
		}
		status, out := ta.call(t, auth.TierAdmin, "POST", "/api/v1/tickets/"+id+"/access", map[string]any{"approve": true, "grant_owners": []string{"analyze@example.com"}})
		if status != http.StatusOK {
			t.Fatalf("approve: %d %v", status, out)
		}
		if status, res := ta.call(t, auth.TierView, "GET", tile, nil); status != http.StatusOK {
			t.Errorf("after the approval the requester's dashboard tile: %d %v", status, res)
		}
		_, grants := ta.call(t, auth.TierAdmin, "GET", "/api/v1/grants?table=act_orders", nil)
		if got := fmt.Sprint(grants["grants"]); !strings.Contains(got, "analyze@example.com") || !strings.Contains(got, "view@example.com") {
			t.Errorf("grants %s: want the requester and the dashboard's owner", got)
		}
	})
}
