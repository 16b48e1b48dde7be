package notebook

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// Plan is a cell's run, ready for the engine.
type Plan struct {
	Notebook *Notebook
	Cell     Cell
	Request  query.Request
}

// PlanRun prepares the saved cell for a run by who: the earlier cells it
// reads, directly or through each other, become upstream queries, and the
// notebook's inputs (their defaults, overridden by values) become bound
// parameters. Only the owner and editors run cells, and only with their
// own access to the lake.
func (s *Service) PlanRun(ctx context.Context, who *auth.User, id, cellID string, values map[string]any) (*Plan, error) {
	n, err := s.editable(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if err := s.auth.Authorize(who, auth.ObjQuery, auth.ActRun); err != nil {
		return nil, err
	}
	cell, at, ok := n.Cell(cellID)
	if !ok {
		return nil, pier.Errorf(pier.ENotFound, "This notebook has no cell %q in its saved version. Save, then run.", cellID)
	}
	if cell.Kind != SQL {
		return nil, pier.Errorf(pier.EInvalid, "Only SQL cells run.")
	}
	if strings.TrimSpace(cell.Source) == "" {
		return nil, pier.Errorf(pier.EInvalid, "The cell %s is empty. Write a query first.", cell.Name)
	}
	params, err := bindInputs(n.Doc.Params, values)
	if err != nil {
		return nil, err
	}
	req := query.Request{SQL: cell.Source, Params: params, LenientParams: true, Upstream: upstream(n.Doc.Cells[:at], cell.Source)}
	if err := checkRanges(n.Doc.Params, params, req); err != nil {
		return nil, err
	}
	return &Plan{Notebook: n, Cell: cell, Request: req}, nil
}

// checkRanges refuses to run SQL that reads a date range with no dates,
// or one that ends before it starts: either would answer no rows, which
// reads as "nothing happened" rather than "pick the dates".
func checkRanges(params []Param, bound map[string]any, req query.Request) error {
	sources := []string{req.SQL}
	for _, u := range req.Upstream {
		sources = append(sources, u.SQL)
	}
	all := strings.Join(sources, "\n")
	for _, p := range params {
		if p.Type != "date_range" || !strings.Contains(all, "$"+p.Name+"_start") && !strings.Contains(all, "$"+p.Name+"_end") {
			continue
		}
		start, end := bound[p.Name+"_start"], bound[p.Name+"_end"]
		if start == nil || end == nil || start == "" || end == "" {
			return pier.Errorf(pier.EInvalid, "The date range %s has no dates, so the query would find nothing: pick its start and end under Inputs.", p.Name)
		}
		if fmt.Sprint(start) > fmt.Sprint(end) {
			return pier.Errorf(pier.EInvalid, "The date range %s starts (%v) after it ends (%v).", p.Name, start, end)
		}
	}
	return nil
}

// upstream returns the earlier SQL cells that src reads, directly or
// through each other, in notebook order.
func upstream(earlier []Cell, src string) []query.Upstream {
	need := map[string]bool{}
	words := identifiers(src)
	for i := len(earlier) - 1; i >= 0; i-- {
		c := earlier[i]
		if c.Kind != SQL || !words[c.Name] && !need[c.Name] {
			continue
		}
		need[c.Name] = true
		for w := range identifiers(c.Source) {
			need[w] = true
		}
	}
	var out []query.Upstream
	for _, c := range earlier {
		if c.Kind == SQL && need[c.Name] && strings.TrimSpace(c.Source) != "" {
			out = append(out, query.Upstream{Name: c.Name, SQL: c.Source})
		}
	}
	return out
}

// Downstream returns the ids of the later SQL cells that read cellID's
// result, directly or through each other: what "run downstream" runs
// after the cell itself.
func Downstream(d Doc, cellID string) []string {
	var names map[string]bool
	var out []string
	for _, c := range d.Cells {
		if c.ID == cellID {
			names = map[string]bool{c.Name: true}
			continue
		}
		if names == nil || c.Kind != SQL {
			continue
		}
		for w := range identifiers(c.Source) {
			if names[w] {
				names[c.Name] = true
				out = append(out, c.ID)
				break
			}
		}
	}
	return out
}

// identifiers returns the lower-cased words of SQL outside comments and
// string literals: a superset of the relations it names, which is enough
// to pick the upstream cells (an extra one is defined and never read).
func identifiers(src string) map[string]bool {
	out := map[string]bool{}
	word := strings.Builder{}
	flush := func() {
		if word.Len() > 0 {
			out[strings.ToLower(word.String())] = true
			word.Reset()
		}
	}
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch {
		case ch == '-' && strings.HasPrefix(src[i:], "--"):
			flush()
			i = skipTo(src, i, "\n")
		case ch == '/' && strings.HasPrefix(src[i:], "/*"):
			flush()
			i = skipTo(src, i+2, "*/") + 1
		case ch == '\'':
			flush()
			i = skipTo(src, i+1, "'")
		case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' && word.Len() > 0:
			word.WriteByte(ch)
		default:
			flush()
		}
	}
	flush()
	return out
}

func skipTo(s string, from int, end string) int {
	if j := strings.Index(s[from:], end); j >= 0 {
		return from + j
	}
	return len(s)
}

// bindInputs resolves the notebook's inputs to parameter values: the value
// sent for a run, else the input's default. A date range p becomes
// $p_start and $p_end.
func bindInputs(params []Param, values map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for name := range values {
		if !slices.ContainsFunc(params, func(p Param) bool { return p.Name == name }) {
			return nil, pier.Errorf(pier.EInvalid, "The notebook has no input named %q.", name)
		}
	}
	for _, p := range params {
		v, ok := values[p.Name]
		if !ok {
			v = p.Default
		}
		if err := bindInput(out, p, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func bindInput(out map[string]any, p Param, v any) error {
	bad := func(want string) error {
		return pier.Errorf(pier.EInvalid, "The input %s takes %s.", p.Name, want)
	}
	if v == nil {
		if p.Type == "date_range" {
			out[p.Name+"_start"], out[p.Name+"_end"] = nil, nil
		} else {
			out[p.Name] = nil
		}
		return nil
	}
	switch p.Type {
	case "text", "date":
		s, ok := v.(string)
		if !ok {
			return bad("text")
		}
		out[p.Name] = s
	case "number":
		n, err := number(v)
		if err != nil {
			return bad("a number")
		}
		out[p.Name] = n
	case "date_range":
		r, ok := v.([]any)
		if !ok || len(r) != 2 {
			return bad(`a start and an end date, as ["2026-11-01", "2026-11-30"]`)
		}
		out[p.Name+"_start"], out[p.Name+"_end"] = r[0], r[1]
	case "list":
		items, ok := v.([]any)
		if !ok {
			return bad(`a list of values, as ["a", "b"]`)
		}
		out[p.Name] = items
	}
	return nil
}

func number(v any) (json.Number, error) {
	switch x := v.(type) {
	case json.Number:
		return x, nil
	case float64:
		return json.Number(fmt.Sprint(x)), nil
	case string:
		n := json.Number(x)
		if _, err := n.Float64(); err != nil {
			return "", err
		}
		return n, nil
	}
	return "", fmt.Errorf("not a number")
}

// Outcome is what a run of a cell came to: its answer or the error that
// stopped it, and the lake tables it read (from the engine's bound plan).
type Outcome struct {
	Answer *query.JSONResult
	Error  *pier.Error
	Tables []string
	RawPII bool
}

// RecordRun keeps a cell's outcome as its last result.
func (s *Service) RecordRun(ctx context.Context, who *auth.User, p *Plan, o Outcome) error {
	if o.Answer == nil && o.Error == nil {
		return errNoRows
	}
	r := &Result{CellID: p.Cell.ID, Source: p.Cell.Source, Answer: o.Answer, Error: o.Error, Tables: o.Tables, RawPII: o.RawPII}
	if err := s.st.putResult(ctx, p.Notebook.ID, who.ID, r); err != nil {
		return err
	}
	return s.st.touchRun(ctx, p.Notebook.ID)
}
