package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
)

// The account page: change one's password (the only page open to someone
// signed in with a one-time password) and manage one's API tokens.

func (a *App) accountPage(c echo.Context) error {
	return a.renderAccount(c, http.StatusOK, views.AccountPage{})
}

func (a *App) renderAccount(c echo.Context, status int, p views.AccountPage) error {
	u := currentUser(c)
	p.MustChange = u.MustChangePassword
	if !p.MustChange {
		tokens, err := a.accounts.Tokens(c.Request().Context(), u, false)
		if err != nil {
			return err
		}
		for _, t := range tokens {
			p.Tokens = append(p.Tokens, views.TokenRow{ID: t.ID, Name: t.Name, Created: a.when(t.Created), LastUsed: a.when(t.LastUsed)})
		}
	}
	return a.render(c, status, views.Account(a.viewer(c), p))
}

func (a *App) changePasswordForm(c echo.Context) error {
	current, next := c.FormValue("current"), c.FormValue("new")
	if next != c.FormValue("confirm") {
		return a.renderAccount(c, http.StatusBadRequest, views.AccountPage{Problem: "The two new passwords differ. Type the same one twice."})
	}
	u, err := a.accounts.ChangePassword(c.Request().Context(), currentUser(c), current, next)
	if code := pier.ErrorCode(err); code == pier.EInvalid || code == pier.ETooMany {
		return a.renderAccount(c, statusOf[code], views.AccountPage{Problem: pier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	if err := a.keepSession(c, u); err != nil {
		return err
	}
	c.Set(userKey, u)
	return a.renderAccount(c, http.StatusOK, views.AccountPage{Notice: "Your password is changed. Your other browser sessions have ended."})
}

func (a *App) createTokenForm(c echo.Context) error {
	_, plain, err := a.accounts.CreateToken(c.Request().Context(), currentUser(c), c.FormValue("name"))
	if pier.ErrorCode(err) == pier.EInvalid {
		return a.renderAccount(c, http.StatusBadRequest, views.AccountPage{Problem: pier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return a.renderAccount(c, http.StatusCreated, views.AccountPage{NewToken: plain})
}

func (a *App) revokeTokenForm(c echo.Context) error {
	if err := a.accounts.RevokeToken(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/account")
}
