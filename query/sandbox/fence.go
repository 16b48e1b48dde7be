package sandbox

import (
	"encoding/json"
	"strings"

	"github.com/pier-analytics/pier"
)

// tableFunctions are the only table functions a user's SQL may call: they
// make rows from values and touch no file, setting or catalog.
var tableFunctions = map[string]bool{"range": true, "generate_series": true, "unnest": true}

// refTypes are the FROM-clause kinds a user's SQL may use besides base
// tables and table functions, which are checked one by one. A kind DuckDB
// adds later is refused until someone decides it is safe.
var refTypes = map[string]bool{"SUBQUERY": true, "JOIN": true, "EXPRESSION_LIST": true, "EMPTY": true, "PIVOT": true, "SHOW_REF": true}

// deniedFunctions reach past the data: settings (which name the lake's
// paths), variables, the binder of another statement, the log, sequences
// and the clock of the worker. Functions whose name starts with pier_ are
// Pier's own (the PII hash) and are denied too.
var deniedFunctions = map[string]bool{
	"current_setting": true, "getvariable": true, "json_serialize_plan": true,
	"write_log": true, "sleep_ms": true, "pg_sleep": true, "nextval": true, "currval": true,
}

// fence checks the parsed statement: what it names, in the scope where it
// names it. It returns the lake tables that DESCRIBE or SHOW name, which
// the plan does not show (DuckDB answers them while binding) but whose
// columns the answer shows.
func (s *scope) fence(sql string, ast map[string]any) ([]string, error) {
	w := &walker{sql: sql, s: s}
	w.walk(ast, nil, false)
	return w.described, w.err
}

// walker checks a serialized statement tree.
type walker struct {
	sql       string
	s         *scope
	err       error
	described []string
}

// ctes is the chain of CTE names visible at a point of the tree.
type ctes struct {
	names map[string]bool
	outer *ctes
}

func (c *ctes) has(name string) bool {
	for ; c != nil; c = c.outer {
		if c.names[name] {
			return true
		}
	}
	return false
}

// walk visits node depth first. A query node's CTEs are visible inside
// that node, their own bodies included (for recursive CTEs and those that
// read an earlier one), and nowhere else: a name that falls out of scope
// binds to whatever else carries it.
func (w *walker) walk(node any, scope *ctes, shown bool) {
	if w.err != nil {
		return
	}
	switch v := node.(type) {
	case map[string]any:
		if names := cteNames(v); len(names) > 0 {
			scope = &ctes{names: names, outer: scope}
		}
		w.check(v, scope, shown)
		shown = shown || v["type"] == "SHOW_REF"
		for _, child := range v {
			w.walk(child, scope, shown)
		}
	case []any:
		for _, child := range v {
			w.walk(child, scope, shown)
		}
	}
}

func cteNames(o map[string]any) map[string]bool {
	cm, _ := o["cte_map"].(map[string]any)
	list, _ := cm["map"].([]any)
	if len(list) == 0 {
		return nil
	}
	names := map[string]bool{}
	for _, e := range list {
		if kv, ok := e.(map[string]any); ok {
			if k, ok := kv["key"].(string); ok {
				names[asciiLower(k)] = true
			}
		}
	}
	return names
}

func (w *walker) check(o map[string]any, scope *ctes, shown bool) {
	if class, _ := o["class"].(string); class == "FUNCTION" {
		w.function(o)
		return
	}
	if !isTableRef(o) {
		return
	}
	switch typ := o["type"].(string); typ {
	case "BASE_TABLE":
		w.baseTable(o, scope, shown)
	case "TABLE_FUNCTION":
		w.tableFunction(o)
	default:
		if !refTypes[typ] {
			w.fail(o, "This kind of FROM clause (%s) is not supported here. Read lake tables by name.", strings.ToLower(typ))
		}
	}
}

// isTableRef tells FROM-clause items from query nodes and expressions:
// only they carry "sample" without "class", and query nodes end in _NODE.
func isTableRef(o map[string]any) bool {
	typ, ok := o["type"].(string)
	_, hasSample := o["sample"]
	_, hasClass := o["class"]
	return ok && hasSample && !hasClass && !strings.HasSuffix(typ, "_NODE")
}

func (w *walker) baseTable(o map[string]any, scope *ctes, shown bool) {
	name, _ := o["table_name"].(string)
	schema, _ := o["schema_name"].(string)
	catalog, _ := o["catalog_name"].(string)
	lower := asciiLower(name)
	if catalog != "" || (schema != "" && asciiLower(schema) != "main") {
		w.fail(o, "Refer to lake tables by their plain name (for example act_orders), without a schema or database.")
		return
	}
	// A CTE in scope binds before anything else, but a name that could
	// also name a file is never let through as one: if the scope were
	// judged wrongly, DuckDB's replacement scan would open it by path.
	if schema == "" && !strings.ContainsAny(name, `./\:`) && scope.has(lower) {
		return
	}
	if !w.s.names(lower) {
		w.fail(o, "There is no table %q that you can read. The tables you can read are listed on the home page and at /api/v1/tables.", name)
		return
	}
	if shown {
		w.described = append(w.described, w.s.reads(lower)...)
	}
}

func (w *walker) tableFunction(o map[string]any) {
	fn, _ := o["function"].(map[string]any)
	name, _ := fn["function_name"].(string)
	schema, _ := fn["schema"].(string)
	if schema == "" && tableFunctions[asciiLower(name)] {
		return
	}
	w.fail(o, "The function %s cannot be used here: Pier reads only lake tables, by name. range, generate_series and unnest are available.", name)
}

func (w *walker) function(o map[string]any) {
	name, _ := o["function_name"].(string)
	catalog, _ := o["catalog"].(string)
	lower := asciiLower(name)
	if deniedFunctions[lower] || strings.HasPrefix(lower, "pier_") || catalog != "" {
		w.fail(o, "The function %s cannot be used here: it reaches past the lake's data.", name)
	}
}

func (w *walker) fail(o map[string]any, format string, args ...any) {
	e := pier.Errorf(pier.ESQL, format, args...)
	n, _ := o["query_location"].(json.Number)
	if loc, err := n.Int64(); err == nil && loc >= 0 && loc < int64(len(w.sql)) {
		e.Line, e.Column = lineColumn(w.sql, int(loc))
	}
	w.err = e
}

// asciiLower folds case as DuckDB folds identifiers: ASCII letters only.
// (strings.ToLower would also fold, say, the Kelvin sign into k, and so
// judge a name to be one that DuckDB does not take it for.)
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lineColumn turns a byte offset into 1-based line and column (in runes).
func lineColumn(s string, offset int) (int, int) {
	line, col := 1, 1
	for _, r := range s[:offset] {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return line, col
}
