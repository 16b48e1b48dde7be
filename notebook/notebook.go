package notebook

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/share"
)

// Kind is what a cell holds.
type Kind string

// The cell kinds.
const (
	SQL      Kind = "sql"
	Markdown Kind = "markdown"
)

// Cell is one cell of a notebook. SQL cells have a name by which later
// cells read their result as a table.
type Cell struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"`
	Chart  *Chart `json:"chart,omitempty"`
}

// Chart is how a SQL cell's result is drawn; it is saved with the cell.
type Chart struct {
	Type   chart.Kind `json:"type"`
	X      string     `json:"x,omitempty"`
	Y      []string   `json:"y,omitempty"`
	Series string     `json:"series,omitempty"`
}

// ChartTypes are how a cell can show its result: as a table, or as one of
// the charts package chart draws.
var ChartTypes = append([]chart.Kind{chart.KindTable}, chart.Types...)

// Param is a typed notebook input, bound to SQL as $name. A date range
// named p binds $p_start and $p_end.
type Param struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Label   string   `json:"label,omitempty"`
	Default any      `json:"default,omitempty"`
	Options []string `json:"options,omitempty"`
}

// ParamTypes are the input types.
var ParamTypes = []string{"text", "number", "date", "date_range", "list"}

// Doc is what a revision holds: the cells and the inputs.
type Doc struct {
	Cells  []Cell  `json:"cells"`
	Params []Param `json:"params"`
}

// Notebook is a notebook's current state.
type Notebook struct {
	ID         string
	Title      string
	OwnerID    string
	Owner      string // e-mail
	Folder     string
	Tags       []string
	Version    int
	Doc        Doc
	ForkedFrom string
	Archived   bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	UpdatedBy  string // e-mail
	LastRunAt  time.Time
	Role       Role // the caller's role
}

// Role is what a person may do with a notebook: an editor saves and
// runs cells.
type Role = share.Role

// The roles, least first. RoleNone sees nothing: the notebook does not
// exist for them.
const (
	RoleNone   = share.RoleNone
	RoleViewer = share.RoleViewer
	RoleEditor = share.RoleEditor
	RoleOwner  = share.RoleOwner
)

// Cell returns the cell with the given id.
func (n *Notebook) Cell(id string) (Cell, int, bool) {
	for i, c := range n.Doc.Cells {
		if c.ID == id {
			return c, i, true
		}
	}
	return Cell{}, -1, false
}

// Limits on a notebook's size: generous for people, bounded for the store.
const (
	MaxCells     = 1000
	MaxSource    = 100_000
	MaxTitle     = 200
	MaxParams    = 50
	maxTagLength = 40
)

// Validate checks a document before it is saved, and fills in what a
// client may leave out (cell ids).
func (d *Doc) Validate() error {
	if len(d.Cells) > MaxCells {
		return pier.Errorf(pier.EInvalid, "A notebook holds at most %d cells.", MaxCells)
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for i := range d.Cells {
		if err := d.Cells[i].validate(i, ids, names); err != nil {
			return err
		}
	}
	return validateParams(d.Params)
}

func (c *Cell) validate(i int, ids, names map[string]bool) error {
	at := fmt.Sprintf("Cell %d", i+1)
	if c.ID == "" {
		c.ID = newCellID()
	}
	if ids[c.ID] {
		return pier.Errorf(pier.EInvalid, "%s has the id %q, which another cell already has.", at, c.ID)
	}
	ids[c.ID] = true
	if len(c.Source) > MaxSource {
		return pier.Errorf(pier.EInvalid, "%s is longer than %d characters.", at, MaxSource)
	}
	switch c.Kind {
	case Markdown:
		c.Name, c.Chart = "", nil
		return nil
	case SQL:
	default:
		return pier.Errorf(pier.EInvalid, "%s has the kind %q; use sql or markdown.", at, c.Kind)
	}
	if !query.UpstreamName.MatchString(c.Name) {
		return pier.Errorf(pier.EInvalid, "%s is named %q. A cell name is how later cells read its result, so it must be a plain name: lower-case letters, digits and _, starting with a letter (for example revenue_by_day).", at, c.Name)
	}
	if names[c.Name] {
		return pier.Errorf(pier.EInvalid, "Two cells are named %q; later cells could not tell them apart. Rename one.", c.Name)
	}
	names[c.Name] = true
	return c.Chart.validate(at)
}

func (ch *Chart) validate(at string) error {
	if ch == nil {
		return nil
	}
	if !slices.Contains(ChartTypes, ch.Type) {
		return pier.Errorf(pier.EInvalid, "%s has the chart type %q; use one of %s.", at, ch.Type, chart.Names(ChartTypes))
	}
	return nil
}

func validateParams(params []Param) error {
	if len(params) > MaxParams {
		return pier.Errorf(pier.EInvalid, "A notebook has at most %d inputs.", MaxParams)
	}
	seen := map[string]bool{}
	for _, p := range params {
		if !query.UpstreamName.MatchString(p.Name) {
			return pier.Errorf(pier.EInvalid, "The input %q needs a plain name (lower-case letters, digits and _), which SQL reads as $name.", p.Name)
		}
		if seen[p.Name] {
			return pier.Errorf(pier.EInvalid, "Two inputs are named %q.", p.Name)
		}
		seen[p.Name] = true
		if !slices.Contains(ParamTypes, p.Type) {
			return pier.Errorf(pier.EInvalid, "The input %s has the type %q; use one of %s.", p.Name, p.Type, strings.Join(ParamTypes, ", "))
		}
	}
	return nil
}

// checkTitle returns the trimmed title, or an error a person can act on.
func checkTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return "", pier.Errorf(pier.EInvalid, "Give the notebook a title.")
	case utf8.RuneCountInString(title) > MaxTitle:
		return "", pier.Errorf(pier.EInvalid, "A title has at most %d characters.", MaxTitle)
	}
	return title, nil
}

// cleanTags lower-cases, trims and de-duplicates tags.
func cleanTags(tags []string) ([]string, error) {
	out := []string{}
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if len(t) > maxTagLength || strings.Contains(t, ",") {
			return nil, pier.Errorf(pier.EInvalid, "The tag %q is too long or holds a comma.", t)
		}
		out = append(out, t)
	}
	return out, nil
}
