package app

import (
	"net/http"
	"slices"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/dashboard"
)

// exploreData is what the explorer page starts from: the datasets the
// user may explore, the dashboards they may add a tile to, and the
// dataset and dashboard the link named.
type exploreData struct {
	Datasets   []apiDataset        `json:"datasets"`
	Dashboards []dashboard.Summary `json:"dashboards"`
	Dataset    string              `json:"dataset"`
	Dashboard  string              `json:"dashboard"`
	Grains     []string            `json:"grains"`
	Aggs       []string            `json:"aggs"`
	Ops        []string            `json:"ops"`
	Types      []string            `json:"types"`
}

func (h *datasetHandlers) explorePage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	sets, err := h.dashboards.Datasets(ctx, who)
	if err != nil {
		return err
	}
	list, err := h.dashboards.List(ctx, who)
	if err != nil {
		return err
	}
	data := exploreData{Datasets: []apiDataset{}, Dashboards: []dashboard.Summary{}, Dataset: c.QueryParam("dataset"),
		Dashboard: c.QueryParam("dashboard"), Grains: dashboard.Grains, Aggs: dashboard.Aggs, Ops: dashboard.Ops,
		Types: explorerTypes}
	for _, ds := range sets {
		data.Datasets = append(data.Datasets, toAPIDataset(ds))
	}
	for _, s := range list {
		if s.Role.CanEdit() {
			data.Dashboards = append(data.Dashboards, s)
		}
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Explore(data, v) })
}

// explorerTypes are the tile types an exploration can be shown as: all
// but text, table first.
var explorerTypes = chart.Strings(slices.Concat([]chart.Kind{chart.KindTable}, chart.Types, chart.TileTypes))
