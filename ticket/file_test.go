package ticket

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestFilingPutsARequestInTheQueue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk, err := f.s.File(ctx, f.viewer, New{Title: "  Weekly   churn\nby country ", Body: "For the board deck.",
			Category: "dashboard", Urgency: "high", WantedBy: "2026-12-01",
			Links: []Link{{Kind: "dashboard", Ref: "d1"}, {Kind: "table", Ref: "orders"}, {Kind: "table", Ref: "orders"}}})
		if err != nil {
			t.Fatal(err)
		}
		if tk.ID != 1 || tk.Status != StatusNew || tk.Title != "Weekly churn by country" || tk.Urgency != "high" || tk.WantedBy != "2026-12-01" {
			t.Errorf("filed %+v", tk)
		}
		if len(tk.Links) != 2 || tk.Links[0].Title != "Daily active users" {
			t.Errorf("links %+v, want the dashboard titled and the table once", tk.Links)
		}
		if len(tk.Watchers) != 1 || tk.Watchers[0].Email != f.viewer.Email {
			t.Errorf("watchers %+v, want the requester", tk.Watchers)
		}
		if len(tk.History) != 1 || tk.History[0].Field != "created" || tk.History[0].Actor.Email != f.viewer.Email {
			t.Errorf("history %+v", tk.History)
		}
		if len(f.heard.events) != 1 || f.heard.events[0].Ticket.ID != 1 || f.heard.events[0].Old != "" {
			t.Errorf("events %+v, want one for the new ticket", f.heard.events)
		}
		if next := f.file(t, f.other, "Second"); next.ID != 2 {
			t.Errorf("second ticket is #%d", next.ID)
		}
	})
}

func TestFilingRefusesBadInput(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	long := strings.Repeat("x", maxTitle+1)
	for name, n := range map[string]New{
		"no title":         {Title: " ", Category: "other"},
		"long title":       {Title: long, Category: "other"},
		"long body":        {Title: "t", Body: strings.Repeat("x", maxText+1), Category: "other"},
		"no category":      {Title: "t"},
		"unknown category": {Title: "t", Category: "gossip"},
		"bad urgency":      {Title: "t", Category: "other", Urgency: "yesterday"},
		"not a date":       {Title: "t", Category: "other", WantedBy: "next week"},
		"date passed":      {Title: "t", Category: "other", WantedBy: "2026-11-22"},
		"unknown link":     {Title: "t", Category: "other", Links: []Link{{Kind: "dashboard", Ref: "nope"}}},
		"hidden link":      {Title: "t", Category: "other", Links: []Link{{Kind: "dashboard", Ref: "secret"}}},
		"bad link kind":    {Title: "t", Category: "other", Links: []Link{{Kind: "file", Ref: "/etc/passwd"}}},
		"access no table":  {Title: "t", Category: "data_access"},
		"access bad table": {Title: "t", Category: "data_access", Access: &AccessRequest{Table: "../etc"}},
	} {
		if _, err := f.s.File(ctx, f.viewer, n); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if list, _ := f.s.List(ctx, f.viewer, Query{}); len(list) != 0 {
		t.Errorf("refused requests were saved: %d", len(list))
	}
	if tk, err := f.s.File(ctx, f.viewer, New{Title: "today", Category: "other", WantedBy: "2026-11-23"}); err != nil || tk.WantedBy != "2026-11-23" {
		t.Errorf("wanted by today: %v", err)
	}
}

// What a ticket links to is shown only to those who may open it.
func TestLinksAreTitledForTheReader(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk, err := f.s.File(ctx, f.data, New{Title: "Pay bands", Category: "analysis", Links: []Link{{Kind: "dashboard", Ref: "secret"}, {Kind: "dashboard", Ref: "d1"}}})
	if err != nil {
		t.Fatal(err)
	}
	seen, err := f.s.Get(ctx, f.viewer, tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen.Links) != 1 || seen.Links[0].Ref != "d1" {
		t.Errorf("the viewer sees links %+v, want only d1", seen.Links)
	}
	if _, err := f.s.Get(ctx, f.viewer, 99); pier.ErrorCode(err) != pier.ENotFound {
		t.Errorf("missing ticket: %v", err)
	}
}

func TestTheQueueFilters(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := f.file(t, f.viewer, "Revenue by brand")
		f.file(t, f.other, "Churn 100% wrong")
		c, _ := f.s.File(ctx, f.other, New{Title: "Need orders", Category: "data_access", Access: &AccessRequest{Table: "orders"}})
		if _, err := f.s.Triage(ctx, f.data, a.ID, Patch{Status: ptr("answered"), Assignee: ptr(f.data.Email)}); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			q    Query
			want []int64
		}{
			"all, newest first":  {Query{}, []int64{3, 2, 1}},
			"status":             {Query{Status: "answered"}, []int64{1}},
			"open":               {Query{Status: "open"}, []int64{3, 2}},
			"category":           {Query{Category: "data_access"}, []int64{c.ID}},
			"assignee":           {Query{Assignee: "DATA@example.com"}, []int64{1}},
			"unassigned":         {Query{Assignee: "none"}, []int64{3, 2}},
			"requester":          {Query{Requester: f.other.Email}, []int64{3, 2}},
			"words":              {Query{Text: "revenue BRAND"}, []int64{1}},
			"LIKE signs literal": {Query{Text: "100%"}, []int64{2}},
			"percent alone":      {Query{Text: "%"}, []int64{2}},
			"underscore":         {Query{Text: "_"}, nil},
		} {
			list, err := f.s.List(ctx, f.viewer, tc.q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var got []int64
			for _, s := range list {
				got = append(got, s.ID)
			}
			if !equal(got, tc.want) {
				t.Errorf("%s: got %v, want %v", name, got, tc.want)
			}
		}
		for _, q := range []Query{{Status: "done"}, {Category: "x"}, {Text: strings.Repeat("a", maxSearch+1)}} {
			if _, err := f.s.List(ctx, f.viewer, q); pier.ErrorCode(err) != pier.EInvalid {
				t.Errorf("%+v: %v, want invalid", q, err)
			}
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Requests filed at the same moment each get their own number.
func TestRequestsFiledTogetherGetTheirOwnNumbers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		const n = 8
		ids := make(chan int64, n)
		errs := make(chan error, n)
		for i := range n {
			go func() {
				tk, err := f.s.File(context.Background(), f.viewer, New{Title: fmt.Sprintf("request %d", i), Category: "other"})
				if err != nil {
					errs <- err
					return
				}
				ids <- tk.ID
			}()
		}
		seen := map[int64]bool{}
		for range n {
			select {
			case err := <-errs:
				t.Fatal(err)
			case id := <-ids:
				if seen[id] || id < 1 || id > n {
					t.Fatalf("number %d given twice or out of 1..%d", id, n)
				}
				seen[id] = true
			}
		}
	})
}
