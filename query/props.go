package query

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// Props are what people say about a table; they live in the metadata store
// and survive rescans of the lake.
type Props struct {
	Description string
	Owner       string
	Restricted  bool
	PII         []string // column names, sorted
}

// PropStore reads and writes table properties.
type PropStore struct {
	db *store.DB
}

// NewPropStore returns a PropStore over db.
func NewPropStore(db *store.DB) *PropStore { return &PropStore{db: db} }

// All returns the properties of every table that has any.
func (s *PropStore) All(ctx context.Context) (map[string]Props, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, description, owner, restricted, pii_columns FROM table_props`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Props{}
	for rows.Next() {
		var name, pii string
		var p Props
		if err := rows.Scan(&name, &p.Description, &p.Owner, &p.Restricted, &pii); err != nil {
			return nil, err
		}
		p.PII = splitColumns(pii)
		out[name] = p
	}
	return out, rows.Err()
}

// PropChange lists what to change; nil fields stay as they are.
type PropChange struct {
	Description *string
	Owner       *string
	Restricted  *bool
	PII         *[]string
}

// Set applies c to the table's properties. The table need not be in the lake
// yet, so a restriction can be in place before its data lands.
func (s *PropStore) Set(ctx context.Context, table string, c PropChange) error {
	return s.SetWith(ctx, table, c, nil)
}

// SetWith is Set, with then run in the same transaction (an audit line:
// a change and its record land together or not at all).
func (s *PropStore) SetWith(ctx context.Context, table string, c PropChange, then func(*sql.Tx) error) error {
	if !tableName.MatchString(table) {
		return pier.Errorf(pier.EInvalid, "%q is not a table name: use lower-case letters, digits and _", table)
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		p, err := propsIn(ctx, tx, table)
		if err != nil {
			return err
		}
		apply(&p, c)
		_, err = tx.ExecContext(ctx, `INSERT INTO table_props (table_name, description, owner, restricted, pii_columns, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (table_name) DO UPDATE SET description = excluded.description, owner = excluded.owner,
				restricted = excluded.restricted, pii_columns = excluded.pii_columns, updated_at = excluded.updated_at`,
			table, p.Description, p.Owner, p.Restricted, strings.Join(p.PII, ","), store.Now())
		if err != nil || then == nil {
			return err
		}
		return then(tx)
	})
}

func apply(p *Props, c PropChange) {
	if c.Description != nil {
		p.Description = *c.Description
	}
	if c.Owner != nil {
		p.Owner = *c.Owner
	}
	if c.Restricted != nil {
		p.Restricted = *c.Restricted
	}
	if c.PII != nil {
		p.PII = normalColumns(*c.PII)
	}
}

// TagPIIOnce sets PII columns on tables that have never had properties, so
// a first start tags the demo lake without undoing later decisions.
func (s *PropStore) TagPIIOnce(ctx context.Context, pii map[string][]string) error {
	for table, cols := range pii {
		_, err := s.db.ExecContext(ctx, `INSERT INTO table_props (table_name, pii_columns, updated_at)
			VALUES ($1, $2, $3) ON CONFLICT (table_name) DO NOTHING`,
			table, strings.Join(normalColumns(cols), ","), store.Now())
		if err != nil {
			return err
		}
	}
	return nil
}

func splitColumns(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func normalColumns(cols []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cols {
		c = strings.TrimSpace(c)
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func propsIn(ctx context.Context, tx *sql.Tx, table string) (Props, error) {
	var p Props
	var pii string
	err := tx.QueryRowContext(ctx, `SELECT description, owner, restricted, pii_columns FROM table_props WHERE table_name = $1`,
		table).Scan(&p.Description, &p.Owner, &p.Restricted, &pii)
	if errors.Is(err, sql.ErrNoRows) {
		return Props{}, nil
	}
	p.PII = splitColumns(pii)
	return p, err
}
