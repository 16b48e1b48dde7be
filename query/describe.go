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
// dataset or a dashboard tile must not cost a scan of the lake.
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
	if d.Columns, err = preparedColumns(conn, ps); err != nil {
		return nil, sqlError(req.SQL, err)
	}
	return d, nil
}

// preparedColumns names and types the columns a prepared statement returns,
// typed as a result of it would be.
func preparedColumns(conn duck.Connection, ps duck.PreparedStatement) ([]ResultColumn, error) {
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
	schema, ed := duck.NewArrowSchema(opts, types, names)
	if err := errorData(ed); err != nil {
		return nil, err
	}
	out := make([]ResultColumn, len(names))
	for i, f := range schema.Fields() {
		out[i] = ResultColumn{Name: f.Name, Type: TypeName(f.Type)}
	}
	return out, nil
}
