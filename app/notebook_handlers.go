package app

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
)

// notebookHandlers serve notebooks: their pages, their API and the
// editor's markdown preview. The notebook service decides who may open,
// change and run each one; the other fields are App helpers shared with
// other features, so a cell runs, answers and renders as the SQL box and
// the other pages do.
type notebookHandlers struct {
	nbs  *notebook.Service
	page pageRenderer
	when func(time.Time) string
	can  func(*auth.User) auth.Capabilities
	// visible is the tables the caller may read, for the editor's
	// autocomplete.
	visible func(context.Context, *auth.User) ([]query.Visible, error)
	// run runs a cell as the caller, with the grants they hold now, never
	// as the notebook's owner.
	run func(echo.Context, query.Request) (*query.Rows, error)
	// write and stream answer a run as POST /query does: the same
	// formats, and a stream that fails midway is cut, not ended cleanly.
	write  func(echo.Context, *query.Rows) error
	stream func(c echo.Context, rows *query.Rows, contentType string, write func(io.Writer, *query.Rows) error) error
	log    *slog.Logger
}

func (a *App) notebooks() *notebookHandlers {
	return &notebookHandlers{nbs: a.nbs, page: a.renderPage, when: a.when, can: a.enforcer.Capabilities,
		visible: a.visibleTables, run: a.runQuery, write: a.writeResult, stream: a.stream, log: a.log}
}
