package flightsrv

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql/schema_ref"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// The lake is one schema, main, in no named catalog: statements name its
// tables plainly or as main.table, which is what the sandbox accepts.
const (
	lakeSchema = "main"
	tableType  = "TABLE"
)

func (s *Server) GetFlightInfoCatalogs(ctx context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.listing(ctx, desc, schema_ref.Catalogs)
}

// DoGetCatalogs lists no catalogs: the lake has none.
func (s *Server) DoGetCatalogs(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	if caller(ctx) == nil {
		return nil, nil, errSignIn
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema_ref.Catalogs)
	defer b.Release()
	return one(schema_ref.Catalogs, b.NewRecordBatch())
}

func (s *Server) GetFlightInfoSchemas(ctx context.Context, _ flightsql.GetDBSchemas, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.listing(ctx, desc, schema_ref.DBSchemas)
}

func (s *Server) DoGetDBSchemas(ctx context.Context, cmd flightsql.GetDBSchemas) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	if caller(ctx) == nil {
		return nil, nil, errSignIn
	}
	if err := checkPatterns(cmd.GetDBSchemaFilterPattern()); err != nil {
		return nil, nil, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema_ref.DBSchemas)
	defer b.Release()
	if inLake(cmd.GetCatalog(), cmd.GetDBSchemaFilterPattern()) {
		b.Field(0).AppendNull()
		b.Field(1).(*array.StringBuilder).Append(lakeSchema)
	}
	return one(schema_ref.DBSchemas, b.NewRecordBatch())
}

func (s *Server) GetFlightInfoTableTypes(ctx context.Context, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	return s.listing(ctx, desc, schema_ref.TableTypes)
}

func (s *Server) DoGetTableTypes(ctx context.Context) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	if caller(ctx) == nil {
		return nil, nil, errSignIn
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema_ref.TableTypes)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).Append(tableType)
	return one(schema_ref.TableTypes, b.NewRecordBatch())
}

func (s *Server) GetFlightInfoTables(ctx context.Context, cmd flightsql.GetTables, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if cmd.GetIncludeSchema() {
		return s.listing(ctx, desc, schema_ref.TablesWithIncludedSchema)
	}
	return s.listing(ctx, desc, schema_ref.Tables)
}

// DoGetTables lists the tables the caller may read, and with
// include_schema, each with the columns a statement of theirs would get
// (personal data they see hashed is text). Restricted tables they hold no
// grant for are not listed: unlike the web catalog, a driver has no way
// to show a locked table.
func (s *Server) DoGetTables(ctx context.Context, cmd flightsql.GetTables) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	u := caller(ctx)
	if u == nil {
		return nil, nil, errSignIn
	}
	if err := checkPatterns(cmd.GetDBSchemaFilterPattern(), cmd.GetTableNameFilterPattern()); err != nil {
		return nil, nil, err
	}
	out := schema_ref.Tables
	if cmd.GetIncludeSchema() {
		// A table's columns are learned by running a statement on it, so
		// they are for those who run statements.
		if _, err := s.runner(ctx); err != nil {
			return nil, nil, err
		}
		out = schema_ref.TablesWithIncludedSchema
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, out)
	defer b.Release()
	if !inLake(cmd.GetCatalog(), cmd.GetDBSchemaFilterPattern()) || len(cmd.GetTableTypes()) > 0 && !slices.Contains(cmd.GetTableTypes(), tableType) {
		return one(out, b.NewRecordBatch())
	}
	visible, err := s.cfg.Engine.Tables(ctx, u)
	if err != nil {
		return nil, nil, s.failed("tables", err)
	}
	name := likeMatcher(cmd.GetTableNameFilterPattern())
	for _, v := range visible {
		if !name(v.Name) {
			continue
		}
		b.Field(0).AppendNull()
		b.Field(1).(*array.StringBuilder).Append(lakeSchema)
		b.Field(2).(*array.StringBuilder).Append(v.Name)
		b.Field(3).(*array.StringBuilder).Append(tableType)
		if cmd.GetIncludeSchema() {
			sc, err := s.tableSchema(ctx, u, v)
			if err != nil {
				return nil, nil, err
			}
			b.Field(4).(*array.BinaryBuilder).Append(flight.SerializeSchema(sc, memory.DefaultAllocator))
		}
	}
	return one(out, b.NewRecordBatch())
}

// tableSchema is what `SELECT *` from the table gives the caller, learned
// from a statement that reads no rows.
func (s *Server) tableSchema(ctx context.Context, u *auth.User, v query.Visible) (*arrow.Schema, error) {
	rows, err := s.cfg.Engine.Query(ctx, u, query.Request{SQL: fmt.Sprintf(`SELECT * FROM "%s" LIMIT 0`, v.Name), Sample: true})
	if err != nil {
		return nil, s.failed("table schema", err)
	}
	defer rows.Close()
	return rows.Schema(), nil
}

// inLake reports whether a catalog and schema filter admit the lake's one
// schema.
func inLake(catalog, schemaPattern *string) bool {
	if catalog != nil && *catalog != "" {
		return false
	}
	return likeMatcher(schemaPattern)(lakeSchema)
}

// maxPattern bounds a filter pattern: table names are short, and a
// pattern is matched against every table.
const maxPattern = 256

var errLongPattern = status.Errorf(codes.InvalidArgument, "A name pattern is at most %d characters.", maxPattern)

// likeMatcher matches names against a Flight SQL filter pattern, which is
// SQL LIKE: % any run of characters, _ any one; none matches everything.
// It is matched without a regular expression, in time proportional to
// name × pattern.
func likeMatcher(pattern *string) func(string) bool {
	if pattern == nil || *pattern == "" {
		return func(string) bool { return true }
	}
	p := []rune(*pattern)
	return func(name string) bool { return like([]rune(name), p) }
}

// like is the classic wildcard match: on a mismatch after a %, the %
// takes one more character and the rest is tried again.
func like(s, p []rune) bool {
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '_' || p[pi] == s[si]) && p[pi] != '%':
			si, pi = si+1, pi+1
		case pi < len(p) && p[pi] == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// checkPatterns refuses patterns too long to be names.
func checkPatterns(patterns ...*string) error {
	for _, p := range patterns {
		if p != nil && len(*p) > maxPattern {
			return errLongPattern
		}
	}
	return nil
}

// listing is the FlightInfo of a catalog listing, fetched with the
// command itself as the ticket.
func (s *Server) listing(ctx context.Context, desc *flight.FlightDescriptor, schema *arrow.Schema) (*flight.FlightInfo, error) {
	if caller(ctx) == nil {
		return nil, errSignIn
	}
	return oneEndpoint(desc, desc.Cmd, schema), nil
}

// one streams a single batch.
func one(schema *arrow.Schema, rec arrow.RecordBatch) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	ch := make(chan flight.StreamChunk, 1)
	ch <- flight.StreamChunk{Data: rec}
	close(ch)
	return schema, ch, nil
}
