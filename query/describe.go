package query

import (
	"context"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// Description is what a statement would return and read, learned without
// running it.
type Description struct {
	Columns []ResultColumn
	Tables  []string // the lake tables it reads, upstream included
	Params  []string // the $names it needs values for
}

// Describe checks req for p as Query would and reports its columns, the
// tables it reads and the parameters it takes, without running it: saving a
// dataset or a dashboard tile must not cost a scan of the lake. Values in
// req.Params are used only where a column's type depends on them.
func (e *Engine) Describe(ctx context.Context, p Principal, req Request) (*Description, error) {
	visible, err := e.Visible(ctx, p)
	if err != nil {
		return nil, err
	}
	sb, err := e.sandboxFor(newProfile(visible))
	if err != nil {
		return nil, err
	}
	defer e.releaseBox(sb)
	conn, err := sb.db.connect()
	if err != nil {
		return nil, err
	}
	defer duck.Disconnect(&conn)
	allowed, upstreamRead, err := defineUpstream(conn, req, sb.tables)
	if err != nil {
		return nil, err
	}
	read, err := guard(conn, req.SQL, allowed)
	if err != nil {
		return nil, err
	}
	ps, err := prepareSelect(conn, req.SQL)
	if err != nil {
		return nil, sqlError(req.SQL, err)
	}
	defer duck.DestroyPrepare(&ps)
	d := &Description{Tables: sb.lakeTables(append(read, upstreamRead...))}
	for i := 1; i <= int(duck.NParams(ps)); i++ {
		d.Params = append(d.Params, duck.ParameterName(ps, duck.IdxT(i)))
	}
	d.Columns = preparedColumns(conn, ps)
	if len(d.Params) > 0 && len(req.Params) > 0 {
		return d, describeBound(conn, req, d)
	}
	return d, nil
}

// describeBound learns the columns of a statement whose result types hang
// on its parameters' values (DuckDB knows them only once it binds), by
// running it with the values under LIMIT 0, which DuckDB answers without
// reading anything.
func describeBound(conn duck.Connection, req Request, d *Description) error {
	rows, err := execute(conn, Request{SQL: "SELECT * FROM (\n" + req.SQL + "\n) AS described LIMIT 0", Params: req.Params, LenientParams: true})
	if err != nil {
		return sqlError(req.SQL, err)
	}
	defer rows.Close()
	d.Columns = rows.Columns()
	return nil
}

// preparedColumns names and types the columns a prepared statement returns,
// typed as a result of it would be, or UNKNOWN where that depends on a
// parameter's value.
func preparedColumns(conn duck.Connection, ps duck.PreparedStatement) []ResultColumn {
	n := duck.PreparedStatementColumnCount(ps)
	names := make([]string, n)
	types := make([]duck.LogicalType, n)
	for i := range n {
		names[i] = duck.PreparedStatementColumnName(ps, i)
		types[i] = duck.PreparedStatementColumnLogicalType(ps, i)
	}
	defer func() {
		for i := range types {
			duck.DestroyLogicalType(&types[i])
		}
	}()
	var opts duck.ArrowOptions
	duck.ConnectionGetArrowOptions(conn, &opts)
	defer duck.DestroyArrowOptions(&opts)
	out := make([]ResultColumn, len(names))
	for i := range names {
		out[i] = ResultColumn{Name: names[i], Type: "UNKNOWN"}
		// A type that hangs on a parameter's value stays unknown until the
		// query runs, and has no Arrow type yet.
		schema, ed := duck.NewArrowSchema(opts, types[i:i+1], names[i:i+1])
		if errorData(ed) == nil {
			out[i].Type = TypeName(schema.Field(0).Type)
		}
	}
	return out
}
