package app

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/lineage"
	"github.com/pier-analytics/pier/query"
)

// dashboardHandlers serve dashboards in the API and on their pages. The
// service decides who may do what and plans each tile's query on behalf
// of the dashboard's owner; the engine runs that plan when every row is
// asked for (Arrow, CSV and downloads) rather than the cached JSON.
type dashboardHandlers struct {
	dashboards *dashboard.Service
	engine     *query.Engine
	catalog    *query.Catalog                                         // how fresh the tables a dashboard reads are
	late       func(context.Context) (map[string]*query.Table, error) // every late table
	log        *slog.Logger                                           // a view that fails to count is logged, not shown
	page       pageRenderer
	flash      flasher
	when       func(time.Time) string
	can        func(*auth.User) auth.Capabilities
	lineage    func(ctx context.Context, who *auth.User, opened lineage.Node) (up, down []apiStep, err error)
	result     func(c echo.Context, rows *query.Rows) error // as the Accept header asks
	stream     func(c echo.Context, rows *query.Rows, contentType string, write func(io.Writer, *query.Rows) error) error
}

func (a *App) boards() *dashboardHandlers {
	return &dashboardHandlers{dashboards: a.dashboards, engine: a.engine, catalog: a.catalog, late: a.lateNow, log: a.log,
		page: a.renderPage, flash: a, when: a.when, can: a.enforcer.Capabilities, lineage: a.lineageOfOpened,
		result: a.writeResult, stream: a.stream}
}

// apiDashboard is a dashboard as the API shows it.
type apiDashboard struct {
	ID               string             `json:"id"`
	Title            string             `json:"title"`
	Description      string             `json:"description"`
	Owner            string             `json:"owner"`
	Certified        bool               `json:"certified"`
	Version          int                `json:"version"`
	Tiles            []dashboard.Tile   `json:"tiles"`
	Filters          []dashboard.Filter `json:"filters"`
	Published        bool               `json:"published"`
	CertifiedBy      string             `json:"certified_by,omitempty"`
	Views            int64              `json:"views"`
	RefreshMinutes   int                `json:"refresh_minutes"`
	LastRefreshAt    *time.Time         `json:"last_refresh_at,omitempty"`
	LastRefreshError string             `json:"last_refresh_error,omitempty"`
	Tables           []string           `json:"tables"`
	Role             dashboard.Role     `json:"role"`
	UpdatedBy        string             `json:"updated_by"`
	CreatedAt        time.Time          `json:"created_at"`
	UpdatedAt        time.Time          `json:"updated_at"`
}

func toAPIDashboard(d *dashboard.Dashboard) apiDashboard {
	out := apiDashboard{ID: d.ID, Title: d.Title, Description: d.Description, Owner: d.Owner, Certified: d.Certified,
		Version: d.Version, Tiles: d.Doc.Tiles, Filters: d.Doc.Filters, Published: d.Published, CertifiedBy: d.CertifiedBy,
		Views: d.Views, RefreshMinutes: d.RefreshMinutes, Tables: d.Tables, Role: d.Role, UpdatedBy: d.UpdatedBy,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if out.Tiles == nil {
		out.Tiles = []dashboard.Tile{}
	}
	if !d.LastRefreshAt.IsZero() {
		out.LastRefreshAt, out.LastRefreshError = &d.LastRefreshAt, d.LastRefreshError
	}
	return out
}

func (h *dashboardHandlers) apiList(c echo.Context) error {
	list, err := h.dashboards.List(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"dashboards": list})
}

type dashboardBody struct {
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Version     int                `json:"version"`
	Tiles       []dashboard.Tile   `json:"tiles"`
	Filters     []dashboard.Filter `json:"filters"`
}

func (b dashboardBody) doc() dashboard.Doc {
	return dashboard.Doc{Tiles: b.Tiles, Filters: b.Filters}
}

func (h *dashboardHandlers) apiCreate(c echo.Context) error {
	var body dashboardBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	d, err := h.dashboards.Create(c.Request().Context(), currentUser(c), dashboard.New{Title: body.Title, Description: body.Description, Doc: body.doc()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIDashboard(d))
}

func (h *dashboardHandlers) apiGet(c echo.Context) error {
	d, err := h.dashboards.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIDashboard(d))
}

func (h *dashboardHandlers) apiSave(c echo.Context) error {
	var body dashboardBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Version < 1 {
		return pier.Errorf(pier.EInvalid, `Send the version you are saving over, as {"version": N, …}.`)
	}
	d, err := h.dashboards.Save(c.Request().Context(), currentUser(c), c.Param("id"), dashboard.Save{
		Version: body.Version, Title: body.Title, Description: body.Description, Doc: body.doc()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIDashboard(d))
}

type changeDashboardBody struct {
	Published      *bool `json:"published"`
	Certified      *bool `json:"certified"`
	RefreshMinutes *int  `json:"refresh_minutes"`
}

func (h *dashboardHandlers) apiChange(c echo.Context) error {
	var body changeDashboardBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	d, err := h.dashboards.Change(c.Request().Context(), currentUser(c), c.Param("id"), dashboard.Change{
		Published: body.Published, Certified: body.Certified, RefreshMinutes: body.RefreshMinutes})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIDashboard(d))
}

func (h *dashboardHandlers) apiDelete(c echo.Context) error {
	if err := h.dashboards.Archive(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *dashboardHandlers) apiDuplicate(c echo.Context) error {
	d, err := h.dashboards.Duplicate(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIDashboard(d))
}

func (h *dashboardHandlers) apiAddTile(c echo.Context) error {
	var t dashboard.Tile
	if err := decodeJSON(c, &t); err != nil {
		return err
	}
	d, err := h.dashboards.AddTile(c.Request().Context(), currentUser(c), c.Param("id"), t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIDashboard(d))
}

// apiPin pins (PUT) or unpins (DELETE) the dashboard to the
// caller's home page.
func (h *dashboardHandlers) apiPin(c echo.Context) error {
	pinned := c.Request().Method == http.MethodPut
	if err := h.dashboards.Pin(c.Request().Context(), currentUser(c), c.Param("id"), pinned); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"pinned": pinned})
}
