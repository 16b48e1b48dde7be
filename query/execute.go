package query

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// execute prepares the one statement in req.SQL, checks once more that
// DuckDB calls it a SELECT, binds the parameters and starts a streaming
// result.
func execute(c duck.Connection, req Request) (*Rows, error) {
	var st duck.ExtractedStatements
	if n := duck.ExtractStatements(c, req.SQL, &st); n != 1 {
		duck.DestroyExtracted(&st)
		return nil, pier.Errorf(pier.ESQL, "Pier runs one statement at a time.")
	}
	var ps duck.PreparedStatement
	state := duck.PrepareExtractedStatement(c, st, 0, &ps)
	duck.DestroyExtracted(&st)
	defer duck.DestroyPrepare(&ps)
	if state == duck.StateError {
		return nil, &duckError{msg: duck.PrepareError(ps), typ: duck.ErrorTypeBinder}
	}
	if duck.PreparedStatementType(ps) != duck.StatementTypeSelect {
		return nil, pier.Errorf(pier.ESQL, "Pier only runs queries that read lake tables.")
	}
	if err := bindParams(ps, req.Params); err != nil {
		return nil, err
	}
	var pending duck.PendingResult
	defer duck.DestroyPending(&pending)
	if duck.PendingPreparedStreaming(ps, &pending) == duck.StateError {
		return nil, &duckError{msg: duck.PendingError(pending), typ: duck.ErrorTypeBinder}
	}
	var res duck.Result
	if duck.ExecutePending(pending, &res) == duck.StateError {
		err := &duckError{msg: duck.ResultError(&res), typ: duck.ResultErrorType(&res)}
		duck.DestroyResult(&res)
		return nil, err
	}
	return newRows(res)
}

func bindParams(ps duck.PreparedStatement, params map[string]any) error {
	n := int(duck.NParams(ps))
	var used []string
	for i := 1; i <= n; i++ {
		name := duck.ParameterName(ps, duck.IdxT(i))
		v, ok := params[name]
		if !ok {
			return pier.Errorf(pier.ESQL, "The query uses the parameter $%s, but params gives it no value.", name)
		}
		if err := bindOne(ps, duck.IdxT(i), v); err != nil {
			return pier.Errorf(pier.EInvalid, "params.%s: %s", name, err)
		}
		used = append(used, name)
	}
	for name := range params {
		if !slices.Contains(used, name) {
			return pier.Errorf(pier.EInvalid, "params has %q, which the query does not use. Write $%s in the SQL or leave it out.", name, name)
		}
	}
	return nil
}

func bindOne(ps duck.PreparedStatement, i duck.IdxT, v any) error {
	var state duck.State
	switch x := v.(type) {
	case nil:
		state = duck.BindNull(ps, i)
	case bool:
		state = duck.BindBoolean(ps, i, x)
	case string:
		state = duck.BindVarchar(ps, i, x)
	case json.Number:
		if n, err := x.Int64(); err == nil {
			state = duck.BindInt64(ps, i, n)
		} else if f, err := x.Float64(); err == nil && !math.IsInf(f, 0) {
			state = duck.BindDouble(ps, i, f)
		} else {
			return fmt.Errorf("%s is not a number DuckDB can hold", x)
		}
	case float64:
		state = duck.BindDouble(ps, i, x)
	case int:
		state = duck.BindInt64(ps, i, int64(x))
	default:
		return fmt.Errorf("only strings, numbers, booleans and null can be parameters")
	}
	if state == duck.StateError {
		return fmt.Errorf("the value could not be bound")
	}
	return nil
}
