package app

import (
	"bytes"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
)

// render buffers the component, so a failed render becomes a clean error
// page rather than half a page.
func (a *App) render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(c.Request().Context(), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (a *App) viewer(c echo.Context) *views.Viewer {
	u := currentUser(c)
	if u == nil {
		return nil
	}
	section, _, _ := strings.Cut(strings.TrimPrefix(c.Request().URL.Path, "/"), "/")
	if section == "admin" || section == "settings" {
		section = strings.TrimPrefix(c.Request().URL.Path, "/")
	}
	if section == "admin/grants" || section == "admin/audit" {
		section = "admin/access"
	}
	unread, err := a.tickets.Unread(c.Request().Context(), u)
	if err != nil {
		a.log.Warn("could not count unread notices", "err", err)
	}
	can := a.enforcer.Capabilities(u)
	return &views.Viewer{Email: u.Email, Name: u.Name, Tier: string(u.Tier), CSRF: csrfToken(c), People: a.accounts.MayManagePeople(u), Unread: unread, Zone: a.zoneName(),
		Limited: u.MustChangePassword, Section: section, Explore: can.Explore, Settings: can.ManageSettings, Access: can.Grant}
}

// pageRenderer renders a page for the person signed in. Feature handlers
// hold one instead of the whole App.
type pageRenderer func(c echo.Context, status int, page func(*views.Viewer) templ.Component) error

func (a *App) renderPage(c echo.Context, status int, page func(*views.Viewer) templ.Component) error {
	return a.render(c, status, page(a.viewer(c)))
}
