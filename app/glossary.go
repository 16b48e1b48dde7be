package app

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/dashboard"
)

// glossaryHandlers serve the metrics glossary: every measure of a
// certified dataset, what it means, how it is added up, who owns it and
// where it is charted.
type glossaryHandlers struct {
	dashboards *dashboard.Service
	page       pageRenderer
}

func (a *App) glossary() *glossaryHandlers {
	return &glossaryHandlers{dashboards: a.dashboards, page: a.renderPage}
}

// apiMetric is one glossary entry.
type apiMetric struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Definition string          `json:"definition"`
	Expression string          `json:"expression"`
	Unit       string          `json:"unit"`
	Dataset    string          `json:"dataset"`
	DatasetID  string          `json:"dataset_id"`
	Owner      string          `json:"owner"`
	Dashboards []dashboard.Use `json:"dashboards"`
	Restricted bool            `json:"restricted,omitempty"` // on a table closed to the caller: no column, expression or dataset
}

// metrics are the glossary's entries whose words hold q (all for none).
func (h *glossaryHandlers) metrics(c echo.Context) ([]dashboard.Metric, error) {
	all, err := h.dashboards.Glossary(c.Request().Context(), currentUser(c))
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(c.QueryParam("q")))
	return slices.DeleteFunc(all, func(m dashboard.Metric) bool {
		return q != "" && !strings.Contains(strings.ToLower(strings.Join([]string{m.Name, m.Definition, m.Dataset, m.Column}, " ")), q)
	}), nil
}

func (h *glossaryHandlers) api(c echo.Context) error {
	list, err := h.metrics(c)
	if err != nil {
		return err
	}
	out := make([]apiMetric, 0, len(list))
	for _, m := range list {
		out = append(out, apiMetric{ID: m.ID, Name: m.Name, Definition: m.Definition, Expression: m.Expression, Unit: m.Unit,
			Dataset: m.Dataset, DatasetID: m.DatasetID, Owner: m.Owner, Dashboards: append([]dashboard.Use{}, m.Dashboards...), Restricted: m.Restricted})
	}
	return c.JSON(http.StatusOK, map[string]any{"metrics": out})
}

func (h *glossaryHandlers) pageView(c echo.Context) error {
	list, err := h.metrics(c)
	if err != nil {
		return err
	}
	p := views.GlossaryPage{Query: c.QueryParam("q"), Aggs: dashboard.Aggs}
	for _, m := range list {
		e := views.MetricEntry{ID: m.ID, DatasetID: m.DatasetID, Column: m.Column, Name: m.Name, Definition: m.Definition,
			Expression: m.Expression, Unit: m.Unit, Dataset: m.Dataset, Owner: m.Owner, MayEdit: m.MayEdit, Restricted: m.Restricted}
		for _, u := range m.Dashboards {
			e.Dashboards = append(e.Dashboards, views.UseRow{Title: u.Title, Href: "/dashboards/" + u.ID})
		}
		p.Metrics = append(p.Metrics, e)
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Glossary(p, v) })
}

// defineForm names and defines one metric (its dataset's owner, the data
// team), as the dataset's column.
func (h *glossaryHandlers) defineForm(c echo.Context) error {
	name, def, agg, col := c.FormValue("name"), c.FormValue("definition"), c.FormValue("agg"), c.FormValue("column")
	_, err := h.dashboards.ChangeDataset(c.Request().Context(), currentUser(c), c.Param("dataset"), dashboard.DatasetChange{
		Columns: map[string]dashboard.ColumnChange{col: {Label: &name, Definition: &def, Agg: &agg}}})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/glossary#metric-"+url.PathEscape(c.Param("dataset")+"."+col))
}
