package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/query"
)

// apiTileData answers a tile's data for the view in the query string
// (grain=, f.<filter>=), like POST /query: JSON from the result cache, or
// every row as Arrow or CSV.
func (h *dashboardHandlers) apiTileData(c echo.Context) error {
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	ctx, who := c.Request().Context(), currentUser(c)
	if accepted(c.Request().Header.Get("Accept")) != "application/json" {
		return h.streamTile(c, v, "")
	}
	_, res, err := h.dashboards.TileData(ctx, who, c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Pier-Cache", map[bool]string{true: "hit", false: "miss"}[res.Hit])
	return c.JSONBlob(http.StatusOK, res.Data)
}

// apiExportTile downloads a tile's whole result as CSV or XLSX.
func (h *dashboardHandlers) apiExportTile(c echo.Context) error {
	format := c.QueryParam("format")
	if format != "csv" && format != "xlsx" {
		return pier.Errorf(pier.EInvalid, "Choose format=csv or xlsx.")
	}
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	return h.streamTile(c, v, format)
}

// streamTile runs the tile's query on behalf of the dashboard's owner and
// streams every row: as the Accept header asks, or as a file download.
func (h *dashboardHandlers) streamTile(c echo.Context, v dashboard.View, format string) error {
	ctx := c.Request().Context()
	plan, err := h.dashboards.PlanTile(ctx, currentUser(c), c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	rows, err := h.engine.Query(ctx, plan.Principal, plan.Request)
	if err != nil {
		return err
	}
	defer rows.Close()
	if format == "" {
		return h.result(c, rows)
	}
	name := plan.Tile.Title
	if name == "" {
		name = plan.Tile.ID
	}
	attach(c, name+"."+format)
	f := exportFormats[format]
	return h.stream(c, rows, f.mime, f.write)
}

// apiTileChart answers what a dashboard page draws of a tile.
func (h *dashboardHandlers) apiTileChart(c echo.Context) error {
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	tv, err := h.dashboards.DrawTile(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tv)
}

func (h *dashboardHandlers) apiFilterValues(c echo.Context) error {
	vals, err := h.dashboards.FilterValues(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("filter"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"values": vals})
}

// apiExport downloads every tile with data as one Excel file, a
// sheet per tile, for the view in the query string. A tile that cannot be
// read gets a sheet saying why, so one broken tile does not lose the rest.
func (h *dashboardHandlers) apiExport(c echo.Context) error {
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	ctx, who := c.Request().Context(), currentUser(c)
	d, err := h.dashboards.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	book := query.NewWorkbook()
	defer book.Close()
	for _, t := range d.Doc.Tiles {
		if t.Type == chart.KindMarkdown {
			continue
		}
		if err := h.exportTileSheet(c, book, d.ID, t, v); err != nil {
			return err
		}
	}
	attach(c, d.Title+".xlsx")
	c.Response().Header().Set(echo.HeaderContentType, exportFormats["xlsx"].mime)
	c.Response().WriteHeader(http.StatusOK)
	return book.Write(c.Response())
}

func (h *dashboardHandlers) exportTileSheet(c echo.Context, book *query.Workbook, id string, t dashboard.Tile, v dashboard.View) error {
	ctx := c.Request().Context()
	name := t.Title
	if name == "" {
		name = t.ID
	}
	plan, err := h.dashboards.PlanTile(ctx, currentUser(c), id, t.ID, v)
	var rows *query.Rows
	if err == nil {
		rows, err = h.engine.Query(ctx, plan.Principal, plan.Request)
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return book.AddNote(name, "This tile could not be read: "+pier.ErrorMessage(err))
	}
	defer rows.Close()
	return book.AddSheet(name, rows)
}
