package notebook

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestSavesMakeRevisionsAndStaleSavesConflict(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		n := mustCreate(t, s, p.owner, "Revenue")
		if n.Version != 1 || len(n.Doc.Cells) != 1 || n.Doc.Cells[0].ID == "" || n.Role != RoleOwner {
			t.Fatalf("new notebook: %+v", n)
		}
		first := Doc{Cells: []Cell{sqlCell("by_day", "select 1")}}
		v2, err := s.Save(ctx, p.owner, n.ID, Save{Version: 1, Title: "Revenue by day", Doc: first})
		if err != nil || v2 != 2 {
			t.Fatalf("save: %d, %v", v2, err)
		}
		stale := Doc{Cells: []Cell{sqlCell("lost", "select 2")}}
		_, err = s.Save(ctx, p.owner, n.ID, Save{Version: 1, Title: "Other", Doc: stale})
		if pier.ErrorCode(err) != pier.EConflict {
			t.Fatalf("a save based on version 1 after version 2: %v, want a conflict", err)
		}
		got, _ := s.Get(ctx, p.owner, n.ID)
		if got.Version != 2 || got.Title != "Revenue by day" || got.Doc.Cells[0].Source != "select 1" {
			t.Fatalf("the conflicting save changed the notebook: %+v", got)
		}
		v3, err := s.Restore(ctx, p.owner, n.ID, 1)
		if err != nil || v3 != 3 {
			t.Fatalf("restore: %d, %v", v3, err)
		}
		got, _ = s.Get(ctx, p.owner, n.ID)
		if got.Title != "Revenue" || got.Doc.Cells[0].Name != "query_1" {
			t.Fatalf("restoring version 1 gave %+v", got)
		}
		revs, err := s.Revisions(ctx, p.owner, n.ID)
		if err != nil || len(revs) != 3 || revs[0].Version != 3 || revs[0].RestoredFrom != 1 || revs[2].Author != "owner@example.com" {
			t.Fatalf("revisions: %+v, %v", revs, err)
		}
		old, err := s.Revision(ctx, p.owner, n.ID, 2)
		if err != nil || old.Doc.Cells[0].Source != "select 1" {
			t.Fatalf("revision 2: %+v, %v", old, err)
		}
	})
}

func TestInvalidDocumentsAreRefusedInPlainWords(t *testing.T) {
	cases := map[string]Doc{
		"a cell name with a space":  {Cells: []Cell{sqlCell("my cell", "select 1")}},
		"a cell name like a file":   {Cells: []Cell{sqlCell("x.parquet", "select 1")}},
		"an upper-case cell name":   {Cells: []Cell{sqlCell("Revenue", "select 1")}},
		"two cells with one name":   {Cells: []Cell{sqlCell("a", "select 1"), sqlCell("a", "select 2")}},
		"an unknown kind":           {Cells: []Cell{{Kind: "python", Name: "a"}}},
		"an unknown chart":          {Cells: []Cell{{Kind: SQL, Name: "a", Chart: &Chart{Type: "radar"}}}},
		"an input without a name":   {Params: []Param{{Name: "", Type: "text"}}},
		"an input of unknown type":  {Params: []Param{{Name: "p", Type: "colour"}}},
		"two cells with one id":     {Cells: []Cell{{ID: "x", Kind: SQL, Name: "a"}, {ID: "x", Kind: SQL, Name: "b"}}},
		"a cell that is too long":   {Cells: []Cell{sqlCell("a", string(make([]byte, MaxSource+1)))}},
		"two inputs with one name":  {Params: []Param{{Name: "p", Type: "text"}, {Name: "p", Type: "date"}}},
		"a cell name with a dollar": {Cells: []Cell{sqlCell("a$b", "select 1")}},
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if err := doc.Validate(); pier.ErrorCode(err) != pier.EInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
	md := Doc{Cells: []Cell{{Kind: Markdown, Name: "ignored", Source: "# Hi", Chart: &Chart{Type: "line"}}}}
	if err := md.Validate(); err != nil || md.Cells[0].Name != "" || md.Cells[0].Chart != nil {
		t.Fatalf("a markdown cell keeps no name or chart: %+v, %v", md.Cells[0], err)
	}
}

// TestSharingMatrix checks every role against every action: strangers get
// not-found for everything, viewers read but change nothing.
func TestSharingMatrix(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		editor := p.analyst
		n := mustCreate(t, s, p.owner, "Shared", sqlCell("a", "select 1"))
		if err := s.Share(ctx, p.owner, n.ID, editor.Email, RoleEditor); err != nil {
			t.Fatal(err)
		}
		if err := s.Share(ctx, p.owner, n.ID, p.viewer.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		cell := n.Doc.Cells[0].ID
		actions := map[string]func(who *auth.User) error{
			"get":       func(w *auth.User) error { _, err := s.Get(ctx, w, n.ID); return err },
			"revisions": func(w *auth.User) error { _, err := s.Revisions(ctx, w, n.ID); return err },
			"results":   func(w *auth.User) error { _, err := s.Results(ctx, w, n.ID); return err },
			"shares":    func(w *auth.User) error { _, err := s.Shares(ctx, w, n.ID); return err },
			"save": func(w *auth.User) error {
				cur, err := s.Get(ctx, p.owner, n.ID)
				if err != nil {
					return err
				}
				_, err = s.Save(ctx, w, n.ID, Save{Version: cur.Version, Title: "x", Doc: cur.Doc})
				return err
			},
			"run":      func(w *auth.User) error { _, err := s.PlanRun(ctx, w, n.ID, cell, nil); return err },
			"organise": func(w *auth.User) error { return s.Organise(ctx, w, n.ID, "f", nil) },
			"archive":  func(w *auth.User) error { return s.SetArchived(ctx, w, n.ID, false) },
			"share":    func(w *auth.User) error { return s.Share(ctx, w, n.ID, p.viewer.Email, RoleViewer) },
			"restore":  func(w *auth.User) error { _, err := s.Restore(ctx, w, n.ID, 1); return err },
		}
		ok, forbidden, missing := "", pier.EForbidden, pier.ENotFound
		want := map[string]map[*auth.User]string{
			"get":       {p.owner: ok, editor: ok, p.viewer: ok, p.stranger: missing},
			"revisions": {p.owner: ok, editor: ok, p.viewer: ok, p.stranger: missing},
			"results":   {p.owner: ok, editor: ok, p.viewer: ok, p.stranger: missing},
			"shares":    {p.owner: ok, editor: ok, p.viewer: ok, p.stranger: missing},
			"save":      {p.owner: ok, editor: ok, p.viewer: forbidden, p.stranger: missing},
			"run":       {p.owner: ok, editor: ok, p.viewer: forbidden, p.stranger: missing},
			"organise":  {p.owner: ok, editor: ok, p.viewer: forbidden, p.stranger: missing},
			"restore":   {p.owner: ok, editor: ok, p.viewer: forbidden, p.stranger: missing},
			"archive":   {p.owner: ok, editor: forbidden, p.viewer: forbidden, p.stranger: missing},
			"share":     {p.owner: ok, editor: forbidden, p.viewer: forbidden, p.stranger: missing},
		}
		for action, byUser := range want {
			for who, code := range byUser {
				t.Run(action+" by "+who.Email, func(t *testing.T) {
					if got := pier.ErrorCode(actions[action](who)); got != code {
						t.Fatalf("got %q, want %q", got, code)
					}
				})
			}
		}
		if err := s.Share(ctx, p.owner, n.ID, p.viewer.Email, RoleEditor); pier.ErrorCode(err) != pier.EInvalid {
			t.Fatalf("a view-tier user made editor: %v, want invalid", err)
		}
		if err := s.Unshare(ctx, p.owner, n.ID, editor.Email); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, editor, n.ID); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("after unsharing: %v, want not found", err)
		}
	})
}

func TestListFindsSortsAndArchives(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		a := mustCreate(t, s, p.owner, "Zebra report", sqlCell("daily", "select count(*) from act_orders -- 100%_done"))
		b := mustCreate(t, s, p.owner, "Apple study", sqlCell("kw", "select search_keyword from act_page_views"))
		mustCreate(t, s, p.analyst, "Someone else's")
		if err := s.Organise(ctx, p.owner, b.ID, "Marketing", []string{"SEO", "weekly", "seo"}); err != nil {
			t.Fatal(err)
		}
		// Both were made within a millisecond or two; say when they were
		// edited rather than hope the clock moved between them.
		for id, at := range map[string]int64{a.ID: 1_000, b.ID: 2_000} {
			if _, err := db.ExecContext(ctx, `UPDATE notebooks SET updated_at = $1 WHERE id = $2`, at, id); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(f Filter) []string {
			t.Helper()
			list, err := s.List(ctx, p.owner, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, sm := range list {
				out = append(out, sm.ID)
			}
			return out
		}
		cases := []struct {
			name string
			f    Filter
			want []string
		}{
			{"everything of mine, newest first", Filter{}, []string{b.ID, a.ID}},
			{"by title", Filter{Sort: "title"}, []string{b.ID, a.ID}},
			{"search in cell source", Filter{Search: "ACT_ORDERS"}, []string{a.ID}},
			{"search with LIKE characters", Filter{Search: "100%_"}, []string{a.ID}},
			{"a percent sign alone matches only itself", Filter{Search: "%"}, []string{a.ID}},
			{"folder", Filter{Folder: "Marketing"}, []string{b.ID}},
			{"tag", Filter{Tag: "seo"}, []string{b.ID}},
			{"part of a tag is not a tag", Filter{Tag: "se"}, nil},
			{"owner", Filter{Owner: "analyst@example.com"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if got := ids(c.f); !reflect.DeepEqual(got, c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
			})
		}
		if err := s.SetArchived(ctx, p.owner, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if got := ids(Filter{}); !reflect.DeepEqual(got, []string{b.ID}) {
			t.Fatalf("archived notebook still listed: %v", got)
		}
		if got := ids(Filter{Archived: true}); !reflect.DeepEqual(got, []string{a.ID}) {
			t.Fatalf("archive: %v", got)
		}
		got, err := s.Get(ctx, p.owner, b.ID)
		if err != nil || !reflect.DeepEqual(got.Tags, []string{"seo", "weekly"}) || got.Folder != "Marketing" {
			t.Fatalf("tags and folder: %+v, %v", got, err)
		}
	})
}

func TestForkCopiesTheCurrentVersion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		n := mustCreate(t, s, p.owner, "Original", sqlCell("a", "select 42"))
		if err := s.Share(ctx, p.owner, n.ID, p.analyst.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		f, err := s.Fork(ctx, p.analyst, n.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if f.OwnerID != p.analyst.ID || f.Title != "Copy of Original" || f.ForkedFrom != n.ID || f.Doc.Cells[0].Source != "select 42" || f.Version != 1 {
			t.Fatalf("fork: %+v", f)
		}
		if _, err := s.Fork(ctx, p.stranger, n.ID, ""); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("a stranger forks: %v", err)
		}
	})
}

func TestASaveWithoutInputsKeepsThem(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		n := mustCreate(t, s, p.owner, "Inputs")
		withInput := Doc{Cells: n.Doc.Cells, Params: []Param{{Name: "day", Type: "date"}}}
		if _, err := s.Save(ctx, p.owner, n.ID, Save{Version: 1, Title: "Inputs", Doc: withInput}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Save(ctx, p.owner, n.ID, Save{Version: 2, Title: "Inputs", Doc: Doc{Cells: n.Doc.Cells}}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, p.owner, n.ID)
		if len(got.Doc.Params) != 1 || got.Doc.Params[0].Name != "day" {
			t.Fatalf("inputs after a save that left them out: %+v", got.Doc.Params)
		}
	})
}

// TestKeptResultsAreHiddenFromReadersWhoCouldNotReadThem: the service hands
// out a kept result only to readers who could read every table it read,
// with PII as raw as it read it.
func TestKeptResultsAreHiddenFromReadersWhoCouldNotReadThem(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, p := newTestService(t, db)
		s.access = readable{"owner@example.com": {"act_orders", "obj_members:pii"}, "analyst@example.com": {"act_orders"}}
		n := mustCreate(t, s, p.owner, "Kept", sqlCell("orders", "select 1"), sqlCell("emails", "select 2"), sqlCell("brands", "select 3"), sqlCell("broken", "select"))
		answer := &query.JSONResult{Columns: []query.ResultColumn{{Name: "n", Type: "BIGINT"}}, Rows: [][]any{{json.Number("7")}}, RowCount: 1}
		outcomes := map[string]Outcome{
			"orders": {Answer: answer, Tables: []string{"act_orders"}},
			"emails": {Answer: answer, Tables: []string{"obj_members"}, RawPII: true},
			"brands": {Answer: answer, Tables: []string{"obj_brands"}},
			"broken": {Error: pier.Errorf(pier.ESQL, "The SQL has a syntax error."), Tables: nil},
		}
		for i, c := range n.Doc.Cells {
			plan, err := s.PlanRun(ctx, p.owner, n.ID, c.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.RecordRun(ctx, p.owner, plan, outcomes[c.Name]); err != nil {
				t.Fatalf("cell %d: %v", i, err)
			}
		}
		if err := s.Share(ctx, p.owner, n.ID, p.analyst.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		if err := s.Share(ctx, p.owner, n.ID, p.viewer.Email, RoleViewer); err != nil {
			t.Fatal(err)
		}
		hidden := func(who *auth.User) string {
			_, results, err := s.WithResults(ctx, who, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range n.Doc.Cells {
				r := results[c.ID]
				if r.Hidden != (r.Answer == nil && r.Error == nil) {
					t.Fatalf("%s: hidden %v with answer %v, error %v", c.Name, r.Hidden, r.Answer, r.Error)
				}
				if r.Hidden {
					out = append(out, c.Name)
				}
			}
			return strings.Join(out, ",")
		}
		for who, want := range map[*auth.User]string{p.owner: "", p.analyst: "emails", p.viewer: "orders,emails"} {
			if got := hidden(who); got != want {
				t.Errorf("%s sees hidden %q, want %q", who.Email, got, want)
			}
		}
		_, r, err := s.Result(ctx, p.viewer, n.ID, n.Doc.Cells[2].ID)
		if err != nil || r.Answer.Rows[0][0] != json.Number("7") {
			t.Fatalf("the brands result as the viewer: %v, %v", r, err)
		}
		if _, _, err := s.Result(ctx, p.viewer, n.ID, n.Doc.Cells[0].ID); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("a hidden result as the viewer: %v", err)
		}
		if _, r, err := s.Result(ctx, p.analyst, n.ID, n.Doc.Cells[3].ID); err != nil || r.Error == nil || r.Error.Message != "The SQL has a syntax error." {
			t.Fatalf("a kept error: %v, %v", r, err)
		}
	})
}
