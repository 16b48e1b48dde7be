package dashboard

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/share"
	"github.com/pier-analytics/pier/store"
)

// Dashboard is a dashboard's current state.
type Dashboard struct {
	ID               string
	Title            string
	Description      string
	OwnerID          string
	Owner            string // e-mail
	UpdatedBy        string // e-mail
	Version          int
	Doc              Doc
	Meta             map[string]TileMeta // by tile id
	Tables           []string
	Published        bool
	Certified        bool
	CertifiedBy      string
	Views            int64
	RefreshMinutes   int
	LastRefreshAt    time.Time
	LastRefreshError string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Role             Role // the caller's
}

// Doc is what a save writes: the tiles and the dashboard's filters.
type Doc struct {
	Tiles   []Tile   `json:"tiles"`
	Filters []Filter `json:"filters"`
}

// Tile is one box of a dashboard. Its data comes from SQL (analysts) or
// from a dataset with picks (handle and up); markdown tiles hold text.
type Tile struct {
	ID    string     `json:"id"`
	Title string     `json:"title"`
	Type  chart.Kind `json:"type"`
	Chart Chart      `json:"chart"`
	Text  string     `json:"text,omitempty"`

	SQL string `json:"sql,omitempty"`

	Dataset    string      `json:"dataset,omitempty"`
	Measures   []Measure   `json:"measures,omitempty"`
	Dimensions []string    `json:"dimensions,omitempty"`
	Filters    []Condition `json:"filters,omitempty"`
	TimeColumn string      `json:"time_column,omitempty"`
	Grain      string      `json:"grain,omitempty"` // before a viewer switches it
	Limit      int         `json:"limit,omitempty"`

	Layout Layout `json:"layout"`
	// Locked: the caller may not see this tile's data, so its definition
	// (SQL, columns, filter values) is left out too. Set only on reads.
	Locked bool `json:"locked,omitempty"`
}

// Chart names the columns a tile draws and, for traffic lights, the
// thresholds: with good above bad, higher is better.
type Chart struct {
	X      string   `json:"x,omitempty"`
	Y      []string `json:"y,omitempty"`
	Series string   `json:"series,omitempty"`
	Good   *float64 `json:"good,omitempty"`
	Bad    *float64 `json:"bad,omitempty"`
	// Labels and Formats name columns and say how their numbers read,
	// over what the tile's dataset says.
	Labels  map[string]string       `json:"labels,omitempty"`
	Formats map[string]chart.Format `json:"formats,omitempty"`
}

// Layout places a tile on a grid twelve columns wide.
type Layout struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Filter is one of the dashboard's filters, which apply to every tile that
// has its column. A date range with no column applies to each tile's time
// column; Tiles maps a tile to a column of another name.
type Filter struct {
	ID      string            `json:"id"`
	Label   string            `json:"label,omitempty"`
	Kind    string            `json:"kind"`
	Column  string            `json:"column,omitempty"`
	Tiles   map[string]string `json:"tiles,omitempty"`
	Default string            `json:"default,omitempty"`
}

// TileMeta is what Pier learned of a tile when it was saved.
type TileMeta struct {
	Columns []Column `json:"columns"` // those it can be filtered on
	Tables  []string `json:"tables"`
	Params  []string `json:"params,omitempty"` // of its SQL
}

// Role is what a person may do with a dashboard: an editor changes tiles
// and filters.
type Role = share.Role

// The roles, least first. RoleNone sees nothing: the dashboard does not
// exist for them.
const (
	RoleNone   = share.RoleNone
	RoleViewer = share.RoleViewer
	RoleEditor = share.RoleEditor
	RoleOwner  = share.RoleOwner
)

// The tile types, and the filter kinds.
var (
	TileTypes   = slices.Concat(chart.Types, chart.TileTypes, []chart.Kind{chart.KindTable, chart.KindMarkdown})
	FilterKinds = []string{"date_range", "values"}
)

// Limits on a dashboard's size.
const (
	MaxTiles   = 100
	MaxFilters = 20
	maxText    = 20_000
	gridWidth  = 12
	maxHeight  = 24
)

var idPattern = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

// Tile returns the tile with that id.
func (d *Dashboard) Tile(id string) (Tile, bool) {
	i := slices.IndexFunc(d.Doc.Tiles, func(t Tile) bool { return t.ID == id })
	if i < 0 {
		return Tile{}, false
	}
	return d.Doc.Tiles[i], true
}

// Validate checks a document's shape before it is saved and fills in what
// a client may leave out: tile ids and places on the grid. What needs the
// data (columns, datasets, SQL) is checked by the service.
func (d *Doc) Validate() error {
	if len(d.Tiles) > MaxTiles {
		return pier.Errorf(pier.EInvalid, "A dashboard holds at most %d tiles.", MaxTiles)
	}
	ids := map[string]bool{}
	for i := range d.Tiles {
		if err := d.Tiles[i].validate(i, ids); err != nil {
			return err
		}
	}
	placeTiles(d.Tiles)
	if d.Filters == nil {
		d.Filters = []Filter{}
	}
	if len(d.Filters) > MaxFilters {
		return pier.Errorf(pier.EInvalid, "A dashboard has at most %d filters.", MaxFilters)
	}
	fids := map[string]bool{}
	for i := range d.Filters {
		if err := d.Filters[i].validate(fids, ids); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tile) validate(i int, ids map[string]bool) error {
	at := fmt.Sprintf("Tile %d", i+1)
	if t.ID == "" {
		t.ID = strings.ToLower(store.NewID()[:8])
	}
	if !idPattern.MatchString(t.ID) || ids[t.ID] {
		return pier.Errorf(pier.EInvalid, "%s has the id %q; ids are unique, 1 to 40 of a-z, 0-9, _ and -.", at, t.ID)
	}
	ids[t.ID] = true
	t.SQL = strings.TrimRight(strings.TrimSpace(t.SQL), ";")
	if utf8.RuneCountInString(t.Title) > maxName {
		return pier.Errorf(pier.EInvalid, "%s: a title can be at most %d characters.", at, maxName)
	}
	if !slices.Contains(TileTypes, t.Type) {
		return pier.Errorf(pier.EInvalid, "%s has the type %q; use one of %s.", at, t.Type, chart.Names(TileTypes))
	}
	if err := t.validateSource(at); err != nil {
		return err
	}
	if err := t.checkPicks(at); err != nil {
		return err
	}
	if t.Grain != "" && !slices.Contains(Grains, t.Grain) {
		return pier.Errorf(pier.EInvalid, "%s: there is no time grain %q; use one of %s.", at, t.Grain, strings.Join(Grains, ", "))
	}
	if t.Type == chart.KindTrafficLight && (t.Chart.Good == nil || t.Chart.Bad == nil || *t.Chart.Good == *t.Chart.Bad) {
		return pier.Errorf(pier.EInvalid, "%s is a traffic light: give chart.good and chart.bad, two different thresholds.", at)
	}
	return t.Layout.validate(at)
}

// checkPicks refuses a dataset tile whose picks its chart cannot show,
// in words that name the pick to change.
func (t *Tile) checkPicks(at string) error {
	if t.Dataset == "" {
		return nil
	}
	if t.Type.Single() && len(t.Dimensions) > 0 {
		return pier.Errorf(pier.EInvalid, "%s shows one number, so it cannot be grouped by %s; take the group-by out, or show it as a chart.", at, strings.Join(t.Dimensions, ", "))
	}
	if t.Type == chart.KindScatter && len(t.Measures) < 2 {
		return pier.Errorf(pier.EInvalid, "%s is a scatter chart: it needs two measures, the first across and the second up.", at)
	}
	return nil
}

func (t *Tile) validateSource(at string) error {
	switch {
	case t.Type == chart.KindMarkdown:
		if t.SQL != "" || t.Dataset != "" {
			return pier.Errorf(pier.EInvalid, "%s is text; it takes text, not sql or a dataset.", at)
		}
		if utf8.RuneCountInString(t.Text) > maxText {
			return pier.Errorf(pier.EInvalid, "%s: text can be at most %d characters.", at, maxText)
		}
	case (t.SQL == "") == (t.Dataset == ""):
		return pier.Errorf(pier.EInvalid, "%s needs its data from one place: sql, or a dataset with measures and dimensions.", at)
	case len(t.SQL) > maxSQL:
		return pier.Errorf(pier.EInvalid, "%s: SQL can be at most %d characters.", at, maxSQL)
	case t.SQL != "" && (len(t.Measures) > 0 || len(t.Dimensions) > 0 || len(t.Filters) > 0):
		return pier.Errorf(pier.EInvalid, "%s has sql; measures, dimensions and filters belong to dataset tiles.", at)
	}
	return nil
}

func (l *Layout) validate(at string) error {
	if *l == (Layout{}) {
		return nil // placed later
	}
	if l.W < 1 || l.W > gridWidth || l.X < 0 || l.X+l.W > gridWidth || l.Y < 0 || l.H < 1 || l.H > maxHeight {
		return pier.Errorf(pier.EInvalid, "%s does not fit the grid: x from 0, w from 1, x+w at most %d, y from 0, h from 1 to %d.", at, gridWidth, maxHeight)
	}
	return nil
}

func (f *Filter) validate(ids, tiles map[string]bool) error {
	if !idPattern.MatchString(f.ID) || ids[f.ID] {
		return pier.Errorf(pier.EInvalid, "The filter id %q must be unique, 1 to 40 of a-z, 0-9, _ and -.", f.ID)
	}
	ids[f.ID] = true
	if !slices.Contains(FilterKinds, f.Kind) {
		return pier.Errorf(pier.EInvalid, "The filter %s has the kind %q; use date_range or values.", f.ID, f.Kind)
	}
	if f.Kind == "values" && f.Column == "" {
		return pier.Errorf(pier.EInvalid, "The filter %s needs the column whose values it picks.", f.ID)
	}
	for tile := range f.Tiles {
		if !tiles[tile] {
			return pier.Errorf(pier.EInvalid, "The filter %s maps the tile %q, which the dashboard does not have.", f.ID, tile)
		}
	}
	if f.Default != "" {
		if _, err := f.parse([]string{f.Default}); err != nil {
			return err
		}
	}
	return nil
}

// placeTiles puts tiles without a place in the first free spot, reading
// the grid left to right and top to bottom, sized for their type.
func placeTiles(tiles []Tile) {
	taken := map[[2]int]bool{}
	mark := func(l Layout) {
		for y := l.Y; y < l.Y+l.H; y++ {
			for x := l.X; x < l.X+l.W; x++ {
				taken[[2]int{x, y}] = true
			}
		}
	}
	for _, t := range tiles {
		if t.Layout != (Layout{}) {
			mark(t.Layout)
		}
	}
	for i := range tiles {
		if tiles[i].Layout != (Layout{}) {
			continue
		}
		l := defaultSize(tiles[i].Type)
		for !fits(taken, l) {
			if l.X++; l.X+l.W > gridWidth {
				l.X, l.Y = 0, l.Y+1
			}
		}
		tiles[i].Layout = l
		mark(l)
	}
}

func fits(taken map[[2]int]bool, l Layout) bool {
	for y := l.Y; y < l.Y+l.H; y++ {
		for x := l.X; x < l.X+l.W; x++ {
			if taken[[2]int{x, y}] {
				return false
			}
		}
	}
	return true
}

func defaultSize(typ chart.Kind) Layout {
	switch typ {
	case chart.KindNumber, chart.KindTrafficLight:
		return Layout{W: 3, H: 2}
	case chart.KindMarkdown:
		return Layout{W: 12, H: 2}
	}
	return Layout{W: 6, H: 5}
}
