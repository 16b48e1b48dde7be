package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/dashboard"
)

// apiTileData answers a tile's data for the view in the query string
// (grain=, f.<filter>=), like POST /query: JSON from the result cache, or
// every row as Arrow or CSV.
func (a *App) apiTileData(c echo.Context) error {
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	ctx, who := c.Request().Context(), currentUser(c)
	if accepted(c.Request().Header.Get("Accept")) != "application/json" {
		return a.streamTile(c, v, "")
	}
	_, res, err := a.dashboards.TileData(ctx, who, c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Pier-Cache", map[bool]string{true: "hit", false: "miss"}[res.Hit])
	return c.JSONBlob(http.StatusOK, res.Data)
}

// apiExportTile downloads a tile's whole result as CSV or XLSX.
func (a *App) apiExportTile(c echo.Context) error {
	format := c.QueryParam("format")
	if format != "csv" && format != "xlsx" {
		return pier.Errorf(pier.EInvalid, "Choose format=csv or xlsx.")
	}
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	return a.streamTile(c, v, format)
}

// streamTile runs the tile's query on behalf of the dashboard's owner and
// streams every row: as the Accept header asks, or as a file download.
func (a *App) streamTile(c echo.Context, v dashboard.View, format string) error {
	ctx := c.Request().Context()
	plan, err := a.dashboards.PlanTile(ctx, currentUser(c), c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	rows, err := a.engine.Query(ctx, plan.Principal, plan.Request)
	if err != nil {
		return err
	}
	defer rows.Close()
	if format == "" {
		return a.writeResult(c, rows)
	}
	name := plan.Tile.Title
	if name == "" {
		name = plan.Tile.ID
	}
	attach(c, name+"."+format)
	f := exportFormats[format]
	return a.stream(c, rows, f.mime, f.write)
}

// apiTileChart answers what a dashboard page draws of a tile.
func (a *App) apiTileChart(c echo.Context) error {
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	tv, err := a.dashboards.DrawTile(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("tile"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tv)
}

func (a *App) apiFilterValues(c echo.Context) error {
	vals, err := a.dashboards.FilterValues(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("filter"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"values": vals})
}
