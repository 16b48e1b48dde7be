package main

import (
	"os"
	"testing"

	"github.com/pier-analytics/pier/query/sandbox"
)

// TestMain lets this test binary act as the query workers it starts.
func TestMain(m *testing.M) {
	sandbox.RunIfWorker()
	os.Exit(m.Run())
}
