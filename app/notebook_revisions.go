package app

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/notebook"
)

func (h *notebookHandlers) revisionsPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	n, err := h.nbs.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	revs, err := h.nbs.Revisions(ctx, who, n.ID)
	if err != nil {
		return err
	}
	p := views.RevisionsPage{ID: n.ID, Title: n.Title, Current: n.Version, CanEdit: n.Role.CanEdit() && !n.Archived}
	p.Restored, _ = strconv.Atoi(c.QueryParam("restored"))
	sessions := notebook.Sessions(revs)
	if p.Every = c.QueryParam("every") == "1"; p.Every {
		sessions = sessions[:0]
		for _, r := range revs {
			sessions = append(sessions, notebook.Session{Revision: r, First: r.Version, Saves: 1})
		}
	}
	for _, s := range sessions {
		p.Rows = append(p.Rows, views.RevisionRow{Version: s.Version, First: s.First, Saves: s.Saves, Author: s.Author,
			SavedAt: h.when(s.SavedAt), Title: s.Title, RestoredFrom: s.RestoredFrom})
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Revisions(p, v) })
}

// revisionDiffPage shows what a version changed from the one before it.
func (h *notebookHandlers) revisionDiffPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	n, err := h.nbs.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	r, err := h.nbs.Revision(ctx, who, n.ID, v)
	if err != nil {
		return err
	}
	from := v - 1 // a session's change is from the version before it began
	if f, err := strconv.Atoi(c.QueryParam("from")); err == nil && f >= 0 && f < v {
		from = f
	}
	older := &notebook.Revision{Title: r.Title, Doc: &notebook.Doc{}}
	if from > 0 {
		if older, err = h.nbs.Revision(ctx, who, n.ID, from); err != nil {
			return err
		}
	}
	p := views.RevisionDiffPage{ID: n.ID, Title: r.Title, Version: v, Previous: from, Author: r.Author, SavedAt: h.when(r.SavedAt),
		Current: n.Version, CanEdit: n.Role.CanEdit() && !n.Archived}
	if older.Title != r.Title {
		p.OldTitle = older.Title
	}
	d := notebook.Compare(*older.Doc, *r.Doc)
	p.ParamsChanged = d.ParamsChanged
	for _, ch := range d.Cells {
		cd := views.CellDiff{Name: ch.Name, OldName: ch.OldName, Kind: string(ch.Kind), Change: ch.Change, ChartChanged: ch.ChartChanged}
		for _, l := range ch.Lines {
			cd.Lines = append(cd.Lines, views.DiffLine{Op: l.Op, Text: l.Text})
		}
		p.Cells = append(p.Cells, cd)
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.RevisionDiff(p, v) })
}

// restoreRevisionForm restores with one click; the restore is a new
// revision, and the editor opens on it.
func (h *notebookHandlers) restoreRevisionForm(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	if _, err := h.nbs.Restore(c.Request().Context(), currentUser(c), c.Param("id"), v); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notebooks/"+c.Param("id")+"/revisions?restored="+strconv.Itoa(v))
}
