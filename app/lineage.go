package app

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/lineage"
	"github.com/pier-analytics/pier/search"
)

// lineageDepth is how far lineage is walked: DataHub's impact analysis
// shows three hops by default; five covers a dataset on a dataset on a
// notebook cell.
const lineageDepth = 5

// apiStep is one thing up or down the lineage of another.
type apiStep struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Depth  int    `json:"depth"`
	URL    string `json:"url"`
	Locked bool   `json:"locked,omitempty"`
}

var lineageKinds = []string{kindTable, kindDataset, kindDashboard, kindNotebook}

// lineageHandlers answer what a table, dataset, dashboard or notebook is
// built from and what is built on it, of what the caller may open.
type lineageHandlers struct {
	graph  func(context.Context) (*lineage.Graph, error)
	opener func(context.Context, *auth.User) (*opener, error)
}

func (a *App) lineages() *lineageHandlers {
	return &lineageHandlers{graph: a.lineageGraph, opener: a.search().opener}
}

// of walks what the node reads and what reads it, keeping only what
// who may see; the node itself must be visible to them, or it is not found.
func (h *lineageHandlers) of(ctx context.Context, who *auth.User, node lineage.Node) (up, down []apiStep, err error) {
	if !slices.Contains(lineageKinds, node.Kind) {
		return nil, nil, pier.Errorf(pier.EInvalid, "Lineage is kept for tables, datasets, dashboards and notebooks, not %q.", node.Kind)
	}
	may, err := h.opener(ctx, who)
	if err != nil {
		return nil, nil, err
	}
	if _, ok, err := may.open(ctx, search.Hit{Kind: node.Kind, ID: node.ID}); err != nil || !ok {
		return nil, nil, cmpErr(err, pier.Errorf(pier.ENotFound, "There is no %s %q that you can open.", node.Kind, node.ID))
	}
	return h.around(ctx, may, node)
}

// ofOpened is of for a page that has just opened the node for who, and
// so need not ask again.
func (h *lineageHandlers) ofOpened(ctx context.Context, who *auth.User, node lineage.Node) (up, down []apiStep, err error) {
	may, err := h.opener(ctx, who)
	if err != nil {
		return nil, nil, err
	}
	return h.around(ctx, may, node)
}

// lineageOfOpened is the lineage a page shows around what it opened.
func (a *App) lineageOfOpened(ctx context.Context, who *auth.User, node lineage.Node) (up, down []apiStep, err error) {
	return a.lineages().ofOpened(ctx, who, node)
}

func (h *lineageHandlers) around(ctx context.Context, may *opener, node lineage.Node) (up, down []apiStep, err error) {
	g, err := h.graph(ctx)
	if err != nil {
		return nil, nil, err
	}
	steps := func(list []lineage.Step) ([]apiStep, error) {
		out := []apiStep{}
		for _, s := range list {
			r, ok, err := may.open(ctx, search.Hit{Kind: s.Kind, ID: s.ID, Title: g.Title(s.Node)})
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, apiStep{Kind: s.Kind, ID: s.ID, Title: r.Title, Depth: s.Depth, URL: r.URL, Locked: r.Locked})
			}
		}
		return out, nil
	}
	if up, err = steps(g.Upstream(node, lineageDepth)); err != nil {
		return nil, nil, err
	}
	down, err = steps(g.Downstream(node, lineageDepth))
	return up, down, err
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// lineageFresh is how long a lineage graph is reused: pages that show
// lineage (every dashboard view) must not read every dashboard each time.
// A write on this replica drops it at once.
const lineageFresh = 15 * time.Second

// graphCache keeps the last lineage graph.
type graphCache struct {
	mu    sync.Mutex
	graph *lineage.Graph
	at    time.Time
}

func (g *graphCache) drop() {
	g.mu.Lock()
	g.graph = nil
	g.mu.Unlock()
}

// lineageGraph is the graph of what the services recorded, at most
// lineageFresh old.
func (a *App) lineageGraph(ctx context.Context) (*lineage.Graph, error) {
	a.lineage.mu.Lock()
	defer a.lineage.mu.Unlock()
	if a.lineage.graph != nil && time.Since(a.lineage.at) < lineageFresh {
		return a.lineage.graph, nil
	}
	g, err := a.readLineage(ctx)
	if err != nil {
		return nil, err
	}
	a.lineage.graph, a.lineage.at = g, time.Now()
	return g, nil
}

func (a *App) readLineage(ctx context.Context) (*lineage.Graph, error) {
	boards, err := a.dashboards.Lineage(ctx)
	if err != nil {
		return nil, err
	}
	books, err := a.nbs.Lineage(ctx)
	if err != nil {
		return nil, err
	}
	return lineage.New(boards, books), nil
}

func (h *lineageHandlers) api(c echo.Context) error {
	up, down, err := h.of(c.Request().Context(), currentUser(c), lineage.Node{Kind: c.QueryParam("kind"), ID: c.QueryParam("id")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"upstream": up, "downstream": down})
}

// lineageSteps are steps as a page lists them.
func lineageSteps(steps []apiStep) []views.LineageStep {
	out := make([]views.LineageStep, 0, len(steps))
	for _, s := range steps {
		out = append(out, views.LineageStep{Kind: s.Kind, Title: s.Title, URL: s.URL, Depth: s.Depth, Locked: s.Locked})
	}
	return out
}
