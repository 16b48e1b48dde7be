package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
)

// The People page: admins list, add, change, disable and reset accounts.
// auth.Accounts decides and audits; the page only shows what it says.

func (a *App) peoplePage(c echo.Context) error {
	return a.renderPeople(c, http.StatusOK, views.PeoplePage{})
}

func (a *App) renderPeople(c echo.Context, status int, p views.PeoplePage) error {
	me := currentUser(c)
	people, err := a.accounts.People(c.Request().Context(), me)
	if err != nil {
		return err
	}
	p.NoPasswords = a.cfg.NoPasswordSignIn
	if a.sso != nil && len(a.sso.cfg.Policy.Tiers.Map) > 0 {
		p.FromGroups = a.sso.cfg.Label
	}
	for _, t := range auth.Tiers {
		p.Tiers = append(p.Tiers, string(t))
	}
	for _, u := range people {
		p.People = append(p.People, views.PersonRow{ID: u.ID, Email: u.Email, Name: u.Name, Tier: string(u.Tier),
			Status: accountStatus(u), Disabled: u.Disabled, LastSeen: a.when(u.LastSeen), Self: u.ID == me.ID})
	}
	return a.render(c, status, views.People(a.viewer(c), p))
}

func accountStatus(u *auth.User) string {
	switch {
	case u.Disabled:
		return "Disabled"
	case u.MustChangePassword:
		return "Must choose a password"
	}
	return "Active"
}

// peopleProblem shows a refusal in words on the page; anything else is
// the error handler's.
func (a *App) peopleProblem(c echo.Context, err error) error {
	if code := pier.ErrorCode(err); code == pier.EInvalid || code == pier.EConflict || code == pier.ENotFound || code == pier.ETooMany {
		return a.renderPeople(c, statusOf[code], views.PeoplePage{Problem: pier.ErrorMessage(err)})
	}
	return err
}

func (a *App) addPersonForm(c echo.Context) error {
	u, password, err := a.accounts.AddPerson(c.Request().Context(), currentUser(c),
		c.FormValue("email"), c.FormValue("name"), auth.Tier(c.FormValue("tier")))
	if err != nil {
		return a.peopleProblem(c, err)
	}
	return a.renderPeople(c, http.StatusCreated, views.PeoplePage{Issued: a.issued(c, u, password)})
}

// issued is a one-time password with the message that tells its person
// where and how to sign in.
func (a *App) issued(c echo.Context, u *auth.User, password string) *views.IssuedPassword {
	site := a.siteURL(c)
	if a.cfg.NoPasswordSignIn {
		msg := fmt.Sprintf("Hello %s,\n\nyou can sign in to Pier at %s/login with %s, as %s.", u.Name, site, a.sso.cfg.Label, u.Email)
		return &views.IssuedPassword{Email: u.Email, Message: msg}
	}
	msg := fmt.Sprintf("Hello %s,\n\nyou can sign in to Pier at %s/login\ne-mail: %s\none-time password: %s\n\nPier asks you to choose your own password when you sign in.",
		u.Name, site, u.Email, password)
	return &views.IssuedPassword{Email: u.Email, Password: password, Message: msg}
}

func (a *App) setTierForm(c echo.Context) error {
	tier := auth.Tier(c.FormValue("tier"))
	u, err := a.accounts.ChangePerson(c.Request().Context(), currentUser(c), a.personParam(c), auth.UserChange{Tier: &tier})
	if err != nil {
		return a.peopleProblem(c, err)
	}
	return a.renderPeople(c, http.StatusOK, views.PeoplePage{Notice: u.Name + " is now " + string(u.Tier) + "."})
}

func (a *App) setDisabledForm(c echo.Context) error {
	off, err := strconv.ParseBool(c.FormValue("disabled"))
	if err != nil {
		return a.peopleProblem(c, pier.Errorf(pier.EInvalid, "Say whether to disable the account: true or false."))
	}
	u, err := a.accounts.ChangePerson(c.Request().Context(), currentUser(c), a.personParam(c), auth.UserChange{Disabled: &off})
	if err != nil {
		return a.peopleProblem(c, err)
	}
	notice := u.Name + " can sign in again."
	if u.Disabled {
		notice = u.Name + " is disabled: their sessions have ended and their API tokens stopped working."
	}
	return a.renderPeople(c, http.StatusOK, views.PeoplePage{Notice: notice})
}

func (a *App) resetPasswordForm(c echo.Context) error {
	ctx := c.Request().Context()
	if err := a.passwordsOn(); err != nil {
		return a.peopleProblem(c, err)
	}
	password, err := a.accounts.ResetPassword(ctx, currentUser(c), a.personParam(c))
	if err != nil {
		return a.peopleProblem(c, err)
	}
	u, err := a.users.UserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return a.renderPeople(c, http.StatusOK, views.PeoplePage{Issued: a.issued(c, u, password)})
}

// passwordsOn refuses what only makes sense with password sign-in.
func (a *App) passwordsOn() error {
	if a.cfg.NoPasswordSignIn {
		return pier.Errorf(pier.EInvalid, "Password sign-in is turned off, so there is no password to reset; people sign in with %s.", a.sso.cfg.Label)
	}
	return nil
}

// personParam is the e-mail of the account whose id is in the path ("" if
// there is none, which the account service answers as not found).
func (a *App) personParam(c echo.Context) string {
	u, err := a.users.UserByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return ""
	}
	return u.Email
}

// emailParam is the e-mail in an API path, decoded exactly once: echo
// gives the path as sent when it holds escapes (view%40example.com) and
// already decoded otherwise, so decoding again could turn the address of
// one account (dat%2561@…, sent for dat%61@…) into another's.
func emailParam(c echo.Context) string {
	p := c.Param("email")
	if c.Request().URL.RawPath == "" {
		return p
	}
	if e, err := url.PathUnescape(p); err == nil {
		return e
	}
	return p
}
