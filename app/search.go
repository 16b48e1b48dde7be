package app

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
	"github.com/pier-analytics/pier/search"
)

// searchHandlers serve search from the header: the index finds, and each
// hit is shown only if the service that owns it lets the caller open it.
type searchHandlers struct {
	index      *search.Index
	dashboards *dashboard.Service
	nbs        *notebook.Service
	tables     func(context.Context, *auth.User) ([]query.Visible, []query.Locked, error)
	can        func(*auth.User) auth.Capabilities
	page       pageRenderer
}

func (a *App) search() *searchHandlers {
	return &searchHandlers{index: a.index, dashboards: a.dashboards, nbs: a.nbs, tables: a.tablesOf,
		can: a.enforcer.Capabilities, page: a.renderPage}
}

// apiResult is one thing found, as API.md gives it.
type apiResult struct {
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	Title     string `json:"title"`
	Snippet   string `json:"snippet"`
	URL       string `json:"url"`
	Certified bool   `json:"certified,omitempty"`
	Locked    bool   `json:"locked,omitempty"` // a restricted table: found by name, opened by a request
}

const (
	searchResults = 30
	searchPage    = 100
	maxCandidates = 3000 // hits read for one page of results, at most
	maxQuery      = 200
)

// find returns what matches q among what who may open, best first.
func (h *searchHandlers) find(ctx context.Context, who *auth.User, q, kind string) ([]apiResult, error) {
	if kind != "" && !slices.Contains(searchKinds, kind) {
		return nil, pier.Errorf(pier.EInvalid, "There is nothing of the kind %q to search; the kinds are %s.", kind, strings.Join(searchKinds, ", "))
	}
	if len(q) > maxQuery {
		return nil, pier.Errorf(pier.EInvalid, "A search is at most %d characters.", maxQuery)
	}
	var kinds []string
	if kind != "" {
		kinds = []string{kind}
	}
	may, err := h.opener(ctx, who)
	if err != nil {
		return nil, err
	}
	// Others' documents the caller cannot open may come first; read on,
	// page by page, up to a bound, until a page of results is found.
	out := []apiResult{}
	for offset := 0; offset < maxCandidates && len(out) < searchResults; offset += searchPage {
		hits, err := h.index.Search(ctx, q, kinds, offset, searchPage)
		if err != nil {
			return nil, err
		}
		for _, hit := range hits {
			r, ok, err := may.open(ctx, hit)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if r.Snippet, err = h.index.Snippet(ctx, hit, q); err != nil {
				return nil, err
			}
			if out = append(out, r); len(out) == searchResults {
				break
			}
		}
		if len(hits) < searchPage {
			break
		}
	}
	return out, nil
}

func (h *searchHandlers) opener(ctx context.Context, who *auth.User) (*opener, error) {
	visible, locked, err := h.tables(ctx, who)
	return &opener{h: h, who: who, can: h.can(who), visible: visible, locked: locked}, err
}

// opener decides, hit by hit, whether the caller may open it, asking the
// service that owns it.
type opener struct {
	h       *searchHandlers
	who     *auth.User
	can     auth.Capabilities
	visible []query.Visible
	locked  []query.Locked
	metrics map[string]bool // the glossary entries the caller reads, once asked
}

func (o *opener) open(ctx context.Context, hit search.Hit) (apiResult, bool, error) {
	r := apiResult{Kind: hit.Kind, ID: hit.ID, Title: hit.Title, Certified: hit.Certified, URL: useHref(hit.Kind, hit.ID)}
	var err error
	switch hit.Kind {
	case kindDashboard:
		_, err = o.h.dashboards.Get(ctx, o.who, hit.ID)
	case kindNotebook:
		_, err = o.h.nbs.Get(ctx, o.who, hit.ID)
	case kindDataset:
		if !o.can.Explore {
			return r, false, nil
		}
		_, err = o.h.dashboards.Dataset(ctx, o.who, hit.ID)
	case kindAnswer:
		r.URL = "/tickets/" + hit.ID // the queue and its answers are open to everyone signed in
	case kindMetric:
		r.URL = "/glossary#metric-" + hit.ID
		ok, err := o.metricReadable(ctx, hit.ID)
		return r, ok, err
	case kindTable:
		r.URL = "/tables/" + hit.ID
		if !o.readable(hit.ID) {
			r.Locked = slices.ContainsFunc(o.locked, func(l query.Locked) bool { return l.Name == hit.ID })
			return r, r.Locked, nil
		}
	case kindColumn:
		table, col, _ := strings.Cut(hit.ID, ".")
		r.Title = hit.ID // the table's name and the column's
		r.URL = "/tables/" + table + "#column-" + col
		return r, o.readable(table), nil
	default:
		return r, false, nil
	}
	switch pier.ErrorCode(err) {
	case "":
		return r, true, nil
	case pier.ENotFound, pier.EForbidden:
		return r, false, nil
	}
	return r, false, err
}

// metricReadable asks the glossary once per search, not once per hit.
func (o *opener) metricReadable(ctx context.Context, id string) (bool, error) {
	if o.metrics == nil {
		all, err := o.h.dashboards.Glossary(ctx, o.who)
		if err != nil {
			return false, err
		}
		o.metrics = map[string]bool{}
		for _, m := range all {
			o.metrics[m.ID] = true
		}
	}
	return o.metrics[id], nil
}

func (o opener) readable(table string) bool {
	return slices.ContainsFunc(o.visible, func(v query.Visible) bool { return v.Name == table })
}

func (h *searchHandlers) api(c echo.Context) error {
	results, err := h.find(c.Request().Context(), currentUser(c), c.QueryParam("q"), c.QueryParam("kind"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"results": results})
}

// pageView is the results page the header's search box opens.
func (h *searchHandlers) pageView(c echo.Context) error {
	q, kind := c.QueryParam("q"), c.QueryParam("kind")
	p := views.SearchPage{Query: q, Kind: kind, Kinds: searchKinds}
	results, err := h.find(c.Request().Context(), currentUser(c), q, kind)
	status := http.StatusOK
	switch {
	case pier.ErrorCode(err) == pier.EInvalid:
		p.Problem, status = pier.ErrorMessage(err), http.StatusBadRequest
	case err != nil:
		return err
	}
	for _, r := range results {
		p.Results = append(p.Results, views.SearchResult{Kind: r.Kind, Title: r.Title, Snippet: r.Snippet, URL: r.URL,
			Certified: r.Certified, Locked: r.Locked})
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.Search(p, v) })
}
