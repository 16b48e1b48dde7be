package app

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"

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

func (a *App) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return a.render(c, http.StatusOK, a.loginView(c, "", ""))
}

// loginURL is the sign-in page, asked to come back to the page that was
// asked for once the person has signed in.
func loginURL(c echo.Context) string {
	r := c.Request()
	if r.Method != http.MethodGet || r.URL.Path == "/" {
		return "/login"
	}
	return "/login?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
}

// localPath is next if it is a path on this site, and "" otherwise, so
// that a link to the sign-in page cannot send anyone elsewhere after it.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\x00\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return next
}

// loginView is the sign-in page with what this Pier offers.
func (a *App) loginView(c echo.Context, email, problem string) templ.Component {
	p := views.LoginPage{Email: email, CSRF: csrfToken(c), Problem: problem, Passwords: !a.cfg.NoPasswordSignIn,
		Next: localPath(c.FormValue("next"))}
	if a.sso != nil {
		p.SSO = a.sso.cfg.Label
	}
	return views.Login(p)
}

// loginProblem shows the sign-in page with why the last attempt failed.
func (a *App) loginProblem(c echo.Context, status int, err error) error {
	return a.render(c, status, a.loginView(c, c.FormValue("email"), pier.ErrorMessage(err)))
}

func (a *App) login(c echo.Context) error {
	if a.cfg.NoPasswordSignIn {
		return a.loginProblem(c, http.StatusForbidden, pier.Errorf(pier.EForbidden, "Password sign-in is turned off here. Use the single sign-on button."))
	}
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	u, err := a.signIn(c, email, password)
	switch code := pier.ErrorCode(err); code {
	case "":
	case pier.EUnauthorized, pier.ETooMany:
		return a.loginProblem(c, statusOf[code], err)
	default:
		return err
	}
	return a.startSession(c, u, viaPassword, localPath(c.FormValue("next")))
}

// startSession signs the browser in as u, through via. A new session id
// at sign-in stops session fixation; a new CSRF token likewise, so a token
// planted before sign-in is worth nothing after. Only a password sign-in
// answers for a one-time password.
func (a *App) startSession(c echo.Context, u *auth.User, via, next string) error {
	ctx := c.Request().Context()
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.sessions.Put(ctx, sessionUser, u.ID)
	a.sessions.Put(ctx, sessionEpoch, u.SessionEpoch)
	a.sessions.Put(ctx, sessionVia, via)
	dropCSRF(c)
	if err := a.accounts.SignedIn(ctx, u, via, c.RealIP()); err != nil {
		return err
	}
	if u.MustChangePassword && via == viaPassword {
		return c.Redirect(http.StatusSeeOther, "/settings/account")
	}
	return c.Redirect(http.StatusSeeOther, cmp.Or(next, "/"))
}

// signIn checks the throttles (per account, and per address across
// accounts, so one password tried on many accounts is slowed too) and then
// the password.
func (a *App) signIn(c echo.Context, email, password string) (*auth.User, error) {
	// The address is charged first, so a refused address cannot spend an
	// account's attempts; the account's limit is per address too, so that
	// nobody can lock a person out by failing to sign in as them.
	client := auth.ClientKey(c.RealIP())
	if err := a.addrs.Allow(client); err != nil {
		return nil, err
	}
	key := strings.ToLower(email[:min(len(email), auth.MaxEmailLength)]) // CheckPassword refuses longer ones
	if err := a.throttle.Allow(key + "|" + client); err != nil {
		return nil, err
	}
	return a.users.CheckPassword(c.Request().Context(), email, password)
}

func (a *App) logout(c echo.Context) error {
	if err := a.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	dropCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}

func (a *App) homePage(c echo.Context) error {
	return a.renderHome(c, http.StatusOK, views.SQLBox{})
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

func (a *App) dashboardRows(list []dashboard.Summary) []views.DashboardRow {
	out := make([]views.DashboardRow, len(list))
	for i, s := range list {
		out[i] = dashboardRow(s, a.when)
	}
	return out
}

// renderHome shows a person what their tier is for: everyone the
// dashboards they may open, certified first; those who write notebooks
// their own; those who query the lake its tables and the SQL box.
func (a *App) renderHome(c echo.Context, status int, box views.SQLBox) error {
	ctx, u := c.Request().Context(), currentUser(c)
	can := a.enforcer.Capabilities(u)
	box.Show = can.Query
	p := views.HomePage{ShowTables: box.Show, ShowNotebooks: can.CreateNotebook}
	boards, err := a.dashboards.List(ctx, u)
	if err != nil {
		return err
	}
	owns := slices.ContainsFunc(boards, func(s dashboard.Summary) bool { return s.Role == dashboard.RoleOwner })
	pinned, recent, rest := homeBoards(boards)
	p.Pinned, p.Recent = a.dashboardRows(pinned), a.dashboardRows(recent)
	p.Dashboards = a.dashboardRows(rest[:min(len(rest), homeDashboards)])
	p.MoreBoards = len(rest) > homeDashboards
	if p.ShowNotebooks {
		mine, err := a.nbs.List(ctx, u, notebook.Filter{Owner: u.Email})
		if err != nil {
			return err
		}
		for _, n := range mine[:min(len(mine), 5)] {
			p.Notebooks = append(p.Notebooks, views.NotebookLink{ID: n.ID, Title: n.Title, Updated: a.when(n.UpdatedAt)})
		}
		owns = owns || len(mine) > 0
	}
	p.Guide = !owns && len(boards) > 0
	if p.ShowTables {
		visible, locked, err := a.tablesOf(ctx, u)
		if err != nil {
			return err
		}
		for _, v := range visible {
			p.Tables = append(p.Tables, a.tableCard(v))
		}
		for _, l := range locked {
			p.Locked = append(p.Locked, views.LockedTable{Name: l.Name, Description: l.Description, Owner: l.Owner, Request: tableRequestURL(l.Name)})
		}
	}
	return a.render(c, status, views.Home(a.viewer(c), p, box))
}

// runSQLBox runs the home page's SQL box and shows the first rows; the
// SQL stays in the box, with the error beside it when there is one.
func (a *App) runSQLBox(c echo.Context) error {
	sql := c.FormValue("sql")
	box := views.SQLBox{SQL: sql}
	if strings.TrimSpace(sql) == "" {
		box.Error = &views.SQLProblem{Message: "Write a query first, for example: select count(*) from act_orders"}
		return a.renderHome(c, http.StatusBadRequest, box)
	}
	res, err := a.collectForPage(c, sql)
	if code := pier.ErrorCode(err); code == pier.ESQL || code == pier.ETimeout || code == pier.ETooMany || code == pier.EInvalid {
		pe := publicError(err)
		box.Error = &views.SQLProblem{Message: pe.Message, Line: pe.Line, Column: pe.Column}
		return a.renderHome(c, statusOf[code], box)
	}
	if err != nil {
		return err
	}
	box.Result = resultTable(res)
	return a.renderHome(c, http.StatusOK, box)
}

func (a *App) collectForPage(c echo.Context, sql string) (*query.JSONResult, error) {
	rows, err := a.runQuery(c, query.Request{SQL: sql})
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return query.CollectJSON(rows, htmlRowLimit)
}
