package app

import (
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/query"
)

const (
	mimeArrow = "application/vnd.apache.arrow.stream"
	mimeCSV   = "text/csv"
)

// writeResult answers in the format Accept asks for: JSON by default (at
// most 10,000 rows), or every row as an Arrow IPC or CSV stream.
func (a *App) writeResult(c echo.Context, rows *query.Rows) error {
	switch accepted(c.Request().Header.Get("Accept")) {
	case mimeArrow:
		return a.stream(c, rows, mimeArrow, query.WriteArrow)
	case mimeCSV:
		return a.stream(c, rows, mimeCSV+"; charset=utf-8", query.WriteCSV)
	}
	res, err := query.CollectJSON(rows, query.MaxJSONRows)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// accepted picks the first media type in Accept that Pier can write.
func accepted(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mimeArrow, mimeCSV:
			return mt
		case "application/json", "*/*":
			return "application/json"
		}
	}
	return "application/json"
}

// stream sends every row as the engine produces it. The engine answers
// only once the first rows are ready, so an error before them has already
// come back from the query with its proper status; a later error can only
// cut the stream short.
func (a *App) stream(c echo.Context, rows *query.Rows, contentType string, write func(w io.Writer, r *query.Rows) error) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, contentType)
	res.Header().Set("X-Content-Type-Options", "nosniff")
	res.WriteHeader(http.StatusOK)
	defer cutAtDeadline(res.Writer, rows)()
	if err := write(res, rows); err != nil {
		rows.Abandon(err)
		if c.Request().Context().Err() != nil {
			a.log.Info("client went away during a stream", "path", c.Path())
			return nil
		}
		// The status is sent; breaking the connection is the only way
		// left to tell the client that what it got is not the whole.
		a.log.Warn("stream ended early", "err", err, "path", c.Path())
		panic(http.ErrAbortHandler)
	}
	return nil
}

// cutAtDeadline ends the response's writes when the query's deadline
// passes, so that a client that stopped reading cannot keep the query and
// its slot past it: the blocked write fails and the stream is abandoned.
// The returned function stops watching.
func cutAtDeadline(w http.ResponseWriter, rows *query.Rows) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-rows.Expired():
			http.NewResponseController(w).SetWriteDeadline(time.Now())
		case <-done:
		}
	}()
	return func() { close(done) }
}
