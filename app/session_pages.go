package app

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
)

// sessionHandlers sign people in and out: with a password, throttled per
// account and per address, or through single sign-on.
type sessionHandlers struct {
	users    *auth.Store
	accounts *auth.Accounts
	sessions *scs.SessionManager
	throttle *auth.Throttle // per account
	addrs    *auth.Throttle // per client address, across accounts
	sso      *sso           // nil without single sign-on
	// noPasswords: password sign-in is off; people use single sign-on.
	noPasswords bool
	site        func(echo.Context) string // where people reach Pier
	render      func(echo.Context, int, templ.Component) error
	log         *slog.Logger
}

func (a *App) session() *sessionHandlers {
	return &sessionHandlers{users: a.users, accounts: a.accounts, sessions: a.sessions, throttle: a.throttle, addrs: a.addrs,
		sso: a.sso, noPasswords: a.cfg.NoPasswordSignIn, site: a.siteURL, render: a.render, log: a.log}
}

func (h *sessionHandlers) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return h.render(c, http.StatusOK, h.loginView(c, "", ""))
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
func (h *sessionHandlers) loginView(c echo.Context, email, problem string) templ.Component {
	p := views.LoginPage{Email: email, CSRF: csrfToken(c), Problem: problem, Passwords: !h.noPasswords,
		Next: localPath(c.FormValue("next"))}
	if h.sso != nil {
		p.SSO = h.sso.cfg.Label
	}
	return views.Login(p)
}

// loginProblem shows the sign-in page with why the last attempt failed.
func (h *sessionHandlers) loginProblem(c echo.Context, status int, err error) error {
	return h.render(c, status, h.loginView(c, c.FormValue("email"), pier.ErrorMessage(err)))
}

func (h *sessionHandlers) login(c echo.Context) error {
	if h.noPasswords {
		return h.loginProblem(c, http.StatusForbidden, pier.Errorf(pier.EForbidden, "Password sign-in is turned off here. Use the single sign-on button."))
	}
	email, password := strings.TrimSpace(c.FormValue("email")), c.FormValue("password")
	u, err := h.signIn(c, email, password)
	switch code := pier.ErrorCode(err); code {
	case "":
	case pier.EUnauthorized, pier.ETooMany:
		return h.loginProblem(c, statusOf[code], err)
	default:
		return err
	}
	return h.startSession(c, u, viaPassword, localPath(c.FormValue("next")))
}

// startSession signs the browser in as u, through via. A new session id
// at sign-in stops session fixation; a new CSRF token likewise, so a token
// planted before sign-in is worth nothing after. Only a password sign-in
// answers for a one-time password.
func (h *sessionHandlers) startSession(c echo.Context, u *auth.User, via, next string) error {
	ctx := c.Request().Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionUser, u.ID)
	h.sessions.Put(ctx, sessionEpoch, u.SessionEpoch)
	h.sessions.Put(ctx, sessionVia, via)
	dropCSRF(c)
	if err := h.accounts.SignedIn(ctx, u, via, c.RealIP()); err != nil {
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
func (h *sessionHandlers) signIn(c echo.Context, email, password string) (*auth.User, error) {
	return h.signInFrom(c.Request().Context(), email, password, c.RealIP())
}

// signInFrom is signIn for a client at address, for the web and the Flight
// SQL handshake alike.
func (h *sessionHandlers) signInFrom(ctx context.Context, email, password, address string) (*auth.User, error) {
	// The address is charged first, so a refused address cannot spend an
	// account's attempts; the account's limit is per address too, so that
	// nobody can lock a person out by failing to sign in as them.
	email = strings.TrimSpace(email) // as the account lookup trims it, so spaces are not another key
	client := auth.ClientKey(address)
	if err := h.addrs.Allow(client); err != nil {
		return nil, err
	}
	key := strings.ToLower(email[:min(len(email), auth.MaxEmailLength)]) // CheckPassword refuses longer ones
	if err := h.throttle.Allow(key + "|" + client); err != nil {
		return nil, err
	}
	return h.users.CheckPassword(ctx, email, password)
}

func (h *sessionHandlers) logout(c echo.Context) error {
	if err := h.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	dropCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}
