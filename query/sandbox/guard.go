package sandbox

import (
	"fmt"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// guard decides whether sql may run in a sandbox, before anything runs.
// DuckDB's own settings keep files outside the permitted tables closed and
// the configuration locked; they are defense in depth, not a sandbox. The
// guard keeps the rest, in two fences. First the parsed statement: one
// statement, reading only (decided by DuckDB's parser, not by matching
// text), no table function but range, generate_series and unnest, no
// relation but the profile's tables, upstream results and the query's own
// CTEs in their scope, and no function that reaches settings or Pier's own
// hash. Then the bound plan, which is what DuckDB will actually read: see
// checkPlan. It returns the lake tables the plan reads, which the query
// log, the PII audit and every kept result rely on, so a read cannot be
// hidden from them.
func (s *scope) guard(c duck.Connection, sql string) ([]string, error) {
	ast, err := serialize(c, sql)
	if err != nil {
		return nil, err
	}
	if ast == nil {
		// Not one SELECT: say why, in the parser's words where it has some.
		if err := oneStatement(c, sql); err != nil {
			return nil, err
		}
		return nil, notReadOnly(c, sql)
	}
	described, err := s.fence(sql, ast)
	if err != nil {
		return nil, err
	}
	read, err := s.checkPlan(c, sql, ast)
	return append(read, described...), err
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
		return pier.Errorf(pier.ESQL, "This text holds %d statements; Pier runs one at a time. Remove the others, or run them one by one. (A PIVOT without an IN list counts as two: name its values, as in PIVOT t ON c IN ('a', 'b').)", n)
	}
	return nil
}

// serialize returns the parsed statement, or nil if it is not a SELECT.
func serialize(c duck.Connection, sql string) (map[string]any, error) {
	out, err := queryString(c, "SELECT json_serialize_sql("+SQLString(sql)+")::VARCHAR")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Error      bool             `json:"error"`
		Statements []map[string]any `json:"statements"`
	}
	// Numbers stay exact: the tree may be written back for DuckDB to read
	// (see withValues), and its "no location" is the largest uint64.
	if err := decodeJSON([]byte(out), &doc); err != nil {
		return nil, fmt.Errorf("sandbox: guard: %w", err)
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
	defer duck.DestroyResult(&res)
	if duck.Query(c, sql, &res) == duck.StateError {
		return "", fmt.Errorf("sandbox: %s", duck.ResultError(&res))
	}
	if duck.ColumnType(&res, 0) != duck.TypeVarchar {
		return "", fmt.Errorf("sandbox: the result is not text")
	}
	chunk := duck.FetchChunk(res)
	if chunk.Ptr == nil {
		return "", fmt.Errorf("sandbox: no result: %s", duck.ResultError(&res))
	}
	defer duck.DestroyDataChunk(&chunk)
	vec := duck.DataChunkGetVector(chunk, 0)
	if duck.DataChunkGetSize(chunk) == 0 || !duck.ValidityRowIsValid(duck.VectorGetValidity(vec), 0) {
		return "", fmt.Errorf("sandbox: an empty result")
	}
	return string(stringAt(duck.VectorGetData(vec), 0)), nil // copied: the chunk is freed on return
}
