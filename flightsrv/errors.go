package flightsrv

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pier-analytics/pier"
)

// codeOf is the gRPC code for each of Pier's error codes, the Flight SQL
// counterpart of the HTTP statuses in API.md.
var codeOf = map[string]codes.Code{
	pier.EInvalid: codes.InvalidArgument, pier.ESQL: codes.InvalidArgument,
	pier.EUnauthorized: codes.Unauthenticated, pier.EForbidden: codes.PermissionDenied,
	pier.EPasswordChange: codes.PermissionDenied, pier.ENotFound: codes.NotFound,
	pier.EConflict: codes.Aborted, pier.ETooLarge: codes.ResourceExhausted, pier.ETooMany: codes.ResourceExhausted,
	pier.ETimeout: codes.DeadlineExceeded, pier.EUnavailable: codes.Unavailable,
}

// statusOf is err as the caller may read it: Pier's words for its own
// errors, with where in the SQL; a plain sentence for anything else.
func statusOf(err error) error {
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, "The call was cancelled.")
	}
	var pe *pier.Error
	if !errors.As(err, &pe) {
		return status.Error(codes.Internal, pier.ErrorMessage(err))
	}
	code, ok := codeOf[pe.Code]
	if !ok {
		code = codes.Internal
	}
	msg := pe.Message
	if pe.Line > 0 {
		msg = fmt.Sprintf("%s (line %d, column %d)", msg, pe.Line, pe.Column)
	}
	return status.Error(code, msg)
}

// failed logs an error that is Pier's fault before it is answered.
func (s *Server) failed(method string, err error) error {
	if pier.ErrorCode(err) == pier.EInternal && !errors.Is(err, context.Canceled) {
		s.cfg.Log.Error("flight sql: "+method, "err", err)
	}
	return statusOf(err)
}
