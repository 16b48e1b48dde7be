// Package demotest gives tests the tiny demo lake, written once per test
// binary and removed by Main from TestMain, which also lets the test binary
// act as a query worker.
package demotest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/pier-analytics/pier/demolake"
	"github.com/pier-analytics/pier/query/sandbox"
)

var (
	once sync.Once
	dir  string
	err  error
)

// Lake returns the shared tiny lake; tests must not change it.
func Lake(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		if dir, err = os.MkdirTemp("", "pier-lake-"); err == nil {
			err = demolake.Write(context.Background(), dir, demolake.Tiny)
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Main runs the tests and removes the shared lake; call it from TestMain.
// A test binary that starts a query engine is also its query workers, so
// Main first serves as one when the binary was started as a worker.
func Main(m *testing.M) {
	sandbox.RunIfWorker()
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
