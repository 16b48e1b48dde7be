package sandbox

import (
	"errors"
	"regexp"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

// Upstream is a named query that a request's SQL may read by name.
type Upstream struct {
	Name string
	SQL  string
}

// UpstreamName is the form of an upstream name: a plain lower-case SQL
// identifier, so it can never be read as a file path.
var UpstreamName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// defineUpstream makes each upstream query a temporary relation of this
// connection, in order, after guarding it like any user SQL. A query
// without parameters becomes a view, read lazily by whatever reads it; one
// with parameters becomes a temporary table, because DuckDB views cannot
// hold parameters and Pier never pastes values into SQL. Temporary
// relations belong to the connection, which closes with the query, so
// nothing is left behind and no other query sees them. Each name is added
// to s with the lake tables its plan reads, and the tables all of them
// read are returned, on an error those read until then.
func (s *scope) defineUpstream(c duck.Connection, ups []Upstream) ([]string, error) {
	var read []string
	for _, u := range ups {
		if !UpstreamName.MatchString(u.Name) {
			return nil, pier.Errorf(pier.EInvalid, "%q cannot name a result: use lower-case letters, digits and _, starting with a letter.", u.Name)
		}
		if s.names(u.Name) {
			return nil, WithSource(pier.Errorf(pier.ESQL, "%s is also the name of a lake table or an earlier result; give this cell another name.", u.Name), u.Name)
		}
		got, err := s.guard(c, u.SQL)
		if err != nil {
			return read, WithSource(err, u.Name)
		}
		if err := defineOne(c, u, s.params); err != nil {
			return append(read, got...), WithSource(sqlError(u.SQL, err), u.Name)
		}
		read = append(read, got...)
		s.upstream[u.Name] = got
	}
	return read, nil
}

func defineOne(c duck.Connection, u Upstream, params map[string]any) error {
	// Prepared alone first, so that errors point into the cell's own text.
	ps, err := prepareSelect(c, u.SQL)
	if err != nil {
		return err
	}
	kind := "VIEW"
	if duck.NParams(ps) > 0 {
		kind = "TABLE"
	}
	duck.DestroyPrepare(&ps)
	ps, err = prepareOne(c, "CREATE TEMP "+kind+" "+SQLIdent(u.Name)+" AS "+u.SQL)
	if err != nil {
		return err
	}
	defer duck.DestroyPrepare(&ps)
	if err := bindParams(ps, params, false); err != nil {
		return err
	}
	var res duck.Result
	defer duck.DestroyResult(&res)
	if duck.ExecutePrepared(ps, &res) == duck.StateError {
		return &duckError{msg: duck.ResultError(&res), typ: duck.ResultErrorType(&res)}
	}
	return nil
}

// WithSource notes which upstream query a user-facing error is about.
func WithSource(err error, name string) error {
	var pe *pier.Error
	if errors.As(err, &pe) {
		cp := *pe
		cp.Source = name
		cp.Message = "In " + name + ": " + cp.Message
		return &cp
	}
	return err
}
