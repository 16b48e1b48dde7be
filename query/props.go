package query

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"sort"
	"strings"
	"time"

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
	// Notes describe columns, by column name.
	Notes map[string]string
	// ExpectEvery is the most the newest data may age before the table is
	// late; zero expects nothing.
	ExpectEvery time.Duration
}

// Late reports whether t's newest data is older than the table promises.
func (p Props) Late(t *Table, now time.Time) bool {
	return p.ExpectEvery > 0 && now.Sub(t.DataTime()) > p.ExpectEvery
}

// PropStore reads and writes table properties.
type PropStore struct {
	db *store.DB
}

// NewPropStore returns a PropStore over db.
func NewPropStore(db *store.DB) *PropStore { return &PropStore{db: db} }

// All returns the properties of every table that has any.
func (s *PropStore) All(ctx context.Context) (map[string]Props, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name, `+propColumns+` FROM table_props`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Props{}
	for rows.Next() {
		var name string
		p, err := scanProps(rows.Scan, &name)
		if err != nil {
			return nil, err
		}
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
	// Notes sets the named columns' descriptions; an empty one removes it.
	Notes       map[string]string
	ExpectEvery *time.Duration
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
		notes, _ := json.Marshal(p.Notes)
		_, err = tx.ExecContext(ctx, `INSERT INTO table_props (table_name, description, owner, restricted, pii_columns,
				column_notes, expect_every, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (table_name) DO UPDATE SET description = excluded.description, owner = excluded.owner,
				restricted = excluded.restricted, pii_columns = excluded.pii_columns,
				column_notes = excluded.column_notes, expect_every = excluded.expect_every, updated_at = excluded.updated_at`,
			table, p.Description, p.Owner, p.Restricted, strings.Join(p.PII, ","),
			string(notes), int64(p.ExpectEvery/time.Second), store.Now())
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
	if c.ExpectEvery != nil {
		p.ExpectEvery = *c.ExpectEvery
	}
	if len(c.Notes) > 0 {
		p.Notes = maps.Clone(p.Notes)
		if p.Notes == nil {
			p.Notes = map[string]string{}
		}
		for col, note := range c.Notes {
			if note = strings.TrimSpace(note); note == "" {
				delete(p.Notes, col)
			} else {
				p.Notes[col] = note
			}
		}
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

// propColumns are the columns scanProps reads, in its order.
const propColumns = `description, owner, restricted, pii_columns, column_notes, expect_every`

// scanProps reads one row of propColumns, after any leading columns.
func scanProps(scan func(...any) error, leading ...any) (Props, error) {
	var p Props
	var pii, notes string
	var every int64
	if err := scan(append(leading, &p.Description, &p.Owner, &p.Restricted, &pii, &notes, &every)...); err != nil {
		return Props{}, err
	}
	p.PII = splitColumns(pii)
	p.ExpectEvery = time.Duration(every) * time.Second
	if notes != "" {
		if err := json.Unmarshal([]byte(notes), &p.Notes); err != nil {
			return Props{}, err
		}
	}
	return p, nil
}

func propsIn(ctx context.Context, tx *sql.Tx, table string) (Props, error) {
	p, err := scanProps(tx.QueryRowContext(ctx, `SELECT `+propColumns+` FROM table_props WHERE table_name = $1`, table).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Props{}, nil
	}
	return p, err
}

// NoteLate records that the table is late with its newest data ending at
// asOf, and reports whether that is news: true for one caller, on one
// replica, per late spell, so the spell is announced once.
func (s *PropStore) NoteLate(ctx context.Context, table string, asOf time.Time) (bool, error) {
	key := asOf.UTC().Format(time.RFC3339)
	res, err := s.db.ExecContext(ctx, `UPDATE table_props SET late_noticed = $1 WHERE table_name = $2 AND late_noticed <> $1`, key, table)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
