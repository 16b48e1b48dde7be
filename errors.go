// Package pier holds what every Pier package shares: the error type that
// carries a code apart from a message safe to show a person. It imports no
// other Pier package.
package pier

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in app and one exit status in cmd.
const (
	EInvalid      = "invalid"      // bad input: 400
	ESQL          = "sql_error"    // the user's SQL is wrong or not allowed: 400
	EUnauthorized = "unauthorized" // not signed in: 401
	EForbidden    = "forbidden"    // signed in, not allowed: 403
	// EPasswordChange: signed in with a one-time password, which must be
	// replaced before anything else: 403.
	EPasswordChange = "password_change_required"
	ENotFound       = "not_found"   // missing or not visible to the caller: 404
	EConflict       = "conflict"    // stale version or duplicate: 409
	ETooLarge       = "too_large"   // 413
	ETooMany        = "too_many"    // throttled or over a concurrency share: 429
	ETimeout        = "timeout"     // a query ran past its deadline: 504
	EUnavailable    = "unavailable" // stopped because the server is shutting down: 503
	EInternal       = "internal"    // a fault of Pier's, never shown in detail
)

// Error is an error whose Message is written for the person who caused it.
// Line and Column point into SQL where they apply (1-based, 0 when unknown).
// Source names the SQL they point into when a request holds several (a
// notebook cell and the earlier cells it reads); empty means the request's
// own SQL.
type Error struct {
	Code    string
	Message string
	Line    int
	Column  int
	Source  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic sentence that reveals nothing of an internal fault.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again; if it keeps happening, tell the data team."
}
