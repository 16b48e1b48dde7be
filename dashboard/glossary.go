package dashboard

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/search"
)

// Metric is one measure of a certified dataset as the glossary tells it:
// the answer to "which revenue is right".
type Metric struct {
	ID         string // dataset id and column, joined by a dot
	DatasetID  string
	Dataset    string
	Column     string
	Name       string
	Definition string
	Expression string // how it is added up, in SQL: sum("total")
	Unit       string // a currency code, "%", or nothing
	Owner      string // the dataset's owner, e-mail
	Dashboards []Use  // that chart it
	MayEdit    bool   // the caller may define it (the dataset's owner, the data team)
	// Restricted: its dataset reads a table the caller may not; only its
	// label and definition are told, never its column, expression or
	// dataset.
	Restricted bool
	tables     []string
	labeled    bool
}

// Use is a dashboard that shows a metric.
type Use struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Glossary returns the measures of certified datasets, by name, with the
// dashboards that use each among those who may open. Definitions are not
// data: everyone signed in reads them. Of a dataset on a table restricted
// to the reader, only labelled measures are told, by label and definition:
// its column names stay as hidden as the table's.
func (s *Service) Glossary(ctx context.Context, who *auth.User) ([]Metric, error) {
	all, err := s.metrics(ctx)
	if err != nil {
		return nil, err
	}
	open, err := s.List(ctx, who)
	if err != nil {
		return nil, err
	}
	opens := map[string]bool{}
	for _, sm := range open {
		opens[sm.ID] = true
	}
	can, err := s.readable(ctx, who.ID)
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(m Metric) bool { return !can(m.tables) && !m.labeled })
	isData := s.auth.Authorize(who, auth.ObjDataset, auth.ActCertify) == nil
	for i := range all {
		m := &all[i]
		if !can(m.tables) {
			*m = Metric{ID: m.ID, Name: m.Name, Definition: m.Definition, Owner: m.Owner, Dashboards: m.Dashboards, Restricted: true}
		}
		m.Dashboards = slices.DeleteFunc(m.Dashboards, func(u Use) bool { return !opens[u.ID] })
		m.MayEdit = isData || m.Owner == who.Email
	}
	return all, nil
}

// metrics are every certified measure, with every dashboard that uses it.
func (s *Service) metrics(ctx context.Context) ([]Metric, error) {
	sets, err := s.listDatasets(ctx)
	if err != nil {
		return nil, err
	}
	uses, err := s.measureUses(ctx)
	if err != nil {
		return nil, err
	}
	var out []Metric
	for _, ds := range sets {
		if !ds.Certified {
			continue
		}
		for _, c := range ds.Columns {
			if c.Role != RoleMeasure {
				continue
			}
			key := ds.ID + "." + c.Name
			u := uses[key]
			agg := cmp.Or(c.Agg, u.commonAgg(), "sum")
			out = append(out, Metric{ID: key, DatasetID: ds.ID, Dataset: ds.Name, Column: c.Name, Name: ds.label(c.Name),
				Definition: c.Definition, Expression: fmt.Sprintf(`%s("%s")`, agg, c.Name), Unit: unitOf(c.Format),
				Owner: ds.Owner, Dashboards: u.boards, tables: ds.Tables, labeled: c.Label != ""})
		}
	}
	slices.SortFunc(out, func(a, b Metric) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Dataset, b.Dataset))
	})
	return out, nil
}

// unitOf is what a measure is counted in, from how its numbers read.
func unitOf(f *chart.Format) string {
	switch {
	case f == nil:
		return ""
	case f.Kind == "currency":
		return f.Currency
	case f.Kind == "percent":
		return "%"
	}
	return ""
}

// measureUse is how dashboards use one measure.
type measureUse struct {
	boards []Use
	aggs   map[string]int
}

// commonAgg is the way dashboards add the measure up most often.
func (u measureUse) commonAgg() string {
	best := ""
	for agg, n := range u.aggs {
		if n > u.aggs[best] || n == u.aggs[best] && agg < best {
			best = agg
		}
	}
	return best
}

// measureUses reads every dashboard's tiles for the measures they chart,
// by dataset id and column.
func (s *Service) measureUses(ctx context.Context) (map[string]measureUse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, doc FROM dashboards WHERE archived_at IS NULL ORDER BY title`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: measure uses: %w", err)
	}
	defer rows.Close()
	out := map[string]measureUse{}
	for rows.Next() {
		var id, title, doc string
		if err := rows.Scan(&id, &title, &doc); err != nil {
			return nil, err
		}
		var d Doc
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return nil, fmt.Errorf("dashboard %s: stored document: %w", id, err)
		}
		for _, t := range d.Tiles {
			for _, m := range t.Measures {
				if t.Dataset == "" || m.Column == "" {
					continue
				}
				key := t.Dataset + "." + m.Column
				u := out[key]
				if u.aggs == nil {
					u.aggs = map[string]int{}
				}
				u.aggs[m.Agg]++
				if !slices.ContainsFunc(u.boards, func(b Use) bool { return b.ID == id }) {
					u.boards = append(u.boards, Use{ID: id, Title: title})
				}
				out[key] = u
			}
		}
	}
	return out, rows.Err()
}

// MetricDocs are the glossary's metrics as the search index keeps them.
func (s *Service) MetricDocs(ctx context.Context) ([]search.Doc, error) {
	all, err := s.metrics(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]search.Doc, 0, len(all))
	for _, m := range all {
		// Name and definition only: a column name in the words would let a
		// search tell it to someone the dataset's table is closed to.
		out = append(out, search.Doc{ID: m.ID, Title: m.Name, Certified: true, Body: m.Definition})
	}
	return out, nil
}
