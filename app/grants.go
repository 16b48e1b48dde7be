package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// grantHandlers serve who may read which restricted table: the list for
// the data team, granting and revoking for admins, in the API and on the
// grants page.
type grantHandlers struct {
	users   *auth.Store
	catalog *query.Catalog
	props   *query.PropStore
	page    pageRenderer
	flash   flasher
	when    func(time.Time) string
	can     func(*auth.User) auth.Capabilities
}

// flasher keeps what a form did for the page it redirects to.
type flasher interface {
	putFlash(ctx context.Context, key string, f flash)
	popFlash(ctx context.Context, key string) flash
}

func (a *App) grants() *grantHandlers {
	return &grantHandlers{users: a.users, catalog: a.catalog, props: a.props, page: a.renderPage, flash: a, when: a.when, can: a.enforcer.Capabilities}
}

const grantFlash = "flash.grant"

func (h *grantHandlers) list(c echo.Context) error {
	list, err := h.users.ListGrants(c.Request().Context(), c.QueryParam("table"), c.QueryParam("email"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"grants": list})
}

// grant gives a table to a person, audited; it applies to their next query.
// Only admins grant, whichever page or request asks.
func (h *grantHandlers) grant(ctx context.Context, who *auth.User, email, table string, pii bool) (auth.GrantRow, error) {
	if !h.can(who).Grant {
		return auth.GrantRow{}, pier.Errorf(pier.EForbidden, "Only an admin grants access to a table.")
	}
	email, table = strings.TrimSpace(email), strings.TrimSpace(table)
	if _, ok := h.catalog.Table(table); !ok {
		return auth.GrantRow{}, pier.Errorf(pier.EInvalid, "There is no table %q in the lake to grant.", table)
	}
	if err := h.users.GrantByAdmin(ctx, who, email, table, pii); err != nil {
		return auth.GrantRow{}, err
	}
	list, err := h.users.ListGrants(ctx, table, email)
	if err != nil {
		return auth.GrantRow{}, err
	}
	if len(list) != 1 {
		return auth.GrantRow{}, fmt.Errorf("app: the grant of %s to %s is not listed once but %d times", table, email, len(list))
	}
	return list[0], nil
}

func (h *grantHandlers) apiGrant(c echo.Context) error {
	var body struct {
		Email string `json:"email"`
		Table string `json:"table"`
		PII   bool   `json:"pii"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	g, err := h.grant(c.Request().Context(), currentUser(c), body.Email, body.Table, body.PII)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

// apiRevoke takes a grant away (admins), audited; it applies at once.
func (h *grantHandlers) apiRevoke(c echo.Context) error {
	if err := h.users.Revoke(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// pageView lists the grants, filtered by table and person, with a form to
// grant and a button to revoke each.
func (h *grantHandlers) pageView(c echo.Context) error {
	ctx := c.Request().Context()
	table, email := strings.TrimSpace(c.QueryParam("table")), strings.TrimSpace(c.QueryParam("email"))
	list, err := h.users.ListGrants(ctx, table, email)
	if err != nil {
		return err
	}
	props, err := h.props.All(ctx)
	if err != nil {
		return err
	}
	f := h.flash.popFlash(ctx, grantFlash)
	p := views.GrantsPage{Table: table, Email: email, Done: f.What, Said: f.Text}
	for _, t := range h.catalog.Tables() {
		label := t.Name
		if props[t.Name].Restricted {
			label += " (restricted)"
		}
		p.Tables = append(p.Tables, views.Option{Value: t.Name, Label: label})
	}
	for _, g := range list {
		p.Rows = append(p.Rows, views.GrantRow{ID: g.ID, Table: g.Table, Email: g.Email, PII: g.PII,
			GrantedBy: g.GrantedBy, When: h.when(g.GrantedAt)})
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Grants(p, v) })
}

func (h *grantHandlers) grantForm(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.grant(ctx, currentUser(c), c.FormValue("email"), c.FormValue("table"), c.FormValue("pii") == "true")
	switch {
	case pier.ErrorCode(err) == pier.EInvalid:
		h.flash.putFlash(ctx, grantFlash, flash{"error", pier.ErrorMessage(err)})
	case err != nil:
		return err
	default:
		what := g.Table
		if g.PII {
			what += " with personal data unhashed"
		}
		h.flash.putFlash(ctx, grantFlash, flash{"granted", g.Email + " may now read " + what + "."})
	}
	return c.Redirect(http.StatusSeeOther, "/admin/grants")
}

func (h *grantHandlers) revokeForm(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	if err := h.users.Revoke(ctx, currentUser(c), id); err != nil {
		return err
	}
	_, table, _ := strings.Cut(id, ".")
	h.flash.putFlash(ctx, grantFlash, flash{"revoked", "Revoked: " + table + " is closed to them from their next query."})
	back := "/admin/grants"
	if q := (url.Values{"table": {c.FormValue("table")}, "email": {c.FormValue("email")}}); c.FormValue("table")+c.FormValue("email") != "" {
		back += "?" + q.Encode()
	}
	return c.Redirect(http.StatusSeeOther, back)
}
