package main

import (
	"context"
	"io"

	"github.com/pier-analytics/pier"
)

// bench is filled in with the benchmarks of issue 2, part 9.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	return pier.Errorf(pier.EInvalid, "pier bench is not built yet (issue 2, part 9); use go test -bench for now")
}
