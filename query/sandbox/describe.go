package sandbox

import (
	"github.com/apache/arrow-go/v18/arrow"
	duck "github.com/duckdb/duckdb-go-bindings"
)

// describe reports the columns and parameters of sql, already guarded in
// s, without running it: saving a dataset or a dashboard tile must not cost
// a scan of the lake. Values in s.params are used only where a column's
// type depends on them.
func (s *scope) describe(c duck.Connection, sql string, h *Header) error {
	ps, err := prepareSelect(c, sql)
	if err != nil {
		return sqlError(sql, err)
	}
	defer duck.DestroyPrepare(&ps)
	for i := 1; i <= int(duck.NParams(ps)); i++ {
		h.Params = append(h.Params, duck.ParameterName(ps, duck.IdxT(i)))
	}
	h.Columns = preparedColumns(c, ps)
	if len(h.Params) > 0 && len(s.params) > 0 {
		return describeBound(c, sql, s.params, h)
	}
	return nil
}

// describeBound learns the columns of a statement whose result types hang
// on its parameters' values (DuckDB knows them only once it binds), by
// running it with the values under LIMIT 0, which DuckDB answers without
// reading anything.
func describeBound(c duck.Connection, sql string, params map[string]any, h *Header) error {
	rows, err := execute(c, "SELECT * FROM (\n"+sql+"\n) AS described LIMIT 0", params, true)
	if err != nil {
		return sqlError(sql, err)
	}
	defer rows.close()
	h.Columns = columnsOf(rows.schema)
	return nil
}

// columnsOf names and types the fields of a result's schema.
func columnsOf(schema *arrow.Schema) []Column {
	out := make([]Column, schema.NumFields())
	for i, f := range schema.Fields() {
		out[i] = Column{Name: f.Name, Type: TypeName(f.Type)}
	}
	return out
}

// preparedColumns names and types the columns a prepared statement returns,
// typed as a result of it would be, or UNKNOWN where that depends on a
// parameter's value.
func preparedColumns(conn duck.Connection, ps duck.PreparedStatement) []Column {
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
	out := make([]Column, len(names))
	for i := range names {
		out[i] = Column{Name: names[i], Type: "UNKNOWN"}
		// A type that hangs on a parameter's value stays unknown until the
		// query runs, and has no Arrow type yet.
		schema, ed := duck.NewArrowSchema(opts, types[i:i+1], names[i:i+1])
		if errorData(ed) == nil {
			out[i].Type = TypeName(schema.Field(0).Type)
		}
	}
	return out
}
