// Package demotest gives tests the tiny demo lake, written once per test
// binary and removed by Cleanup from TestMain.
package demotest

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/pier-analytics/pier/demolake"
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
func Main(m *testing.M) {
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}
