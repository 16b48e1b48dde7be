package query

import "errors"

// ReadError is the error of a query that had read lake tables before it
// failed: its text may quote their data (a value that failed a cast), so
// whoever keeps the error must keep what was read with it.
type ReadError struct {
	Err    error
	Tables []string
	RawPII bool
}

func (e *ReadError) Error() string { return e.Err.Error() }

func (e *ReadError) Unwrap() error { return e.Err }

// ReadOf returns what the query that failed with err had read.
func ReadOf(err error) (tables []string, rawPII bool) {
	var re *ReadError
	if errors.As(err, &re) {
		return re.Tables, re.RawPII
	}
	return nil, false
}
