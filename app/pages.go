package app

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/notebook"
	"github.com/pier-analytics/pier/query"
)

// htmlRowLimit keeps the results page light; the API carries the rest.
const htmlRowLimit = 1000

// homeHandlers serve the home page: the dashboards one may open, one's
// notebooks, and for those who query, the lake's tables and the SQL box.
type homeHandlers struct {
	dashboards *dashboard.Service
	nbs        *notebook.Service
	can        func(*auth.User) auth.Capabilities
	tablesOf   func(context.Context, *auth.User) ([]query.Visible, []query.Locked, error)
	late       func(context.Context) (map[string]*query.Table, error) // every late table
	run        func(echo.Context, query.Request) (*query.Rows, error)
	when       func(time.Time) string
	page       pageRenderer
}

func (a *App) home() *homeHandlers {
	return &homeHandlers{dashboards: a.dashboards, nbs: a.nbs, can: a.enforcer.Capabilities, tablesOf: a.tablesOf,
		late: a.lateNow, run: a.runQuery, when: a.when, page: a.renderPage}
}

func (h *homeHandlers) homePage(c echo.Context) error {
	return h.renderHome(c, http.StatusOK, views.SQLBox{})
}

// homeDashboards is how many dashboards the home page shows besides the
// pinned and recent ones; homeRecent how many recent ones.
const homeDashboards, homeRecent = 6, 4

// homeBoards splits the dashboards a person may open into those they
// pinned, those they opened lately (newest first) and the rest, in the
// list's order (certified first).
func homeBoards(all []dashboard.Summary) (pinned, recent, rest []dashboard.Summary) {
	for _, s := range all {
		if !s.Pinned && !s.LastViewed.IsZero() {
			recent = append(recent, s)
		}
	}
	slices.SortStableFunc(recent, func(a, b dashboard.Summary) int { return b.LastViewed.Compare(a.LastViewed) })
	recent = recent[:min(len(recent), homeRecent)]
	for _, s := range all {
		switch {
		case s.Pinned:
			pinned = append(pinned, s)
		case !slices.ContainsFunc(recent, func(r dashboard.Summary) bool { return r.ID == s.ID }):
			rest = append(rest, s)
		}
	}
	return pinned, recent, rest
}

func dashboardRows(list []dashboard.Summary, when func(time.Time) string, late map[string]*query.Table) []views.DashboardRow {
	out := make([]views.DashboardRow, len(list))
	for i, s := range list {
		out[i] = dashboardRow(s, when, late)
	}
	return out
}

// renderHome shows a person what their tier is for: everyone the
// dashboards they may open, certified first; those who write notebooks
// their own; those who query the lake its tables and the SQL box.
func (h *homeHandlers) renderHome(c echo.Context, status int, box views.SQLBox) error {
	ctx, u := c.Request().Context(), currentUser(c)
	can := h.can(u)
	box.Show = can.Query
	p := views.HomePage{ShowTables: box.Show, ShowNotebooks: can.CreateNotebook}
	boards, err := h.dashboards.List(ctx, u)
	if err != nil {
		return err
	}
	owns := slices.ContainsFunc(boards, func(s dashboard.Summary) bool { return s.Role == dashboard.RoleOwner })
	late, err := h.late(ctx)
	if err != nil {
		return err
	}
	pinned, recent, rest := homeBoards(boards)
	p.Pinned, p.Recent = dashboardRows(pinned, h.when, late), dashboardRows(recent, h.when, late)
	p.Dashboards = dashboardRows(rest[:min(len(rest), homeDashboards)], h.when, late)
	p.MoreBoards = len(rest) > homeDashboards
	if p.ShowNotebooks {
		mine, err := h.nbs.List(ctx, u, notebook.Filter{Owner: u.Email})
		if err != nil {
			return err
		}
		for _, n := range mine[:min(len(mine), 5)] {
			p.Notebooks = append(p.Notebooks, views.NotebookLink{ID: n.ID, Title: n.Title, Updated: h.when(n.UpdatedAt)})
		}
		owns = owns || len(mine) > 0
	}
	p.Guide = !owns && len(boards) > 0
	if p.ShowTables {
		visible, locked, err := h.tablesOf(ctx, u)
		if err != nil {
			return err
		}
		for _, v := range visible {
			p.Tables = append(p.Tables, tableCard(v, h.when))
		}
		for _, l := range locked {
			p.Locked = append(p.Locked, views.LockedTable{Name: l.Name, Description: l.Description, Owner: l.Owner, Request: tableRequestURL(l.Name)})
		}
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.Home(v, p, box) })
}

// runSQLBox runs the home page's SQL box and shows the first rows; the
// SQL stays in the box, with the error beside it when there is one.
func (h *homeHandlers) runSQLBox(c echo.Context) error {
	sql := c.FormValue("sql")
	box := views.SQLBox{SQL: sql}
	if strings.TrimSpace(sql) == "" {
		box.Error = &views.SQLProblem{Message: "Write a query first, for example: select count(*) from act_orders"}
		return h.renderHome(c, http.StatusBadRequest, box)
	}
	res, err := h.collectForPage(c, sql)
	if code := pier.ErrorCode(err); code == pier.ESQL || code == pier.ETimeout || code == pier.ETooMany || code == pier.EInvalid {
		pe := publicError(err)
		box.Error = &views.SQLProblem{Message: pe.Message, Line: pe.Line, Column: pe.Column}
		return h.renderHome(c, statusOf[code], box)
	}
	if err != nil {
		return err
	}
	box.Result = resultTable(res)
	return h.renderHome(c, http.StatusOK, box)
}

func (h *homeHandlers) collectForPage(c echo.Context, sql string) (*query.JSONResult, error) {
	rows, err := h.run(c, query.Request{SQL: sql})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return query.CollectJSON(rows, htmlRowLimit)
}
