package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/notebook"
)

// editorData is what the editing page starts from, embedded in the page so
// it opens without a round trip: the notebook, the last results the caller
// may see, and the tables they may read (for autocomplete).
type editorData struct {
	Notebook apiNotebook             `json:"notebook"`
	Results  map[string]editorResult `json:"results"`
	Tables   []apiTable              `json:"tables"`
	Markdown map[string]string       `json:"markdown"` // text cells as shown, by cell id
	CanShare bool                    `json:"can_share"`
	Me       string                  `json:"me"`
}

// editorPage is the editing page for owners and editors; anyone else
// who may see the notebook reads it instead.
func (h *notebookHandlers) editorPage(c echo.Context) error {
	who := currentUser(c)
	ctx := c.Request().Context()
	n, results, err := h.nbs.WithResults(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	visible, err := h.visible(ctx, who)
	if err != nil {
		return err
	}
	if !n.Role.CanEdit() || n.Archived {
		return c.Redirect(http.StatusSeeOther, "/notebooks/"+n.ID)
	}
	data := editorData{Notebook: toAPINotebook(n), Results: map[string]editorResult{}, CanShare: n.Role == notebook.RoleOwner, Me: who.Email}
	for id, r := range results {
		data.Results[id] = firstPage(r)
	}
	data.Markdown = map[string]string{}
	for _, cell := range n.Doc.Cells {
		if cell.Kind == notebook.Markdown && strings.TrimSpace(cell.Source) != "" {
			data.Markdown[cell.ID] = renderMarkdown(cell.Source)
		}
	}
	queryable := h.can(who).Query
	for _, v := range visible {
		data.Tables = append(data.Tables, toAPITable(v, queryable))
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.NotebookEditor(n.ID, n.Title, data, v) })
}

// editorResult is a cell's last result as the editor opens it: the first
// page only, so a notebook of big results still opens at once.
type editorResult struct {
	RanBy  string      `json:"ran_by"`
	RanAt  time.Time   `json:"ran_at"`
	Source string      `json:"source"`
	Page   *resultPage `json:"page,omitempty"`
	Error  *apiError   `json:"error,omitempty"`
	Hidden string      `json:"hidden,omitempty"`
}

func firstPage(r *notebook.Result) editorResult {
	out := editorResult{RanBy: r.RanBy, RanAt: r.RanAt, Source: r.Source}
	switch {
	case r.Hidden:
		out.Hidden = pier.ErrorMessage(notebook.ErrHiddenResult)
		return out
	case r.Error != nil:
		e := toAPIError(r.Error)
		out.Error = &e
		return out
	}
	p := pageOf(r.Answer, page{limit: pageRows})
	out.Page = &p
	return out
}

// apiDownstream lists the cells "run downstream" runs after the given one,
// in order, as the saved notebook has them.
func (h *notebookHandlers) apiDownstream(c echo.Context) error {
	n, err := h.nbs.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	if _, _, ok := n.Cell(c.Param("cell")); !ok {
		return pier.Errorf(pier.ENotFound, "The notebook has no cell %q; save it first.", c.Param("cell"))
	}
	return c.JSON(http.StatusOK, map[string]any{"cells": append([]string{}, notebook.Downstream(n.Doc, c.Param("cell"))...)})
}

// apiMarkdown renders markdown as Pier shows it (sanitised), so the editor
// previews a text cell exactly as readers will see it.
func (h *notebookHandlers) apiMarkdown(c echo.Context) error {
	var body struct {
		Source string `json:"source"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if len(body.Source) > notebook.MaxSource {
		return pier.Errorf(pier.ETooLarge, "A text cell holds at most %d bytes.", notebook.MaxSource)
	}
	return c.JSON(http.StatusOK, map[string]string{"html": renderMarkdown(body.Source)})
}
