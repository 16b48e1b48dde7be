package sandbox

import (
	"errors"
	"fmt"

	duck "github.com/duckdb/duckdb-go-bindings"
)

// duckDB is one DuckDB instance opened through the C API.
type duckDB struct {
	db duck.Database
}

// openDuck opens an in-memory DuckDB with the given start-up options.
func openDuck(options map[string]string) (*duckDB, error) {
	var cfg duck.Config
	if duck.CreateConfig(&cfg) == duck.StateError {
		return nil, errors.New("sandbox: duckdb: cannot create config")
	}
	defer duck.DestroyConfig(&cfg)
	for k, v := range options {
		if duck.SetConfig(cfg, k, v) == duck.StateError {
			return nil, fmt.Errorf("sandbox: duckdb: cannot set %s", k)
		}
	}
	d := &duckDB{}
	var msg string
	if duck.OpenExt("", &d.db, cfg, &msg) == duck.StateError {
		return nil, fmt.Errorf("sandbox: duckdb: open: %s", msg)
	}
	return d, nil
}

func (d *duckDB) connect() (duck.Connection, error) {
	var c duck.Connection
	if duck.Connect(d.db, &c) == duck.StateError {
		return c, errors.New("sandbox: duckdb: cannot connect")
	}
	return c, nil
}

func (d *duckDB) close() { duck.Close(&d.db) }

func disconnect(c *duck.Connection) { duck.Disconnect(c) }

func execOn(c duck.Connection, stmt string) error {
	var res duck.Result
	defer duck.DestroyResult(&res)
	if duck.Query(c, stmt, &res) == duck.StateError {
		return fmt.Errorf("sandbox: duckdb: %s", duck.ResultError(&res))
	}
	return nil
}
