package app

import (
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/notebook"
)

// apiExport downloads the notebook as a SQL file (markdown cells
// as comments) or as JSON, so it can be kept in git.
func (h *notebookHandlers) apiExport(c echo.Context) error {
	e, err := h.nbs.Export(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	base := fileName(e.Title)
	switch c.QueryParam("format") {
	case "", "sql":
		attach(c, base+".sql")
		return c.Blob(http.StatusOK, "application/sql; charset=utf-8", []byte(e.ToText()))
	case "json":
		data, err := e.ToJSON()
		if err != nil {
			return err
		}
		attach(c, base+".json")
		return c.Blob(http.StatusOK, "application/json", data)
	}
	return pier.Errorf(pier.EInvalid, "Choose format=sql or format=json.")
}

// apiImport creates a notebook from an exported file: JSON when
// sent as application/json, the SQL form otherwise.
func (h *notebookHandlers) apiImport(c echo.Context) error {
	data, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return pier.Errorf(pier.ETooLarge, "The file is larger than Pier accepts (%s).", maxBody)
	}
	var e notebook.Export
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get("Content-Type")); mt == "application/json" {
		e, err = notebook.ParseJSON(data)
	} else {
		e, err = notebook.ParseText(string(data))
	}
	if err != nil {
		return err
	}
	n, err := h.nbs.Import(c.Request().Context(), currentUser(c), e, c.QueryParam("folder"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPINotebook(n))
}
