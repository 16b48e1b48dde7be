package flightsrv

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier/query"
)

// A prepared statement's handle is the statement and its bound values,
// not a key into server memory: any replica can run it, nothing is kept
// between calls, and a handle a client makes up is judged like any
// statement of theirs, since DoGet runs it as the caller.
type prepared struct {
	SQL    string         `json:"sql"`
	Params map[string]any `json:"params,omitempty"`
}

// maxHandle bounds a handle as the HTTP API bounds a body.
const maxHandle = 1 << 20

func (p prepared) handle() ([]byte, error) { return json.Marshal(p) }

func preparedOf(handle []byte) (prepared, error) {
	var p prepared
	if len(handle) > maxHandle {
		return p, status.Error(codes.InvalidArgument, "The prepared statement is larger than Pier accepts (1 MiB).")
	}
	dec := json.NewDecoder(bytes.NewReader(handle))
	dec.UseNumber() // numbers stay exact until DuckDB binds them
	if err := dec.Decode(&p); err != nil || strings.TrimSpace(p.SQL) == "" {
		return p, status.Error(codes.InvalidArgument, "This is not a prepared statement of Pier's; prepare it again.")
	}
	return p, nil
}

// CreatePreparedStatement checks that the caller may run SQL and answers
// the handle; the statement itself is judged when it runs.
func (s *Server) CreatePreparedStatement(ctx context.Context, req flightsql.ActionCreatePreparedStatementRequest) (flightsql.ActionCreatePreparedStatementResult, error) {
	var res flightsql.ActionCreatePreparedStatementResult
	if _, err := s.runner(ctx); err != nil {
		return res, err
	}
	if strings.TrimSpace(req.GetQuery()) == "" {
		return res, status.Error(codes.InvalidArgument, "Send a statement to prepare, for example: select * from act_orders where status = $1")
	}
	h, err := prepared{SQL: req.GetQuery()}.handle()
	if err != nil {
		return res, s.failed("prepare", err)
	}
	res.Handle = h
	return res, nil
}

// ClosePreparedStatement has nothing to free: the handle is all there is.
func (s *Server) ClosePreparedStatement(context.Context, flightsql.ActionClosePreparedStatementRequest) error {
	return nil
}

// DoPutPreparedStatementQuery binds one row of parameters, by position:
// the first column is $1 (or the first ?), the second $2, and answers the
// handle with the values in it.
func (s *Server) DoPutPreparedStatementQuery(ctx context.Context, cmd flightsql.PreparedStatementQuery, rd flight.MessageReader, _ flight.MetadataWriter) ([]byte, error) {
	if _, err := s.runner(ctx); err != nil {
		return nil, err
	}
	p, err := preparedOf(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, err
	}
	p.Params = map[string]any{}
	rows := 0
	for rd.Next() {
		rec := rd.RecordBatch()
		rows += int(rec.NumRows())
		if rows > 1 {
			return nil, status.Error(codes.InvalidArgument, "Bind one row of parameters at a time: Pier runs a statement once per execution.")
		}
		if rec.NumRows() == 0 {
			continue
		}
		for i, col := range rec.Columns() {
			v, err := paramValue(col)
			if err != nil {
				return nil, status.Errorf(codes.InvalidArgument, "Parameter %d: %s", i+1, err)
			}
			p.Params[strconv.Itoa(i+1)] = v
		}
	}
	if err := rd.Err(); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "The parameters could not be read: %v", err)
	}
	return p.handle()
}

// paramValue is the first value of a parameter column as the engine binds
// it.
func paramValue(col arrow.Array) (any, error) {
	if col.IsNull(0) {
		return nil, nil
	}
	switch c := col.(type) {
	case *array.Boolean:
		return c.Value(0), nil
	case *array.String:
		return c.Value(0), nil
	case *array.LargeString:
		return c.Value(0), nil
	case *array.Float32:
		return finite(float64(c.Value(0)))
	case *array.Float64:
		return finite(c.Value(0))
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64, *array.Uint8, *array.Uint16, *array.Uint32, *array.Uint64:
		return json.Number(col.ValueStr(0)), nil
	case *array.DenseUnion: // ADBC sends parameters of unknown type as a union
		id, off := c.ChildID(0), int64(c.ValueOffset(0))
		if id < 0 || id >= c.NumFields() || off < 0 || off >= int64(c.Field(id).Len()) {
			return nil, status.Error(codes.InvalidArgument, "the union holding it points outside itself")
		}
		one := array.NewSlice(c.Field(id), off, off+1)
		defer one.Release()
		return paramValue(one)
	}
	return nil, errUnsupported(col.DataType())
}

// finite refuses NaN and infinities, which JSON, and so a handle, cannot
// carry.
func finite(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, status.Error(codes.InvalidArgument, "NaN and infinity cannot be bound; use NULL")
	}
	return f, nil
}

func errUnsupported(t arrow.DataType) error {
	return status.Errorf(codes.InvalidArgument, "Pier binds text, numbers, booleans and null; not %s.", t)
}

func (s *Server) GetFlightInfoPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if _, err := s.runner(ctx); err != nil {
		return nil, err
	}
	if _, err := preparedOf(cmd.GetPreparedStatementHandle()); err != nil {
		return nil, err
	}
	return oneEndpoint(desc, desc.Cmd, nil), nil
}

// DoGetPreparedStatement runs the handle's statement with its values as
// the caller, like any statement.
func (s *Server) DoGetPreparedStatement(ctx context.Context, cmd flightsql.PreparedStatementQuery) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	u, err := s.runner(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := preparedOf(cmd.GetPreparedStatementHandle())
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.cfg.Engine.Query(ctx, u, query.Request{SQL: p.SQL, Params: p.Params})
	if err != nil {
		return nil, nil, s.failed("prepared statement", err)
	}
	return rows.Schema(), s.stream(ctx, rows), nil
}
