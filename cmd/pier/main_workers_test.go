package main

import (
	"testing"

	"github.com/pier-analytics/pier/demolake/demotest"
)

// TestMain lets this test binary act as the query workers it starts.
func TestMain(m *testing.M) { demotest.Main(m) }
