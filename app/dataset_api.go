package app

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
)

// datasetHandlers serve datasets and the explorer that reads them; the
// dashboard service decides who may explore, save and certify. A dataset
// saved from a notebook cell takes the cell's query as the notebook
// service plans it, so it reads what the cell reads.
type datasetHandlers struct {
	dashboards *dashboard.Service
	planCell   func(ctx context.Context, who *auth.User, nb, cell string, values map[string]any) (*notebook.Plan, error)
	page       pageRenderer
}

func (a *App) datasets() *datasetHandlers {
	return &datasetHandlers{dashboards: a.dashboards, planCell: a.nbs.PlanRun, page: a.renderPage}
}

// apiDataset is a dataset as the API shows it: API.md's fields first.
type apiDataset struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Owner       string             `json:"owner"`
	Certified   bool               `json:"certified"`
	TimeColumn  string             `json:"time_column"`
	Columns     []dashboard.Column `json:"columns"`
	CertifiedBy string             `json:"certified_by,omitempty"`
	SQL         string             `json:"sql"`
	Tables      []string           `json:"tables"`
	BuiltOn     []dashboard.Basis  `json:"built_on"`
	CreatedAt   time.Time          `json:"created_at"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

func toAPIDataset(ds *dashboard.Dataset) apiDataset {
	return apiDataset{ID: ds.ID, Name: ds.Name, Description: ds.Description, Owner: ds.Owner, Certified: ds.Certified,
		TimeColumn: ds.TimeColumn, Columns: ds.Columns, CertifiedBy: ds.CertifiedBy, SQL: ds.SQL, Tables: ds.Tables,
		BuiltOn: append([]dashboard.Basis{}, ds.Bases...), CreatedAt: ds.CreatedAt, UpdatedAt: ds.UpdatedAt}
}

func (h *datasetHandlers) apiList(c echo.Context) error {
	list, err := h.dashboards.Datasets(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	out := make([]apiDataset, len(list))
	for i, ds := range list {
		out[i] = toAPIDataset(ds)
	}
	return c.JSON(http.StatusOK, map[string]any{"datasets": out})
}

type createDatasetBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	SQL         string `json:"sql"`
	TimeColumn  string `json:"time_column"`
	// On are datasets the SQL reads, each by its name in lower case with
	// words joined by _.
	On []string `json:"on"`
}

func (h *datasetHandlers) apiCreate(c echo.Context) error {
	var body createDatasetBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	return h.create(c, dashboard.NewDataset{Name: body.Name, Description: body.Description, SQL: body.SQL, TimeColumn: body.TimeColumn, On: body.On})
}

func (h *datasetHandlers) create(c echo.Context, in dashboard.NewDataset) error {
	ds, err := h.dashboards.CreateDataset(c.Request().Context(), currentUser(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPIDataset(ds))
}

type cellDatasetBody struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	TimeColumn  string `json:"time_column"`
}

// apiFromCell saves a notebook cell's query as a dataset, with the
// earlier cells it reads.
func (h *datasetHandlers) apiFromCell(c echo.Context) error {
	var body cellDatasetBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	plan, err := h.planCell(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("cell"), nil)
	if err != nil {
		return err
	}
	return h.create(c, dashboard.NewDataset{Name: body.Name, Description: body.Description,
		SQL: plan.Request.SQL, Upstream: plan.Request.Upstream, TimeColumn: body.TimeColumn,
		From: &dashboard.Basis{Kind: "notebook", ID: c.Param("id"), Cell: c.Param("cell")}})
}

func (h *datasetHandlers) apiGet(c echo.Context) error {
	ds, err := h.dashboards.Dataset(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIDataset(ds))
}

type changeDatasetBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	TimeColumn  *string `json:"time_column"`
	Certified   *bool   `json:"certified"`
	// Columns: how columns read on charts, {"revenue": {"label": "Revenue",
	// "format": {"kind": "currency", "currency": "KRW"}}}.
	Columns map[string]dashboard.ColumnChange `json:"columns"`
}

func (h *datasetHandlers) apiChange(c echo.Context) error {
	var body changeDatasetBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ds, err := h.dashboards.ChangeDataset(c.Request().Context(), currentUser(c), c.Param("id"), dashboard.DatasetChange{
		Name: body.Name, Description: body.Description, TimeColumn: body.TimeColumn, Certified: body.Certified, Columns: body.Columns})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPIDataset(ds))
}

// exploreBody is an exploration and, optionally, how to draw it.
type exploreBody struct {
	dashboard.Exploration
	Type  chart.Kind      `json:"type"`
	Chart dashboard.Chart `json:"chart"`
}

// apiExplore answers an exploration of a dataset with the SQL Pier wrote
// for it, so the explorer can show it. With a type it also draws it, as
// a dashboard tile of that type would be drawn.
func (h *datasetHandlers) apiExplore(c echo.Context) error {
	var body exploreBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ctx, who, id := c.Request().Context(), currentUser(c), c.Param("id")
	if body.Type != "" {
		built, view, err := h.dashboards.ExploreView(ctx, who, id, body.Exploration, body.Type, body.Chart)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"sql": built.SQL, "params": built.Params, "view": view})
	}
	built, res, err := h.dashboards.Explore(ctx, who, id, body.Exploration)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"sql": built.SQL, "params": built.Params, "result": rawJSON(res), "cached": res.Hit})
}

// rawJSON sends a kept answer's JSON as it is.
func rawJSON(res *query.Cached) jsonBlob { return jsonBlob(res.Data) }

type jsonBlob []byte

func (b jsonBlob) MarshalJSON() ([]byte, error) { return b, nil }
