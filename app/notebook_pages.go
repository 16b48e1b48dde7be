package app

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/notebook"
)

// pageRows is how many rows of a kept result the page shows; the rest are
// a page away through the API.
const pageRows = 50

func (h *notebookHandlers) listPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	q := c.QueryParams()
	f := notebook.Filter{Search: q.Get("q"), Folder: q.Get("folder"), Tag: q.Get("tag"), Sort: q.Get("sort"), Archived: q.Get("archived") == "true"}
	list, err := h.nbs.List(ctx, who, f)
	if err != nil {
		return err
	}
	folders, err := h.nbs.Folders(ctx, who)
	if err != nil {
		return err
	}
	page := views.NotebookList{Search: f.Search, Folder: f.Folder, Tag: f.Tag, Sort: f.Sort, Archived: f.Archived, Folders: folders,
		CanCreate: h.can(who).CreateNotebook}
	for _, s := range list {
		page.Rows = append(page.Rows, views.NotebookRow{ID: s.ID, Title: s.Title, Owner: s.Owner, Folder: s.Folder, Tags: s.Tags,
			Updated: h.when(s.UpdatedAt), LastRun: h.when(s.LastRunAt), Role: string(s.Role)})
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Notebooks(page, v) })
}

func (h *notebookHandlers) createForm(c echo.Context) error {
	n, err := h.nbs.Create(c.Request().Context(), currentUser(c), notebook.New{Title: c.FormValue("title"), Folder: c.FormValue("folder")})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notebooks/"+n.ID+"/edit")
}

func (h *notebookHandlers) pageView(c echo.Context) error {
	n, results, err := h.nbs.WithResults(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	page := views.NotebookPage{ID: n.ID, Title: n.Title, Owner: n.Owner, Version: n.Version, Updated: h.when(n.UpdatedAt),
		UpdatedBy: n.UpdatedBy, Folder: n.Folder, Tags: n.Tags, Role: string(n.Role), Archived: n.Archived,
		CanEdit: n.Role.CanEdit() && !n.Archived}
	for _, p := range n.Doc.Params {
		page.Inputs = append(page.Inputs, views.InputView{Name: p.Name, Label: p.Label, Value: inputValue(p)})
	}
	for _, cell := range n.Doc.Cells {
		cv := h.cellView(cell, results[cell.ID])
		page.HasCharts = page.HasCharts || cv.Chart != ""
		page.Cells = append(page.Cells, cv)
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Notebook(page, v) })
}

// inputValue is an input's value in words: a range as "from to to", a
// list joined.
func inputValue(p notebook.Param) string {
	if r, ok := p.Default.([]any); ok && p.Type == "date_range" && len(r) == 2 {
		return fmt.Sprintf("%v to %v", r[0], r[1])
	}
	switch x := p.Default.(type) {
	case nil:
		return "not set"
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = fmt.Sprint(p)
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(p.Default)
}

func (h *notebookHandlers) cellView(cell notebook.Cell, r *notebook.Result) views.CellView {
	v := views.CellView{ID: cell.ID, Kind: string(cell.Kind), Name: cell.Name, Source: cell.Source}
	if cell.Kind == notebook.Markdown {
		v.Markdown = renderMarkdown(cell.Source)
		return v
	}
	if r == nil {
		return v
	}
	v.RanBy, v.RanAt = r.RanBy, h.when(r.RanAt)
	switch {
	case r.Hidden:
		v.Hidden = pier.ErrorMessage(notebook.ErrHiddenResult)
		return v
	case r.Error != nil:
		v.Error = r.Error.Message
		return v
	}
	res := r.Answer
	if cell.Chart != nil && cell.Chart.Type != chart.KindTable {
		v.Chart = string(cell.Chart.Type)
	}
	shown := pageOf(res, page{limit: pageRows})
	v.Result = resultTable(&shown.JSONResult)
	v.Result.Truncated = res.Truncated || len(res.Rows) > pageRows
	return v
}

// markdownPolicy allows what markdown produces and nothing that runs.
var markdownPolicy = bluemonday.UGCPolicy()

// renderMarkdown turns a markdown cell into HTML that is safe to show:
// goldmark leaves raw HTML out, and the sanitiser removes anything that
// could still run.
func renderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(src), &buf); err != nil {
		return ""
	}
	return markdownPolicy.Sanitize(buf.String())
}

var plainPolicy = bluemonday.StrictPolicy()

// plainText is markdown as the words a reader sees, on one line, for
// previews that must not show markup.
func plainText(src string) string {
	return strings.Join(strings.Fields(html.UnescapeString(plainPolicy.Sanitize(renderMarkdown(src)))), " ")
}

func (h *notebookHandlers) forkForm(c echo.Context) error {
	n, err := h.nbs.Fork(c.Request().Context(), currentUser(c), c.Param("id"), "")
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notebooks/"+n.ID+"/edit")
}

func (h *notebookHandlers) archiveForm(c echo.Context) error {
	archived := c.FormValue("archived") == "true"
	if err := h.nbs.SetArchived(c.Request().Context(), currentUser(c), c.Param("id"), archived); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notebooks/"+c.Param("id"))
}
