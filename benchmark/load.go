package benchmark

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

// perViewer is how many tiles one viewer fetches at once: a browser's six
// connections to one host.
const perViewer = 6

// Load is how one opening of the board by every viewer at once went.
type Load struct {
	Viewers  int
	Requests int
	Wall     time.Duration // from the first request to the last answer
	P50, P95 time.Duration // one viewer's whole dashboard
	Max      time.Duration
}

// OpenBoard has every viewer open the board at the same moment, fetching
// its tiles as the page does, and times each viewer's whole dashboard.
func (e *Env) OpenBoard(ctx context.Context, b *Board) (Load, error) {
	start := make(chan struct{})
	times := make([]time.Duration, len(b.viewers))
	errs := make([]error, len(b.viewers))
	var wg sync.WaitGroup
	for i, tok := range b.viewers {
		wg.Go(func() {
			<-start
			t0 := time.Now()
			errs[i] = e.openAs(ctx, b, tok)
			times[i] = time.Since(t0)
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	wall := time.Since(t0)
	for _, err := range errs {
		if err != nil {
			return Load{}, err
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	n := len(times)
	return Load{Viewers: n, Requests: n * len(b.Tiles), Wall: wall, P50: times[n/2], P95: times[(n*95)/100], Max: times[n-1]}, nil
}

func (e *Env) openAs(ctx context.Context, b *Board, token string) error {
	sem := make(chan struct{}, perViewer)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, tile := range b.Tiles {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := e.fetchTile(ctx, b.ID, tile, token); err != nil {
				mu.Lock()
				first = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return first
}

func (e *Env) fetchTile(ctx context.Context, board, tile, token string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/dashboards/"+board+"/tiles/"+tile+"/chart", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := e.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(res.Body)
		return fmt.Errorf("tile %s: %d %s", tile, res.StatusCode, body)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return err
}

// FloorBoard runs each tile's query once in DuckDB direct, one after
// another, draining the rows: what the dashboard costs the engine itself.
func (e *Env) FloorBoard(ctx context.Context, b *Board) (time.Duration, error) {
	t0 := time.Now()
	for _, q := range b.Floor {
		rows, err := e.direct.QueryContext(ctx, q)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, err
		}
	}
	return time.Since(t0), nil
}

// BoardResult is a cold and a warm opening of the board by every viewer,
// against DuckDB direct running the board's queries once.
type BoardResult struct {
	Cold, Warm Load
	Floor      time.Duration
}

// RunBoard opens the board with an empty result cache (cold) and again
// with the answers kept (warm).
func (e *Env) RunBoard(ctx context.Context, b *Board) (BoardResult, error) {
	var r BoardResult
	var err error
	if r.Floor, err = e.FloorBoard(ctx, b); err != nil {
		return r, fmt.Errorf("floor: %w", err)
	}
	e.app.Engine().DropCache()
	if r.Cold, err = e.OpenBoard(ctx, b); err != nil {
		return r, fmt.Errorf("cold: %w", err)
	}
	if r.Warm, err = e.OpenBoard(ctx, b); err != nil {
		return r, fmt.Errorf("warm: %w", err)
	}
	return r, nil
}

// PrintBoard writes the result as a Markdown table.
func PrintBoard(w io.Writer, r BoardResult) {
	fmt.Fprintf(w, "12-tile dashboard, %d viewers at once (%d tile requests), each viewer fetching %d tiles at a time\n\n", r.Cold.Viewers, r.Cold.Requests, perViewer)
	fmt.Fprintln(w, "| cache | all viewers done | one viewer p50 | p95 | slowest | DuckDB direct, the 12 queries once |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, l := range []struct {
		name string
		Load
	}{{"cold", r.Cold}, {"warm", r.Warm}} {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", l.name, round(l.Wall), round(l.P50), round(l.P95), round(l.Max), round(r.Floor))
	}
}
