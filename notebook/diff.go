package notebook

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aymanbagabas/go-udiff"
)

// CellChange is how one cell differs between two versions. Cells are
// matched by id, so a renamed or moved cell is the same cell changed.
type CellChange struct {
	ID      string
	Kind    Kind
	Name    string // the name in the newer version (older if removed)
	OldName string // set when the cell was renamed
	Change  string // "added", "removed", "changed", "moved" or "same"
	Lines   []DiffLine
	// ChartChanged is set when the cell's chart choice differs.
	ChartChanged bool
}

// DiffLine is one line of a cell's source diff: Op is "+", "-" or " ".
type DiffLine struct {
	Op   string
	Text string
}

// DocDiff is what changed from one version to the next.
type DocDiff struct {
	Cells         []CellChange
	ParamsChanged bool
}

// diffContext is how many unchanged lines frame each change.
const diffContext = 3

// Compare tells how newer differs from older, cell by cell in the newer
// order, with removed cells where they stood.
func Compare(older, newer Doc) DocDiff {
	var d DocDiff
	oldAt := map[string]int{}
	for i, c := range older.Cells {
		oldAt[c.ID] = i
	}
	kept := map[string]bool{}
	stayed := inOrder(older, newer)
	for _, c := range newer.Cells {
		j, ok := oldAt[c.ID]
		if !ok {
			d.Cells = append(d.Cells, CellChange{ID: c.ID, Kind: c.Kind, Name: c.Name, Change: "added", Lines: sourceLines("+", c.Source)})
			continue
		}
		kept[c.ID] = true
		d.Cells = append(d.Cells, compareCell(older.Cells[j], c, !stayed[c.ID]))
	}
	for i, c := range older.Cells {
		if !kept[c.ID] {
			removed := CellChange{ID: c.ID, Kind: c.Kind, Name: c.Name, Change: "removed", Lines: sourceLines("-", c.Source)}
			d.Cells = slices.Insert(d.Cells, min(i, len(d.Cells)), removed)
		}
	}
	a, _ := json.Marshal(older.Params)
	b, _ := json.Marshal(newer.Params)
	d.ParamsChanged = string(a) != string(b)
	return d
}

// inOrder returns the cells kept in the same order relative to each other
// (a longest common subsequence of ids); the others moved. Moving one cell
// up then marks that cell alone, not every cell it passed.
func inOrder(older, newer Doc) map[string]bool {
	a, b := ids(older), ids(newer)
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	out := map[string]bool{}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			out[a[i]] = true
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

func ids(d Doc) []string {
	out := make([]string, len(d.Cells))
	for i, c := range d.Cells {
		out[i] = c.ID
	}
	return out
}

func compareCell(o, n Cell, moved bool) CellChange {
	ch := CellChange{ID: n.ID, Kind: n.Kind, Name: n.Name, Change: "same"}
	if o.Name != n.Name {
		ch.OldName, ch.Change = o.Name, "changed"
	}
	if o.Source != n.Source {
		ch.Change = "changed"
		ch.Lines = lineDiff(o.Source, n.Source)
	}
	ch.ChartChanged = !sameChart(o.Chart, n.Chart)
	switch {
	case ch.Change != "same":
	case ch.ChartChanged:
		ch.Change = "changed"
	case moved:
		ch.Change = "moved"
	}
	return ch
}

func sameChart(a, b *Chart) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func lineDiff(older, newer string) []DiffLine {
	u, err := udiff.ToUnifiedDiff("", "", withNewline(older), udiff.Lines(withNewline(older), withNewline(newer)), diffContext)
	if err != nil { // the edits come from the same text, so this cannot happen
		return append(sourceLines("-", older), sourceLines("+", newer)...)
	}
	var out []DiffLine
	for _, h := range u.Hunks {
		for _, l := range h.Lines {
			op := map[udiff.OpKind]string{udiff.Delete: "-", udiff.Insert: "+", udiff.Equal: " "}[l.Kind]
			out = append(out, DiffLine{Op: op, Text: trimNewline(l.Content)})
		}
	}
	return out
}

func sourceLines(op, src string) []DiffLine {
	if src == "" {
		return nil
	}
	var out []DiffLine
	for _, l := range splitLines(src) {
		out = append(out, DiffLine{Op: op, Text: l})
	}
	return out
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func trimNewline(s string) string { return strings.TrimSuffix(s, "\n") }

func splitLines(s string) []string { return strings.Split(trimNewline(s), "\n") }
