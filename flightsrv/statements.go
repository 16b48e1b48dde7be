package flightsrv

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// runner is the caller, if their tier runs SQL.
func (s *Server) runner(ctx context.Context) (*auth.User, error) {
	u := caller(ctx)
	if u == nil {
		return nil, errSignIn
	}
	if !s.cfg.Accounts.Can(u).Query {
		return nil, status.Errorf(codes.PermissionDenied, "Your tier (%s) reads dashboards but does not run SQL; Flight SQL is for the analyze tier and up. Ask an admin if you need it.", u.Tier)
	}
	return u, nil
}

// GetFlightInfoStatement answers where to fetch a statement's rows: a
// ticket that holds the statement itself. Nothing runs until DoGet, which
// judges the statement afresh for whoever presents the ticket.
func (s *Server) GetFlightInfoStatement(ctx context.Context, cmd flightsql.StatementQuery, desc *flight.FlightDescriptor) (*flight.FlightInfo, error) {
	if _, err := s.runner(ctx); err != nil {
		return nil, err
	}
	if strings.TrimSpace(cmd.GetQuery()) == "" {
		return nil, status.Error(codes.InvalidArgument, "Send a statement to run, for example: select count(*) from act_orders")
	}
	ticket, err := flightsql.CreateStatementQueryTicket([]byte(cmd.GetQuery()))
	if err != nil {
		return nil, s.failed("ticket", err)
	}
	return oneEndpoint(desc, ticket, nil), nil
}

// DoGetStatement runs the ticket's statement as the caller and streams its
// rows batch by batch as the engine produces them.
func (s *Server) DoGetStatement(ctx context.Context, t flightsql.StatementQueryTicket) (*arrow.Schema, <-chan flight.StreamChunk, error) {
	u, err := s.runner(ctx)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.cfg.Engine.Query(ctx, u, query.Request{SQL: string(t.GetStatementHandle())})
	if err != nil {
		return nil, nil, s.failed("statement", err)
	}
	return rows.Schema(), s.stream(ctx, rows), nil
}

// stream sends each batch once the client has taken the one before (the
// channel is unbuffered), so memory does not grow with the row count. A
// client that goes away ends ctx, and closing the rows stops the query.
func (s *Server) stream(ctx context.Context, rows *query.Rows) <-chan flight.StreamChunk {
	out := make(chan flight.StreamChunk)
	go func() {
		defer close(out)
		defer rows.Close()
		for rows.Next() {
			rec := rows.RecordBatch()
			rec.Retain() // the server releases each batch once written
			select {
			case out <- flight.StreamChunk{Data: rec}:
			case <-ctx.Done():
				rec.Release()
				return
			case <-rows.Expired():
				rec.Release()
				rows.Close() // gives the query's slot back while the client dawdles
				s.tell(ctx, out, status.Error(codes.DeadlineExceeded, "The query ran past its deadline while its rows waited to be read; the stream is cut short."))
				return
			}
		}
		if err := rows.Err(); err != nil {
			s.tell(ctx, out, s.failed("stream", err))
		}
	}()
	return out
}

// tell ends a stream with err, so that a stream cut short never reads as
// whole, unless the client has gone.
func (s *Server) tell(ctx context.Context, out chan<- flight.StreamChunk, err error) {
	select {
	case out <- flight.StreamChunk{Err: err}:
	case <-ctx.Done():
	}
}

// oneEndpoint is a FlightInfo whose data is fetched with ticket from this
// server.
func oneEndpoint(desc *flight.FlightDescriptor, ticket []byte, schema *arrow.Schema) *flight.FlightInfo {
	info := &flight.FlightInfo{FlightDescriptor: desc, TotalRecords: -1, TotalBytes: -1,
		Endpoint: []*flight.FlightEndpoint{{Ticket: &flight.Ticket{Ticket: ticket}}}}
	if schema != nil {
		info.Schema = flight.SerializeSchema(schema, memory.DefaultAllocator)
	}
	return info
}
