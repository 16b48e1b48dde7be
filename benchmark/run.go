package benchmark

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Result is one case's figures: medians over the iterations, and the
// largest resident memory seen while Pier ran it.
type Result struct {
	Case      string
	Pier      time.Duration
	DuckDB    time.Duration
	PeakRSSMB float64
}

// Run measures every case iterations times, alternating Pier and DuckDB so
// that neither gets a warmer machine, after one warm-up of each.
func Run(ctx context.Context, e *Env, iterations int) ([]Result, error) {
	var out []Result
	for _, c := range Cases {
		if err := warmUp(ctx, e, c); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		var pier, direct []time.Duration
		var peak int64
		for range iterations {
			d, p, err := timed(ctx, e, c.Pier)
			if err != nil {
				return nil, fmt.Errorf("%s through Pier: %w", c.Name, err)
			}
			pier, peak = append(pier, d), max(peak, p)
			d, _, err = timed(ctx, e, c.DuckDB)
			if err != nil {
				return nil, fmt.Errorf("%s through DuckDB: %w", c.Name, err)
			}
			direct = append(direct, d)
		}
		out = append(out, Result{Case: c.Name, Pier: median(pier), DuckDB: median(direct), PeakRSSMB: float64(peak) / 1024})
	}
	return out, nil
}

func warmUp(ctx context.Context, e *Env, c Case) error {
	if err := c.Pier(ctx, e); err != nil {
		return err
	}
	return c.DuckDB(ctx, e)
}

// timed runs fn and returns its duration and the peak resident set (KiB)
// sampled while it ran.
func timed(ctx context.Context, e *Env, fn func(context.Context, *Env) error) (time.Duration, int64, error) {
	stop := make(chan struct{})
	peakc := make(chan int64, 1)
	go sampleRSS(stop, peakc)
	start := time.Now()
	err := fn(ctx, e)
	d := time.Since(start)
	close(stop)
	return d, <-peakc, err
}

func sampleRSS(stop <-chan struct{}, out chan<- int64) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	peak := rssKiB()
	for {
		select {
		case <-stop:
			out <- max(peak, rssKiB())
			return
		case <-tick.C:
			peak = max(peak, rssKiB())
		}
	}
}

// rssKiB is the resident memory of this process and its children (the
// query workers), since a query's memory is now mostly theirs.
func rssKiB() int64 {
	total := statusRSS("/proc/self/status")
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		b, _ := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		for _, pid := range strings.Fields(string(b)) {
			total += statusRSS("/proc/" + pid + "/status")
		}
	}
	return total
}

func statusRSS(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// Print writes the results as a Markdown table with the ratio to DuckDB.
func Print(w io.Writer, rows int64, results []Result) {
	fmt.Fprintf(w, "act_page_views: %d rows\n\n", rows)
	fmt.Fprintln(w, "| case | Pier (HTTP) | DuckDB direct | Pier ÷ DuckDB | Pier − DuckDB | peak RSS, server and workers |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %s | %s | %.2f | %s | %.0f MB |\n", r.Case, round(r.Pier), round(r.DuckDB),
			float64(r.Pier)/float64(r.DuckDB), round(r.Pier-r.DuckDB), r.PeakRSSMB)
	}
}

func round(d time.Duration) string {
	switch {
	case d < time.Millisecond && d > -time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second && d > -time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}
