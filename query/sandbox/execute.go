package sandbox

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// execute prepares the one statement in sql, checks once more that DuckDB
// calls it a SELECT, binds the parameters and starts a streaming result.
func execute(c duck.Connection, sql string, params map[string]any, lenient bool) (*rows, error) {
	ps, err := prepareSelect(c, sql)
	if err != nil {
		return nil, err
	}
	defer duck.DestroyPrepare(&ps)
	if err := bindParams(ps, params, !lenient); err != nil {
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

// prepareSelect prepares sql, which must be one SELECT statement. The
// caller destroys the statement.
func prepareSelect(c duck.Connection, sql string) (duck.PreparedStatement, error) {
	ps, err := prepareOne(c, sql)
	if err != nil {
		return ps, err
	}
	if duck.PreparedStatementType(ps) != duck.StatementTypeSelect {
		duck.DestroyPrepare(&ps)
		return ps, pier.Errorf(pier.ESQL, "Pier only runs queries that read lake tables.")
	}
	return ps, nil
}

func prepareOne(c duck.Connection, sql string) (duck.PreparedStatement, error) {
	var st duck.ExtractedStatements
	var ps duck.PreparedStatement
	if n := duck.ExtractStatements(c, sql, &st); n != 1 {
		duck.DestroyExtracted(&st)
		return ps, pier.Errorf(pier.ESQL, "Pier runs one statement at a time.")
	}
	state := duck.PrepareExtractedStatement(c, st, 0, &ps)
	duck.DestroyExtracted(&st)
	if state == duck.StateError {
		err := &duckError{msg: duck.PrepareError(ps), typ: duck.ErrorTypeBinder}
		duck.DestroyPrepare(&ps)
		return ps, err
	}
	return ps, nil
}

// bindParams binds every parameter the statement uses. Strictly, a value
// the statement does not use is refused, since it is most likely a typo;
// notebooks pass all their inputs to every cell and bind leniently.
func bindParams(ps duck.PreparedStatement, params map[string]any, strict bool) error {
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
		if strict && !slices.Contains(used, name) {
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
	case []any:
		return bindList(ps, i, x)
	case []string:
		return bindList(ps, i, toAny(x))
	default:
		return fmt.Errorf("only strings, numbers, booleans, null and lists of strings can be parameters")
	}
	if state == duck.StateError {
		return fmt.Errorf("the value could not be bound")
	}
	return nil
}

// bindList binds a list of strings as VARCHAR[], for list inputs that SQL
// reads with list_contains($brands, brand_name) or unnest($brands).
func bindList(ps duck.PreparedStatement, i duck.IdxT, items []any) error {
	values := make([]duck.Value, 0, len(items))
	defer func() {
		for j := range values {
			duck.DestroyValue(&values[j])
		}
	}()
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return fmt.Errorf("a list parameter holds strings only")
		}
		values = append(values, duck.CreateVarchar(s))
	}
	lt := duck.CreateLogicalType(duck.TypeVarchar)
	defer duck.DestroyLogicalType(&lt)
	list := duck.CreateListValue(lt, values)
	defer duck.DestroyValue(&list)
	if duck.BindValue(ps, i, list) == duck.StateError {
		return fmt.Errorf("the list could not be bound")
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
