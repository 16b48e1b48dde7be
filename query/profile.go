package query

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier/query/sandbox"
)

// Principal is who a query runs for, as far as the engine needs to know.
type Principal struct {
	UserID string
	// Grants maps each explicitly granted table to whether its PII columns
	// are visible unhashed.
	Grants map[string]bool
}

// Visible is a lake table as one principal sees it.
type Visible struct {
	*Table
	Props  Props
	RawPII bool // the principal reads this table's PII columns unhashed
}

// PIIColumns returns the table's tagged PII columns that exist in it.
func (v Visible) PIIColumns() []string {
	var out []string
	for _, c := range v.Columns {
		if slices.Contains(v.Props.PII, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}

// hiddenPII returns the columns this principal sees hashed.
func (v Visible) hiddenPII() []string {
	if v.RawPII {
		return nil
	}
	return v.PIIColumns()
}

// Visible returns the tables p may read: every unrestricted table, and the
// restricted ones granted to p. Properties and grants are read afresh, so a
// revocation takes effect on the next call.
func (e *Engine) Visible(ctx context.Context, p Principal) ([]Visible, error) {
	visible, _, err := e.Tables(ctx, p)
	return visible, err
}

// Tables splits the lake's tables into those p may read and those
// restricted to others, reading the tables' properties once.
func (e *Engine) Tables(ctx context.Context, p Principal) ([]Visible, []Locked, error) {
	props, err := e.props.All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("query: table properties: %w", err)
	}
	var visible []Visible
	var locked []Locked
	for _, t := range e.cat.Tables() {
		pr := props[t.Name]
		rawPII, granted := p.Grants[t.Name]
		if pr.Restricted && !granted {
			locked = append(locked, Locked{Name: t.Name, Description: pr.Description, Owner: pr.Owner})
			continue
		}
		visible = append(visible, Visible{Table: t, Props: pr, RawPII: rawPII})
	}
	return visible, locked, nil
}

// Locked is a restricted table the principal may not read: known by its
// name, description and owner, so that a person can ask for it, and
// nothing of its columns or data.
type Locked struct {
	Name        string
	Description string
	Owner       string
}

// profile is an access profile: the exact set of views a sandbox holds.
// Principals with equal profiles share one sandbox.
type profile struct {
	key    string
	tables []Visible
}

func newProfile(tables []Visible) *profile {
	h := sha256.New()
	for _, t := range tables {
		fmt.Fprintf(h, "%s\x00%s\x00%s\n", t.Name, t.signature, strings.Join(t.hiddenPII(), ","))
	}
	return &profile{key: hex.EncodeToString(h.Sum(nil)), tables: tables}
}

// spec is what a worker needs to make the profile's sandbox.
func (p *profile) spec() *sandbox.Profile {
	out := &sandbox.Profile{Tables: make([]sandbox.TableSpec, len(p.tables))}
	for i, t := range p.tables {
		out.Tables[i] = sandbox.TableSpec{Name: t.Name, Path: t.Path, Dir: t.Dir, Files: t.Files, Mixed: t.Mixed, Hidden: t.hiddenPII()}
	}
	return out
}

// readsRawPII reports whether reading tables shows PII unhashed.
func readsRawPII(visible []Visible, tables []string) bool {
	for _, v := range visible {
		if v.RawPII && len(v.PIIColumns()) > 0 && slices.Contains(tables, v.Name) {
			return true
		}
	}
	return false
}

// Readable returns a test of whether p may read every one of a list of
// tables that the lake still holds; a table that is gone is no secret, and
// whatever reads it fails with its own error. Grants and properties are
// read once, so one test can check many lists.
func (e *Engine) Readable(ctx context.Context, p Principal) (func(tables []string) bool, error) {
	missing, err := e.Missing(ctx, p)
	if err != nil {
		return nil, err
	}
	return func(tables []string) bool { return len(missing(tables)) == 0 }, nil
}

// Missing returns a function that lists which of some tables p may not
// read: the restricted ones it holds no grant for. Names the catalog does
// not know are left out, as a query of them fails on its own.
func (e *Engine) Missing(ctx context.Context, p Principal) (func(tables []string) []string, error) {
	restricted, err := e.Restricted(ctx)
	if err != nil {
		return nil, err
	}
	return func(tables []string) []string {
		var out []string
		for _, t := range tables {
			if _, granted := p.Grants[t]; restricted(t) && !granted {
				out = append(out, t)
			}
		}
		return out
	}, nil
}

// Restricted returns a test of whether a table the lake holds is
// restricted. Properties are read once, so one test can judge the
// tables of several people.
func (e *Engine) Restricted(ctx context.Context) (func(table string) bool, error) {
	props, err := e.props.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("query: table properties: %w", err)
	}
	return func(t string) bool {
		_, exists := e.cat.Table(t)
		return exists && props[t].Restricted
	}, nil
}
