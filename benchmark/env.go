// Package benchmark measures Pier against its floor, DuckDB called directly
// on the same files: a `select 1` round trip, a daily-active-users
// aggregate, and full exports as Arrow and CSV. `pier bench` and the Go
// benchmarks in this package share these cases. It imports app, auth,
// demolake and store.
package benchmark

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/demolake"
)

// Env is a running Pier on loopback and a DuckDB over the same lake.
type Env struct {
	Lake   string
	Rows   int64 // rows in act_page_views
	app    *app.App
	srv    *httptest.Server
	token  string
	direct *sql.DB
	client *http.Client
	cfg    app.Config
	flight *flightsql.Client // Pier's Flight SQL endpoint on loopback
	stop   func()            // stops it
}

// NewEnv writes the lake at scale into lakeDir unless it is there, starts
// Pier on a fresh store in dataDir, and opens the direct DuckDB.
func NewEnv(ctx context.Context, lakeDir, dataDir string, scale demolake.Scale) (*Env, error) {
	if !demolake.Exists(lakeDir) {
		if err := demolake.Write(ctx, lakeDir, scale); err != nil {
			return nil, err
		}
	}
	cfg := app.Config{DataDir: dataDir, LakeDir: lakeDir, NoDemo: true, Out: io.Discard}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	// Enough idle connections that a hundred viewers at once reuse theirs,
	// as browsers keep theirs open.
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000}}
	e := &Env{Lake: lakeDir, app: a, srv: httptest.NewServer(a.Handler()), client: client, cfg: cfg}
	if err := e.setUp(ctx, cfg); err != nil {
		e.Close()
		return nil, err
	}
	if err := e.startFlight(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *Env) startFlight() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if e.stop, err = e.app.ServeFlight(ln); err != nil {
		return err
	}
	e.flight, err = flightsql.NewClient(ln.Addr().String(), nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	return err
}

func (e *Env) setUp(ctx context.Context, cfg app.Config) error {
	db, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	users := auth.NewStore(db)
	_, err = users.CreateUser(ctx, auth.NewUser{Email: "bench@pier.local", Name: "Bench", Tier: auth.TierAnalyze, Password: auth.RandomPassword()})
	if err != nil {
		return err
	}
	if e.token, err = users.CreateToken(ctx, "bench@pier.local", "bench"); err != nil {
		return err
	}
	if e.direct, err = openDirect(e.Lake); err != nil {
		return err
	}
	return e.direct.QueryRowContext(ctx, "SELECT count(*) FROM act_page_views").Scan(&e.Rows)
}

// openDirect is DuckDB as an analyst would use it by hand: the same files
// as views, default settings.
func openDirect(lake string) (*sql.DB, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	for _, table := range []string{"act_page_views", "act_orders"} {
		glob := filepath.Join(lake, table, "*", "*.parquet")
		_, err = db.Exec(fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_parquet('%s', hive_partitioning = true)", table, glob))
		if err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// Close stops Pier and the direct DuckDB.
func (e *Env) Close() {
	if e.flight != nil {
		e.flight.Close()
	}
	if e.stop != nil {
		e.stop()
	}
	if e.srv != nil {
		e.srv.Close()
	}
	if e.app != nil {
		e.app.Close()
	}
	if e.direct != nil {
		e.direct.Close()
	}
}

// post sends SQL to Pier's API and drains the answer, returning its size.
func (e *Env) post(ctx context.Context, sqlText, accept string) (int64, error) {
	return e.postTo(ctx, sqlText, accept, io.Discard)
}

// postTo sends SQL to Pier's API and copies the answer to w.
func (e *Env) postTo(ctx context.Context, sqlText, accept string, w io.Writer) (int64, error) {
	body := fmt.Sprintf(`{"sql":%q}`, sqlText)
	req, err := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/api/v1/query", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Accept", accept)
	res, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return 0, fmt.Errorf("pier answered %d: %s", res.StatusCode, b)
	}
	// 64 KiB reads, as curl's are; io.Discard alone would read 8 KiB at a time.
	return io.CopyBuffer(struct{ io.Writer }{w}, res.Body, make([]byte, 64<<10))
}
