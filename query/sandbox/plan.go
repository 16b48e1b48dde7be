package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// scope is what one request's SQL may name: the sandbox's tables and the
// upstream results defined for it, each with the lake tables it reads.
type scope struct {
	box      *box
	upstream map[string][]string
	params   map[string]any
}

func (s *scope) names(name string) bool {
	_, up := s.upstream[name]
	return s.box.tables[name] || up
}

// reads returns the lake tables that reading name reads.
func (s *scope) reads(name string) []string {
	if s.box.tables[name] {
		return []string{name}
	}
	return s.upstream[name]
}

// operators are the logical operators a plan may hold. They compute from
// their children and read nothing themselves, except the scans, which are
// checked one by one. An operator DuckDB adds later is refused until
// someone decides it is safe.
var operators = map[string]bool{
	"PROJECTION": true, "FILTER": true, "AGGREGATE_AND_GROUP_BY": true, "WINDOW": true, "UNNEST": true,
	"LIMIT": true, "ORDER_BY": true, "TOP_N": true, "DISTINCT": true, "SAMPLE": true, "PIVOT": true,
	"COMPARISON_JOIN": true, "ANY_JOIN": true, "CROSS_PRODUCT": true, "POSITIONAL_JOIN": true, "ASOF_JOIN": true,
	"DEPENDENT_JOIN": true, "DELIM_JOIN": true, "JOIN": true, "UNION": true, "EXCEPT": true, "INTERSECT": true,
	"RECURSIVE_CTE": true, "MATERIALIZED_CTE": true, "CTE_REF": true, "DELIM_GET": true,
	"EXPRESSION_GET": true, "DUMMY_SCAN": true, "EMPTY_RESULT": true,
	// DESCRIBE and SHOW: the column names and types of what they name,
	// worked out while binding.
	"CHUNK_GET": true,
	"GET":       true, // checked by scan
}

// valueScans make rows from values and read nothing.
var valueScans = map[string]bool{"range": true, "generate_series": true, "unnest": true}

// checkPlan judges the statement on its bound plan, as DuckDB will run it:
// CTEs resolved in their real scope, macros (such as pg_get_viewdef, which
// reads the catalog) expanded, views replaced by what they read. Every
// scan must be a lake table's view, an upstream result, or a function that
// makes rows from values; anything else, a system view, a catalog function
// or a file read around a view, is refused. The lake tables read are taken
// from the scans, so no way of writing the SQL can hide one.
func (s *scope) checkPlan(c duck.Connection, sql string, ast map[string]any) ([]string, error) {
	plan, err := s.bindPlan(c, sql, ast)
	if err != nil {
		return nil, err
	}
	pc := &planCheck{s: s, read: map[string]bool{}}
	pc.walk(plan)
	if pc.err != nil {
		return nil, pc.err
	}
	out := make([]string, 0, len(pc.read))
	for t := range pc.read {
		out = append(out, t)
	}
	return out, nil
}

// bindPlan serializes the statement's bound plan. DuckDB cannot serialize
// a plan in which a parameter's type is unknown (SELECT $p); then the plan
// is taken of the same statement with the parameters' values written in
// as literals, through DuckDB's own deserializer, since values cannot
// change what a statement reads. A statement that does not bind at all is
// left for the prepare step, which explains it with a line and a column.
func (s *scope) bindPlan(c duck.Connection, sql string, ast map[string]any) (any, error) {
	plan, failure, err := serializePlan(c, sql)
	if err != nil || failure == "" {
		return plan, err
	}
	if len(s.params) > 0 {
		if text, ok := withValues(c, ast, s.params); ok {
			if plan, _, err := serializePlan(c, text); err != nil || plan != nil {
				return plan, err
			}
		}
	}
	ps, err := prepareSelect(c, sql)
	if err != nil {
		return nil, sqlError(sql, err)
	}
	duck.DestroyPrepare(&ps)
	return nil, &unchecked{reason: failure}
}

// serializePlan returns the plan, or the reason DuckDB gave for not
// serializing it.
func serializePlan(c duck.Connection, sql string) (any, string, error) {
	out, err := queryString(c, "SELECT json_serialize_plan("+SQLString(sql)+")::VARCHAR")
	if err != nil {
		return nil, "", err
	}
	var doc struct {
		Error   bool   `json:"error"`
		Type    string `json:"error_type"`
		Message string `json:"error_message"`
		Plans   any    `json:"plans"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, "", fmt.Errorf("sandbox: plan: %w", err)
	}
	if doc.Error {
		return nil, doc.Type + ": " + doc.Message, nil
	}
	return doc.Plans, "", nil
}

// unchecked is a statement that binds but whose plan DuckDB cannot
// serialize, so the guard cannot judge it: it is refused, in words, and the
// reason is logged so that the case can be looked into.
type unchecked struct{ reason string }

func (u *unchecked) Error() string { return "sandbox: the plan could not be checked: " + u.reason }

func (u *unchecked) public() error {
	return pier.Errorf(pier.ESQL, "Pier could not check what this query reads, so it did not run it. Try writing it another way (for example without PIVOT or with fewer nested steps), or ask the data team.")
}

// planCheck walks a serialized plan.
type planCheck struct {
	s    *scope
	read map[string]bool
	err  error
}

func (p *planCheck) walk(node any) {
	if p.err != nil {
		return
	}
	switch v := node.(type) {
	case map[string]any:
		p.check(v)
		for _, child := range v {
			p.walk(child)
		}
	case []any:
		for _, child := range v {
			p.walk(child)
		}
	}
}

func (p *planCheck) check(o map[string]any) {
	if class, _ := o["expression_class"].(string); class == "BOUND_FUNCTION" {
		name, _ := o["name"].(string)
		if deniedFunctions[strings.ToLower(name)] {
			p.refuse("The query calls %s, which reaches past the lake's data.", name)
		}
		return
	}
	typ, _ := o["type"].(string)
	op, isOp := strings.CutPrefix(typ, "LOGICAL_")
	if !isOp || o["children"] == nil {
		return
	}
	switch {
	case !operators[op]:
		p.refuse("The query needs a %s step, which Pier does not run.", strings.ToLower(strings.ReplaceAll(op, "_", " ")))
	case op == "GET":
		p.scan(o)
	}
}

// scan admits a table function in the plan: a view's Parquet scan, an
// upstream result kept as a temporary table, or a value function.
func (p *planCheck) scan(o map[string]any) {
	name, _ := o["name"].(string)
	data, _ := o["function_data"].(map[string]any)
	switch {
	case valueScans[name]:
	case name == "read_parquet" || name == "parquet_scan":
		if t, ok := p.viewScan(data); ok {
			p.read[t] = true
			return
		}
		p.refuse("The query reads Parquet files directly. Read lake tables by name instead.")
	case name == "seq_scan":
		table, _ := data["table"].(string)
		catalog, _ := data["catalog"].(string)
		if read, ok := p.s.upstream[table]; ok && catalog == "temp" {
			for _, t := range read {
				p.read[t] = true
			}
			return
		}
		p.refuse("The query reads %s, which is not a lake table you can read.", table)
	case strings.HasPrefix(name, "duckdb_") || strings.HasPrefix(name, "pragma_"):
		p.refuse("The query reads DuckDB's catalog (%s), which Pier keeps closed. The tables you can read, with their columns, are listed on the home page and at /api/v1/tables.", name)
	default:
		p.refuse("The query reads %s, which Pier keeps closed. Read lake tables by name.", name)
	}
}

// viewScan finds the table whose view makes this Parquet scan: the same
// files, with the view's unseen file-name column and the hive partitioning
// it sets explicitly (a scan that DuckDB made up for a path would detect
// it instead).
func (p *planCheck) viewScan(data map[string]any) (string, bool) {
	raw, _ := data["files"].([]any)
	files := make([]string, len(raw))
	for i, f := range raw {
		files[i], _ = f.(string)
	}
	opts, _ := data["parquet_options"].(map[string]any)
	fileOpts, _ := opts["file_options"].(map[string]any)
	auto, _ := fileOpts["auto_detect_hive_partitioning"].(bool)
	marked, _ := fileOpts["filename"].(bool)
	column, _ := fileOpts["filename_column"].(string)
	if auto || !marked || column != p.s.box.marker {
		return "", false
	}
	t, ok := p.s.box.byFiles[filesKey(files)]
	return t, ok
}

func (p *planCheck) refuse(format string, args ...any) {
	if p.err == nil {
		p.err = pier.Errorf(pier.ESQL, format, args...)
	}
}

// withValues writes the statement again with each parameter replaced by
// its value as a literal, through DuckDB's own serializer.
func withValues(c duck.Connection, ast map[string]any, params map[string]any) (string, bool) {
	doc := map[string]any{"error": false, "statements": []any{substitute(ast, params)}}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", false
	}
	text, err := queryString(c, "SELECT json_deserialize_sql("+SQLString(string(b))+"::JSON)")
	return text, err == nil
}

func substitute(node any, params map[string]any) any {
	switch v := node.(type) {
	case map[string]any:
		if class, _ := v["class"].(string); class == "PARAMETER" {
			id, _ := v["identifier"].(string)
			return literal(params[id])
		}
		out := make(map[string]any, len(v))
		for k, child := range v {
			out[k] = substitute(child, params)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = substitute(child, params)
		}
		return out
	}
	return node
}

// literal is a parsed constant holding v, or a list of them.
func literal(v any) map[string]any {
	constant := func(typ string, value any) map[string]any {
		return map[string]any{"class": "CONSTANT", "type": "VALUE_CONSTANT", "alias": "", "query_location": 0,
			"value": map[string]any{"type": map[string]any{"id": typ, "type_info": nil}, "is_null": value == nil, "value": value}}
	}
	switch x := v.(type) {
	case bool:
		return constant("BOOLEAN", x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return constant("BIGINT", n)
		}
		f, _ := x.Float64()
		return constant("DOUBLE", f)
	case string:
		return constant("VARCHAR", x)
	case []any:
		items := make([]any, len(x))
		for i, it := range x {
			items[i] = literal(it)
		}
		return map[string]any{"class": "FUNCTION", "type": "FUNCTION", "alias": "", "query_location": 0,
			"function_name": "list_value", "schema": "", "catalog": "", "children": items, "filter": nil,
			"order_bys": map[string]any{"type": "ORDER_MODIFIER", "orders": []any{}},
			"distinct":  false, "is_operator": false, "export_state": false}
	}
	return constant("VARCHAR", nil)
}
