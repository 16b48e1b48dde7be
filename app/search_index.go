package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/search"
)

// Search kinds, as the API names them.
const (
	kindDashboard = "dashboard"
	kindNotebook  = "notebook"
	kindDataset   = "dataset"
	kindTable     = "table"
	kindColumn    = "column"
	kindAnswer    = "answer"
	kindMetric    = "metric"
)

var searchKinds = []string{kindDashboard, kindMetric, kindNotebook, kindDataset, kindTable, kindColumn, kindAnswer}

// reindexEvery is how stale search may be: the index is brought up to date
// from the services' own tables this often, on every replica (a sync that
// finds nothing changed writes nothing).
const reindexEvery = 30 * time.Second

// reindexGap is the least time between syncs a write asks for.
const reindexGap = 2 * time.Second

// keepIndexed syncs the index when the server starts, every reindexEvery,
// and soon after a write on this replica, so what someone just saved is
// found at once.
func (a *App) keepIndexed(ctx context.Context) {
	tick := time.NewTicker(reindexEvery)
	defer tick.Stop()
	for {
		if err := a.reindex(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("search index sync failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-a.reindexNow:
			// Writes come in bursts: let the burst end, and keep syncs
			// at least this far apart.
			select {
			case <-ctx.Done():
				return
			case <-time.After(reindexGap):
			}
		case <-tick.C:
		}
	}
}

// changesCatalog says whether a request to the route may change what is
// searched or what reads what: not a query, a sign-in or a notice read.
func changesCatalog(route string) bool {
	for _, quiet := range []string{"/api/v1/query", "/login", "/logout", "/api/v1/markdown", "/api/v1/notifications", "/notifications",
		"/settings/account", "/api/v1/me"} {
		if strings.HasPrefix(route, quiet) {
			return false
		}
	}
	return !strings.HasSuffix(route, "/read") && !strings.Contains(route, "/tiles/:tile/")
}

// nudgeIndex asks for a search index sync, and drops the lineage graph,
// after every request that may have changed something; many writes in a
// row ask once.
func (a *App) nudgeIndex(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead && err == nil && c.Response().Status < 400 && changesCatalog(c.Path()) {
			a.lineage.drop()
			select {
			case a.reindexNow <- struct{}{}:
			default:
			}
		}
		return err
	}
}

// reindex brings the search index up to date with every kind of object.
func (a *App) reindex(ctx context.Context) error {
	boards, sets, err := a.dashboards.SearchDocs(ctx)
	if err != nil {
		return err
	}
	books, err := a.nbs.SearchDocs(ctx)
	if err != nil {
		return err
	}
	answers, err := a.tickets.SearchDocs(ctx)
	if err != nil {
		return err
	}
	tables, columns, err := a.tableDocs(ctx)
	if err != nil {
		return err
	}
	metrics, err := a.dashboards.MetricDocs(ctx)
	if err != nil {
		return err
	}
	for kind, docs := range map[string][]search.Doc{kindDashboard: boards, kindDataset: sets, kindNotebook: books,
		kindAnswer: answers, kindTable: tables, kindColumn: columns, kindMetric: metrics} {
		if err := a.index.Sync(ctx, kind, docs); err != nil {
			return err
		}
	}
	return nil
}

// tableDocs are the lake's tables (name, description, owner: what a locked
// table shows too) and their columns (name, type, description), each its
// own document, so a column never makes its table show to someone it is
// locked to.
func (a *App) tableDocs(ctx context.Context) (tables, columns []search.Doc, err error) {
	props, err := a.props.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range a.catalog.Tables() {
		p := props[t.Name]
		tables = append(tables, search.Doc{ID: t.Name, Title: t.Name, Body: p.Description + "\n" + p.Owner})
		for _, c := range t.Columns {
			// Titled by the column alone, so a search for the table's name
			// lists the table before each of its columns.
			columns = append(columns, search.Doc{ID: t.Name + "." + c.Name, Title: c.Name,
				Body: strings.Join([]string{t.Name, p.Notes[c.Name], c.Type}, "\n")})
		}
	}
	return tables, columns, nil
}
