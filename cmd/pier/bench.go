package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/benchmark"
	"github.com/pier-analytics/pier/demolake"
)

// bench measures Pier against DuckDB called directly on the same lake and
// prints a Markdown table for docs/benchmarks.md.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := newFlags("bench", &cfg)
	fs.StringVar(&cfg.LakeDir, "lake", "", "lake to measure on (default DATA/lake); written at --scale if missing")
	scale := fs.String("scale", "small", "small, medium or large, for a lake that has to be written")
	views := fs.Int("views", 0, "page views in a lake that has to be written (default: the scale's)")
	iterations := fs.Int("iterations", 5, "runs of each case; the median is reported")
	viewers := fs.Int("viewers", 100, "people opening a 12-tile dashboard at once; 0 skips that test")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, ok := demolake.Scales[*scale]
	if !ok {
		return usageError(fmt.Sprintf("--scale must be small, medium or large, not %q", *scale))
	}
	if *views > 0 {
		s.Views = *views
	}
	if *iterations < 1 {
		return usageError("--iterations must be at least 1")
	}
	data, err := os.MkdirTemp("", "pier-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)
	fmt.Fprintf(stdout, "Measuring on %s …\n", cfg.Lake())
	env, err := benchmark.NewEnv(ctx, cfg.Lake(), data, s)
	if err != nil {
		return err
	}
	defer env.Close()
	results, err := benchmark.Run(ctx, env, *iterations)
	if err != nil {
		return err
	}
	benchmark.Print(stdout, env.Rows, results)
	if *viewers <= 0 {
		return nil
	}
	board, err := env.NewBoard(ctx, *viewers)
	if err != nil {
		return err
	}
	r, err := env.RunBoard(ctx, board)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	benchmark.PrintBoard(stdout, r)
	return nil
}
