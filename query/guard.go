package query

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// tableFunctions are the only table functions a user's SQL may call: they
// make rows from values and touch no file, setting or catalog.
var tableFunctions = map[string]bool{"range": true, "generate_series": true, "unnest": true}

// refTypes are the FROM-clause kinds a user's SQL may use besides base
// tables and table functions, which are checked one by one. A kind DuckDB
// adds later is refused until someone decides it is safe.
var refTypes = map[string]bool{"SUBQUERY": true, "JOIN": true, "EXPRESSION_LIST": true, "EMPTY": true, "PIVOT": true, "SHOW_REF": true}

// guard decides whether sql may run in a sandbox whose only relations are
// tables, before anything is bound or run. DuckDB's own sandbox keeps files
// outside the permitted tables closed; this keeps the rest: one statement,
// reading only (decided by DuckDB's parser, not by matching text), no table
// functions that open files or show the catalog (whose view definitions hold
// the PII key), and no relation but the profile's tables and the query's own
// CTEs, so a permitted table's raw files cannot be read around its view.
// It returns the lake tables the statement reads.
func guard(c duck.Connection, sql string, tables map[string]bool) ([]string, error) {
	if err := oneStatement(c, sql); err != nil {
		return nil, err
	}
	ast, err := serialize(c, sql)
	if err != nil {
		return nil, err
	}
	if ast == nil {
		return nil, notReadOnly(c, sql)
	}
	w := &walker{sql: sql, tables: tables, ctes: map[string]bool{}}
	w.collectCTEs(ast)
	w.walk(ast)
	if w.err != nil {
		return nil, w.err
	}
	return w.read, nil
}

func oneStatement(c duck.Connection, sql string) error {
	var st duck.ExtractedStatements
	n := duck.ExtractStatements(c, sql, &st)
	defer duck.DestroyExtracted(&st)
	if n == 0 {
		if msg := duck.ExtractStatementsError(st); msg != "" {
			return sqlError(sql, &duckError{msg: msg, typ: duck.ErrorTypeParser})
		}
		return pier.Errorf(pier.ESQL, "The query is empty. Write a SELECT statement.")
	}
	if n > 1 {
		return pier.Errorf(pier.ESQL, "This text holds %d statements; Pier runs one at a time. Remove the others, or run them one by one.", n)
	}
	return nil
}

// serialize returns the parsed statement, or nil if it is not a SELECT.
func serialize(c duck.Connection, sql string) (map[string]any, error) {
	out, err := queryString(c, "SELECT json_serialize_sql("+sqlString(sql)+")::VARCHAR")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Error      bool             `json:"error"`
		Statements []map[string]any `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("query: guard: %w", err)
	}
	if doc.Error || len(doc.Statements) != 1 {
		return nil, nil
	}
	return doc.Statements[0], nil
}

// notReadOnly explains a refused statement by the type DuckDB gives it.
func notReadOnly(c duck.Connection, sql string) error {
	var st duck.ExtractedStatements
	duck.ExtractStatements(c, sql, &st)
	defer duck.DestroyExtracted(&st)
	var ps duck.PreparedStatement
	defer duck.DestroyPrepare(&ps)
	kind := "This statement"
	if duck.PrepareExtractedStatement(c, st, 0, &ps) != duck.StateError {
		if name := statementNames[duck.PreparedStatementType(ps)]; name != "" {
			kind = name + " statements"
		}
	}
	return pier.Errorf(pier.ESQL, "%s cannot run here: Pier only runs queries that read lake tables (SELECT, WITH, FROM, DESCRIBE). It cannot write files, change tables or settings, attach databases or load extensions.", kind)
}

var statementNames = map[duck.StatementType]string{
	duck.StatementTypeInsert: "INSERT", duck.StatementTypeUpdate: "UPDATE", duck.StatementTypeDelete: "DELETE",
	duck.StatementTypeCreate: "CREATE", duck.StatementTypeAlter: "ALTER", duck.StatementTypeDrop: "DROP",
	duck.StatementTypeCopy: "COPY", duck.StatementTypeExport: "EXPORT", duck.StatementTypeAttach: "ATTACH",
	duck.StatementTypeDetach: "DETACH", duck.StatementTypeSet: "SET", duck.StatementTypeVariableSet: "SET",
	duck.StatementTypeLoad: "LOAD/INSTALL", duck.StatementTypePragma: "PRAGMA", duck.StatementTypeCall: "CALL",
	duck.StatementTypeTransaction: "Transaction", duck.StatementTypeExplain: "EXPLAIN", duck.StatementTypeExecute: "EXECUTE",
	duck.StatementTypePrepare: "PREPARE", duck.StatementTypeVacuum: "VACUUM", duck.StatementTypeAnalyze: "ANALYZE",
}

// queryString runs a statement of Pier's own and returns the first column
// of its first row as text.
func queryString(c duck.Connection, sql string) (string, error) {
	var res duck.Result
	if duck.Query(c, sql, &res) == duck.StateError {
		defer duck.DestroyResult(&res)
		return "", fmt.Errorf("query: %s", duck.ResultError(&res))
	}
	rows, err := newRows(res)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return "", fmt.Errorf("query: no result: %v", rows.Err())
	}
	col, ok := rows.RecordBatch().Column(0).(*array.String)
	if !ok || col.Len() == 0 {
		return "", fmt.Errorf("query: unexpected result type")
	}
	return strings.Clone(col.Value(0)), nil // Value aliases memory freed by Close
}

// walker checks a serialized statement tree.
type walker struct {
	sql    string
	tables map[string]bool
	ctes   map[string]bool
	read   []string
	err    error
}

func (w *walker) collectCTEs(node any) {
	eachObject(node, func(o map[string]any) {
		cm, _ := o["cte_map"].(map[string]any)
		list, _ := cm["map"].([]any)
		for _, e := range list {
			if kv, ok := e.(map[string]any); ok {
				if k, ok := kv["key"].(string); ok {
					w.ctes[strings.ToLower(k)] = true
				}
			}
		}
	})
}

func (w *walker) walk(node any) {
	eachObject(node, func(o map[string]any) {
		if w.err != nil || !isTableRef(o) {
			return
		}
		switch typ := o["type"].(string); typ {
		case "BASE_TABLE":
			w.baseTable(o)
		case "TABLE_FUNCTION":
			w.tableFunction(o)
		default:
			if !refTypes[typ] {
				w.fail(o, "This kind of FROM clause (%s) is not supported here. Read lake tables by name.", strings.ToLower(typ))
			}
		}
	})
}

// isTableRef tells FROM-clause items from query nodes and expressions:
// only they carry "sample" without "class", and query nodes end in _NODE.
func isTableRef(o map[string]any) bool {
	typ, ok := o["type"].(string)
	_, hasSample := o["sample"]
	_, hasClass := o["class"]
	return ok && hasSample && !hasClass && !strings.HasSuffix(typ, "_NODE")
}

func (w *walker) baseTable(o map[string]any) {
	name, _ := o["table_name"].(string)
	schema, _ := o["schema_name"].(string)
	catalog, _ := o["catalog_name"].(string)
	lower := strings.ToLower(name)
	if catalog != "" || (schema != "" && strings.ToLower(schema) != "main") {
		w.fail(o, "Refer to lake tables by their plain name (for example act_orders), without a schema or database.")
		return
	}
	// A CTE name exempts a reference only when it could not also name a
	// file: CTEs are scoped, and a reference outside the CTE's scope falls
	// through to DuckDB's replacement scan, which opens files by path.
	// Replacement scans need a file-like name (an extension or a path), so
	// plain names are safe whatever their scope.
	if w.ctes[lower] && schema == "" && !strings.ContainsAny(name, `./\:`) {
		return
	}
	if !w.tables[lower] {
		w.fail(o, "There is no table %q that you can read. The tables you can read are listed on the home page and at /api/v1/tables.", name)
		return
	}
	w.read = append(w.read, lower)
}

func (w *walker) tableFunction(o map[string]any) {
	fn, _ := o["function"].(map[string]any)
	name, _ := fn["function_name"].(string)
	schema, _ := fn["schema"].(string)
	if schema == "" && tableFunctions[strings.ToLower(name)] {
		return
	}
	w.fail(o, "The function %s cannot be used here: Pier reads only lake tables, by name. range, generate_series and unnest are available.", name)
}

func (w *walker) fail(o map[string]any, format string, args ...any) {
	e := pier.Errorf(pier.ESQL, format, args...)
	if loc, ok := o["query_location"].(float64); ok && loc >= 0 && loc < float64(len(w.sql)) {
		e.Line, e.Column = lineColumn(w.sql, int(loc))
	}
	w.err = e
}

// eachObject calls fn for every JSON object in node, depth first.
func eachObject(node any, fn func(map[string]any)) {
	switch v := node.(type) {
	case map[string]any:
		fn(v)
		for _, child := range v {
			eachObject(child, fn)
		}
	case []any:
		for _, child := range v {
			eachObject(child, fn)
		}
	}
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
