package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
)

type runBody struct {
	Params map[string]any `json:"params"`
}

// apiRunCell runs a saved cell and answers like POST /query. A JSON answer
// is also kept as the cell's last result; with ?limit=N only the first N
// rows are sent (row_count still counts them all) and the rest are read
// page by page from the kept result.
func (h *notebookHandlers) apiRunCell(c echo.Context) error {
	var body runBody
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	ctx, who := c.Request().Context(), currentUser(c)
	plan, err := h.nbs.PlanRun(ctx, who, c.Param("id"), c.Param("cell"), body.Params)
	if err != nil {
		return err
	}
	rows, err := h.run(c, plan.Request)
	if err != nil {
		h.recordFailure(ctx, who, plan, err)
		return err
	}
	defer rows.Close()
	if f := accepted(c.Request().Header.Get("Accept")); f != "application/json" {
		return h.write(c, rows)
	}
	res, err := query.CollectJSON(rows, query.MaxJSONRows)
	if err != nil {
		h.recordFailure(ctx, who, plan, err)
		return err
	}
	if err := h.nbs.RecordRun(ctx, who, plan, notebook.Outcome{Answer: res, Tables: rows.Tables(), RawPII: rows.ReadsRawPII()}); err != nil {
		return err
	}
	if limit, ok := pageLimit(c); ok {
		return c.JSON(http.StatusOK, pageOf(res, page{limit: limit}))
	}
	return c.JSON(http.StatusOK, res)
}

// recordFailure keeps an error as the cell's last result, so that the
// notebook reopens showing it; a run stopped because the client left is
// not a result.
func (h *notebookHandlers) recordFailure(ctx context.Context, who *auth.User, plan *notebook.Plan, err error) {
	if ctx.Err() != nil {
		return
	}
	tables, rawPII := query.ReadOf(err)
	if rerr := h.nbs.RecordRun(ctx, who, plan, notebook.Outcome{Error: publicError(err), Tables: tables, RawPII: rawPII}); rerr != nil {
		h.log.Warn("could not keep a failed run", "err", rerr)
	}
}

// apiResults answers the last result of every cell that the caller could
// read themselves; for the others it says why not, without the rows.
func (h *notebookHandlers) apiResults(c echo.Context) error {
	results, err := h.nbs.Results(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	out := map[string]any{}
	for id, r := range results {
		out[id] = apiStoredResult(r)
	}
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}

func apiStoredResult(r *notebook.Result) map[string]any {
	m := map[string]any{"ran_by": r.RanBy, "ran_at": r.RanAt, "source": r.Source, "tables": r.Tables}
	switch {
	case r.Hidden:
		m["hidden"] = pier.ErrorMessage(notebook.ErrHiddenResult)
	case r.Error != nil:
		m["data"] = map[string]apiError{"error": toAPIError(r.Error)}
	default:
		m["data"] = r.Answer
	}
	return m
}

// apiCellResult serves one page of a cell's kept result, sorted if asked.
func (h *notebookHandlers) apiCellResult(c echo.Context) error {
	_, res, err := h.keptResult(c)
	if err != nil {
		return err
	}
	p, err := pageParams(c, res)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(res, p))
}

// exportFormats are the downloads of a cell's or a tile's full result,
// made to be opened in a spreadsheet: text that a spreadsheet would run as
// a formula is disarmed (the CSV of POST /api/v1/query stays exact).
var exportFormats = map[string]struct {
	mime  string
	write func(w io.Writer, r *query.Rows) error
}{
	"csv":     {mimeCSV + "; charset=utf-8", query.WriteSpreadsheetCSV},
	"xlsx":    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", query.WriteXLSX},
	"parquet": {"application/vnd.apache.parquet", query.WriteParquet},
}

// apiExportCell runs a saved cell and streams its whole result as a file
// download. Inputs come as ?params={"name": value}.
func (h *notebookHandlers) apiExportCell(c echo.Context) error {
	format, ok := exportFormats[c.QueryParam("format")]
	if !ok {
		return pier.Errorf(pier.EInvalid, "Choose format=csv, xlsx or parquet.")
	}
	var values map[string]any
	if s := c.QueryParam("params"); s != "" {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&values); err != nil {
			return pier.Errorf(pier.EInvalid, `params must be a JSON object, as {"name": "value"}.`)
		}
	}
	plan, err := h.nbs.PlanRun(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("cell"), values)
	if err != nil {
		return err
	}
	rows, err := h.run(c, plan.Request)
	if err != nil {
		return err
	}
	defer rows.Close()
	attach(c, plan.Cell.Name+"."+c.QueryParam("format"))
	return h.stream(c, rows, format.mime, format.write)
}
