package app

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/notebook"
)

func (a *App) revisionsPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	n, err := a.nbs.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	revs, err := a.nbs.Revisions(ctx, who, n.ID)
	if err != nil {
		return err
	}
	p := views.RevisionsPage{ID: n.ID, Title: n.Title, Current: n.Version, CanEdit: n.Role.CanEdit() && !n.Archived}
	p.Restored, _ = strconv.Atoi(c.QueryParam("restored"))
	for _, r := range revs {
		p.Rows = append(p.Rows, views.RevisionRow{Version: r.Version, Author: r.Author, SavedAt: when(r.SavedAt), Title: r.Title, RestoredFrom: r.RestoredFrom})
	}
	return a.render(c, http.StatusOK, views.Revisions(p, a.viewer(c)))
}

// revisionDiffPage shows what a version changed from the one before it.
func (a *App) revisionDiffPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	n, err := a.nbs.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	r, err := a.nbs.Revision(ctx, who, n.ID, v)
	if err != nil {
		return err
	}
	older := &notebook.Revision{Title: r.Title, Doc: &notebook.Doc{}}
	if v > 1 {
		if older, err = a.nbs.Revision(ctx, who, n.ID, v-1); err != nil {
			return err
		}
	}
	p := views.RevisionDiffPage{ID: n.ID, Title: r.Title, Version: v, Previous: v - 1, Author: r.Author, SavedAt: when(r.SavedAt),
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
	return a.render(c, http.StatusOK, views.RevisionDiff(p, a.viewer(c)))
}

// restoreRevisionForm restores with one click; the restore is a new
// revision, and the editor opens on it.
func (a *App) restoreRevisionForm(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	if _, err := a.nbs.Restore(c.Request().Context(), currentUser(c), c.Param("id"), v); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/notebooks/"+c.Param("id")+"/revisions?restored="+strconv.Itoa(v))
}
