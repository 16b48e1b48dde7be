package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
)

// peopleHandlers serve the People page and API: admins list, add,
// change, disable and reset accounts. auth.Accounts decides and audits;
// the page only shows what it says.
type peopleHandlers struct {
	accounts *auth.Accounts
	users    *auth.Store
	page     pageRenderer
	when     func(time.Time) string
	site     func(echo.Context) string // where people reach Pier
	// noPasswords: people sign in with single sign-on (ssoLabel) only.
	noPasswords bool
	ssoLabel    string
	// tiersFromGroups: the sign-on provider's groups set tiers.
	tiersFromGroups bool
}

func (a *App) people() *peopleHandlers {
	h := &peopleHandlers{accounts: a.accounts, users: a.users, page: a.renderPage, when: a.when, site: a.siteURL,
		noPasswords: a.cfg.NoPasswordSignIn}
	if a.sso != nil {
		h.ssoLabel, h.tiersFromGroups = a.sso.cfg.Label, len(a.sso.cfg.Policy.Tiers.Map) > 0
	}
	return h
}

func (h *peopleHandlers) peoplePage(c echo.Context) error {
	return h.renderPeople(c, http.StatusOK, views.PeoplePage{})
}

func (h *peopleHandlers) renderPeople(c echo.Context, status int, p views.PeoplePage) error {
	me := currentUser(c)
	people, err := h.accounts.People(c.Request().Context(), me)
	if err != nil {
		return err
	}
	p.NoPasswords = h.noPasswords
	if h.tiersFromGroups {
		p.FromGroups = h.ssoLabel
	}
	for _, t := range auth.Tiers {
		p.Tiers = append(p.Tiers, string(t))
	}
	for _, u := range people {
		p.People = append(p.People, views.PersonRow{ID: u.ID, Email: u.Email, Name: u.Name, Tier: string(u.Tier),
			Status: accountStatus(u), Disabled: u.Disabled, LastSeen: h.when(u.LastSeen), Self: u.ID == me.ID})
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.People(v, p) })
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
func (h *peopleHandlers) peopleProblem(c echo.Context, err error) error {
	if code := pier.ErrorCode(err); code == pier.EInvalid || code == pier.EConflict || code == pier.ENotFound || code == pier.ETooMany {
		return h.renderPeople(c, statusOf[code], views.PeoplePage{Problem: pier.ErrorMessage(err)})
	}
	return err
}

func (h *peopleHandlers) addPersonForm(c echo.Context) error {
	u, password, err := h.accounts.AddPerson(c.Request().Context(), currentUser(c),
		c.FormValue("email"), c.FormValue("name"), auth.Tier(c.FormValue("tier")))
	if err != nil {
		return h.peopleProblem(c, err)
	}
	return h.renderPeople(c, http.StatusCreated, views.PeoplePage{Issued: h.issued(c, u, password)})
}

// issued is a one-time password with the message that tells its person
// where and how to sign in.
func (h *peopleHandlers) issued(c echo.Context, u *auth.User, password string) *views.IssuedPassword {
	site := h.site(c)
	if h.noPasswords {
		msg := fmt.Sprintf("Hello %s,\n\nyou can sign in to Pier at %s/login with %s, as %s.", u.Name, site, h.ssoLabel, u.Email)
		return &views.IssuedPassword{Email: u.Email, Message: msg}
	}
	msg := fmt.Sprintf("Hello %s,\n\nyou can sign in to Pier at %s/login\ne-mail: %s\none-time password: %s\n\nPier asks you to choose your own password when you sign in.",
		u.Name, site, u.Email, password)
	return &views.IssuedPassword{Email: u.Email, Password: password, Message: msg}
}

func (h *peopleHandlers) setTierForm(c echo.Context) error {
	tier := auth.Tier(c.FormValue("tier"))
	u, err := h.accounts.ChangePerson(c.Request().Context(), currentUser(c), h.personParam(c), auth.UserChange{Tier: &tier})
	if err != nil {
		return h.peopleProblem(c, err)
	}
	return h.renderPeople(c, http.StatusOK, views.PeoplePage{Notice: u.Name + " is now " + string(u.Tier) + "."})
}

func (h *peopleHandlers) setDisabledForm(c echo.Context) error {
	off, err := strconv.ParseBool(c.FormValue("disabled"))
	if err != nil {
		return h.peopleProblem(c, pier.Errorf(pier.EInvalid, "Say whether to disable the account: true or false."))
	}
	u, err := h.accounts.ChangePerson(c.Request().Context(), currentUser(c), h.personParam(c), auth.UserChange{Disabled: &off})
	if err != nil {
		return h.peopleProblem(c, err)
	}
	notice := u.Name + " can sign in again."
	if u.Disabled {
		notice = u.Name + " is disabled: their sessions have ended and their API tokens stopped working."
	}
	return h.renderPeople(c, http.StatusOK, views.PeoplePage{Notice: notice})
}

func (h *peopleHandlers) resetPasswordForm(c echo.Context) error {
	ctx := c.Request().Context()
	if err := h.passwordsOn(); err != nil {
		return h.peopleProblem(c, err)
	}
	password, err := h.accounts.ResetPassword(ctx, currentUser(c), h.personParam(c))
	if err != nil {
		return h.peopleProblem(c, err)
	}
	u, err := h.users.UserByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return h.renderPeople(c, http.StatusOK, views.PeoplePage{Issued: h.issued(c, u, password)})
}

// passwordsOn refuses what only makes sense with password sign-in.
func (h *peopleHandlers) passwordsOn() error {
	if h.noPasswords {
		return pier.Errorf(pier.EInvalid, "Password sign-in is turned off, so there is no password to reset; people sign in with %s.", h.ssoLabel)
	}
	return nil
}

// personParam is the e-mail of the account whose id is in the path ("" if
// there is none, which the account service answers as not found).
func (h *peopleHandlers) personParam(c echo.Context) string {
	u, err := h.users.UserByID(c.Request().Context(), c.Param("id"))
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
