package app

import (
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
)

// accountHandlers serve one's own account: the page to change one's
// password (the only page open to someone signed in with a one-time
// password) and manage one's API tokens, and the same in the API.
type accountHandlers struct {
	accounts *auth.Accounts
	sessions *scs.SessionManager
	page     pageRenderer
	when     func(time.Time) string
}

func (a *App) account() *accountHandlers {
	return &accountHandlers{accounts: a.accounts, sessions: a.sessions, page: a.renderPage, when: a.when}
}

func (h *accountHandlers) accountPage(c echo.Context) error {
	return h.renderAccount(c, http.StatusOK, views.AccountPage{})
}

func (h *accountHandlers) renderAccount(c echo.Context, status int, p views.AccountPage) error {
	u := currentUser(c)
	p.MustChange = u.MustChangePassword
	if !p.MustChange {
		tokens, err := h.accounts.Tokens(c.Request().Context(), u, false)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			p.Tokens = append(p.Tokens, views.TokenRow{ID: t.ID, Name: t.Name, Created: h.when(t.Created), LastUsed: h.when(t.LastUsed)})
		}
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.Account(v, p) })
}

func (h *accountHandlers) changePasswordForm(c echo.Context) error {
	current, next := c.FormValue("current"), c.FormValue("new")
	if next != c.FormValue("confirm") {
		return h.renderAccount(c, http.StatusBadRequest, views.AccountPage{Problem: "The two new passwords differ. Type the same one twice."})
	}
	u, err := h.accounts.ChangePassword(c.Request().Context(), currentUser(c), current, next)
	if code := pier.ErrorCode(err); code == pier.EInvalid || code == pier.ETooMany {
		return h.renderAccount(c, statusOf[code], views.AccountPage{Problem: pier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	if err := h.keepSession(c, u); err != nil {
		return err
	}
	c.Set(userKey, u)
	return h.renderAccount(c, http.StatusOK, views.AccountPage{Notice: "Your password is changed. Your other browser sessions have ended."})
}

func (h *accountHandlers) createTokenForm(c echo.Context) error {
	_, plain, err := h.accounts.CreateToken(c.Request().Context(), currentUser(c), c.FormValue("name"))
	if pier.ErrorCode(err) == pier.EInvalid {
		return h.renderAccount(c, http.StatusBadRequest, views.AccountPage{Problem: pier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.renderAccount(c, http.StatusCreated, views.AccountPage{NewToken: plain})
}

func (h *accountHandlers) revokeTokenForm(c echo.Context) error {
	if err := h.accounts.RevokeToken(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/account")
}
