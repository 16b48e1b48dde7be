package dashboard

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

// Column is a dataset column and the part it plays in an exploration.
type Column struct {
	Name string     `json:"name"`
	Type string     `json:"type"`
	Role ColumnRole `json:"role"`
	// Label is its name in words for charts; Format how its numbers read.
	Label  string        `json:"label,omitempty"`
	Format *chart.Format `json:"format,omitempty"`
	// Definition says in plain words what a measure means, and Agg how it
	// is added up, for the metrics glossary and the explorer's pickers.
	Definition string `json:"definition,omitempty"`
	Agg        string `json:"agg,omitempty"`
}

// Basis is something a dataset was built on besides lake tables: another
// dataset it reads by name, or the notebook cell it was saved from.
type Basis struct {
	Kind string `json:"kind"` // dataset or notebook
	ID   string `json:"id"`
	Cell string `json:"cell,omitempty"`
}

// ColumnRole is what a column is for: measures are added up, dimensions group
// and filter, time columns are bucketed by a grain.
type ColumnRole string

// The column roles.
const (
	RoleMeasure   ColumnRole = "measure"
	RoleDimension ColumnRole = "dimension"
	RoleTime      ColumnRole = "time"
)

// Dataset is a saved query that people explore without SQL.
type Dataset struct {
	ID          string
	Name        string
	Description string
	OwnerID     string
	Owner       string // e-mail
	SQL         string
	Upstream    []query.Upstream // earlier notebook cells the SQL reads
	TimeColumn  string
	Columns     []Column
	Tables      []string // the lake tables it reads
	Bases       []Basis  // the datasets or notebook cell it was built on
	Certified   bool
	CertifiedBy string // e-mail
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Limits on a dataset's text.
const (
	maxName        = 200
	maxDescription = 5000
	maxSQL         = 100_000
)

// roles gives each described column its role: dates and timestamps are
// time, numbers are measures unless their name says they identify
// something, and the rest are dimensions.
func roles(cols []query.ResultColumn) []Column {
	out := make([]Column, len(cols))
	for i, c := range cols {
		role := RoleDimension
		switch {
		case isTime(c.Type):
			role = RoleTime
		case chart.Numeric(c.Type) && !isIdentifier(c.Name):
			role = RoleMeasure
		}
		out[i] = Column{Name: c.Name, Type: c.Type, Role: role}
	}
	return out
}

func isIdentifier(name string) bool {
	n := strings.ToLower(name)
	return n == "id" || strings.HasSuffix(n, "_id") || n == "dt" || n == "year" || n == "month"
}

// chooseTimeColumn checks the time column asked for, or picks the first
// time column when none is named.
func chooseTimeColumn(cols []Column, name string) (string, error) {
	if name == "" {
		if i := slices.IndexFunc(cols, func(c Column) bool { return c.Role == RoleTime }); i >= 0 {
			return cols[i].Name, nil
		}
		return "", nil
	}
	i := slices.IndexFunc(cols, func(c Column) bool { return c.Name == name })
	if i < 0 {
		return "", pier.Errorf(pier.EInvalid, "The query has no column %q to use as the time column.", name)
	}
	if cols[i].Role != RoleTime {
		return "", pier.Errorf(pier.EInvalid, "%q holds %s, not dates; the time column must be a date or timestamp.", name, cols[i].Type)
	}
	return name, nil
}

func checkName(name string) (string, error) { return required(name, "Give the dataset a name.") }

func checkTitle(title string) (string, error) { return required(title, "Give the dashboard a title.") }

// required trims a name or title and checks it is there and not too long.
func required(s, missing string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", pier.Errorf(pier.EInvalid, "%s", missing)
	}
	if utf8.RuneCountInString(s) > maxName {
		return "", pier.Errorf(pier.EInvalid, "A name or title can be at most %d characters.", maxName)
	}
	return s, nil
}

func checkDescription(d string) (string, error) {
	if utf8.RuneCountInString(d) > maxDescription {
		return "", pier.Errorf(pier.EInvalid, "A description can be at most %d characters.", maxDescription)
	}
	return strings.TrimSpace(d), nil
}
