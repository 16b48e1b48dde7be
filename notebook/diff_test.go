package notebook

import (
	"fmt"
	"strings"
	"testing"
)

func diffText(lines []DiffLine) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s%s\n", l.Op, l.Text)
	}
	return b.String()
}

func TestCompareTellsWhatChangedCellByCell(t *testing.T) {
	older := Doc{Cells: []Cell{
		{ID: "a", Kind: SQL, Name: "daily", Source: "select dt,\n  count(*) as n\nfrom views\ngroup by dt"},
		{ID: "b", Kind: Markdown, Source: "Notes"},
		{ID: "c", Kind: SQL, Name: "gone", Source: "select 1"},
		{ID: "d", Kind: SQL, Name: "still", Source: "select 2"},
	}}
	newer := Doc{Cells: []Cell{
		{ID: "d", Kind: SQL, Name: "still", Source: "select 2"},
		{ID: "a", Kind: SQL, Name: "per_day", Source: "select dt,\n  count(distinct member_id) as n\nfrom views\ngroup by dt", Chart: &Chart{Type: "bar"}},
		{ID: "b", Kind: Markdown, Source: "Notes"},
		{ID: "e", Kind: SQL, Name: "fresh", Source: "select 3\n"},
	}, Params: []Param{{Name: "day", Type: "date"}}}
	d := Compare(older, newer)
	got := map[string]CellChange{}
	var order []string
	for _, c := range d.Cells {
		got[c.ID] = c
		order = append(order, c.ID+":"+c.Change)
	}
	if strings.Join(order, " ") != "d:moved a:changed c:removed b:same e:added" {
		t.Fatalf("cells in order: %v", order)
	}
	a := got["a"]
	if a.OldName != "daily" || a.Name != "per_day" || !a.ChartChanged {
		t.Errorf("renamed cell with a new chart: %+v", a)
	}
	if want := " select dt,\n-  count(*) as n\n+  count(distinct member_id) as n\n from views\n group by dt\n"; diffText(a.Lines) != want {
		t.Errorf("line diff:\n%s\nwant:\n%s", diffText(a.Lines), want)
	}
	if diffText(got["c"].Lines) != "-select 1\n" || diffText(got["e"].Lines) != "+select 3\n" {
		t.Errorf("removed %q, added %q", diffText(got["c"].Lines), diffText(got["e"].Lines))
	}
	if len(got["b"].Lines) != 0 || !d.ParamsChanged {
		t.Errorf("unchanged cell has lines %v; params changed %v", got["b"].Lines, d.ParamsChanged)
	}
	if same := Compare(newer, newer); same.ParamsChanged || same.Cells[1].Change != "same" {
		t.Errorf("a version compared with itself: %+v", same)
	}
}
