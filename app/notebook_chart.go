package app

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
)

// apiCellChart draws a cell's kept result as the cell's saved chart, or as
// ?type=&x=&y=a,b&series= when given, so the page can show a choice before
// the autosave has kept it.
func (h *notebookHandlers) apiCellChart(c echo.Context) error {
	n, res, err := h.keptResult(c)
	if err != nil {
		return err
	}
	spec := chartSpec(c, n, c.Param("cell"))
	if spec.Type == "" || spec.Type == chart.KindTable {
		return pier.Errorf(pier.EInvalid, "This cell shows a table; choose a chart type (%s).", chart.Names(chart.Types))
	}
	d, err := chart.Draw(spec, chartTable(res))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// chartSpec is the chart asked for in the query, else the one saved.
func chartSpec(c echo.Context, n *notebook.Notebook, cellID string) chart.Spec {
	q := c.QueryParams()
	if q.Has("type") {
		s := chart.Spec{Type: chart.Kind(q.Get("type")), X: q.Get("x"), Series: q.Get("series")}
		if y := q.Get("y"); y != "" {
			s.Y = strings.Split(y, ",")
		}
		return s
	}
	cell, _, ok := n.Cell(cellID)
	if !ok || cell.Chart == nil {
		return chart.Spec{}
	}
	return chart.Spec{Type: cell.Chart.Type, X: cell.Chart.X, Y: cell.Chart.Y, Series: cell.Chart.Series}
}

func chartTable(res *query.JSONResult) chart.Table {
	t := chart.Table{Rows: res.Rows}
	for _, col := range res.Columns {
		t.Columns = append(t.Columns, chart.Column{Name: col.Name, Type: col.Type})
	}
	return t
}

// keptResult is the last result of the cell in the path, if the caller may
// see the notebook and could read every table the result read; a kept
// failure is its error.
func (h *notebookHandlers) keptResult(c echo.Context) (*notebook.Notebook, *query.JSONResult, error) {
	n, r, err := h.nbs.Result(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("cell"))
	if err != nil {
		return nil, nil, err
	}
	if r.Error != nil {
		return nil, nil, r.Error
	}
	return n, r.Answer, nil
}
