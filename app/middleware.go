package app

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

const (
	userKey      = "pier.user"
	bearerKey    = "pier.bearer"
	sessionUser  = "user_id"
	sessionEpoch = "epoch"
	sessionVia   = "via" // viaSSO when single sign-on signed the session in
	viaSSO       = "sso"
	viaPassword  = "password"
	viaFlight    = "flight_sql" // a Basic handshake on the Flight SQL endpoint
)

// identify finds who is calling: an API token in Authorization, else the
// session cookie. The user is read from the store on every request, so a
// tier change, a disabled account or a revoked grant applies at once.
func (a *App) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				return pier.Errorf(pier.EUnauthorized, "Send the API token as `Authorization: Bearer <token>`.")
			}
			u, err := a.users.UserByToken(ctx, strings.TrimSpace(token))
			if err != nil {
				return err
			}
			c.Set(userKey, u)
			c.Set(bearerKey, true)
			a.accounts.Seen(ctx, u)
			return next(c)
		}
		if id := a.sessions.GetString(ctx, sessionUser); id != "" {
			u, err := a.users.UserByID(ctx, id)
			switch {
			case err == nil && !u.Disabled && a.sessions.GetInt64(ctx, sessionEpoch) == u.SessionEpoch:
				c.Set(userKey, u)
				a.accounts.Seen(ctx, u)
			case err == nil || pier.ErrorCode(err) == pier.ENotFound:
				// Disabled, gone, or a session from before a new password.
				a.sessions.Destroy(ctx)
			default:
				return err
			}
		}
		return next(c)
	}
}

// passwordGate lets a person signed in with a password Pier made do
// nothing but choose a new one (and sign out): pages lead to the account
// page, the API answers 403 password_change_required. API tokens and
// single sign-on are not the one-time password and are not held up: an
// operator may create a token on the command line for a script before
// anyone has signed in.
func (a *App) passwordGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		if u == nil || !u.MustChangePassword || c.Get(bearerKey) == true || a.sessions.GetString(c.Request().Context(), sessionVia) == viaSSO || passwordChangePaths[c.Request().URL.Path] || strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		if isAPI(c.Request().URL.Path) {
			return pier.Errorf(pier.EPasswordChange, "Choose a new password first: the one you signed in with was for one use only. Send it with POST /api/v1/me/password.")
		}
		return c.Redirect(http.StatusSeeOther, "/settings/account")
	}
}

var passwordChangePaths = map[string]bool{
	"/settings/account": true, "/settings/account/password": true, "/api/v1/me/password": true,
	"/api/v1/me": true, "/logout": true, "/login": true, "/healthz": true,
}

func currentUser(c echo.Context) *auth.User {
	u, _ := c.Get(userKey).(*auth.User)
	return u
}

// require lets the request through only if the caller's tier allows act on
// obj; the route table uses it so handlers never decide access themselves.
func (a *App) require(obj, act string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := a.enforcer.Authorize(currentUser(c), obj, act); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// signedInPage sends people who are not signed in to the sign-in page.
func (a *App) signedInPage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return c.Redirect(http.StatusSeeOther, loginURL(c))
		}
		return next(c)
	}
}

// csrf protects cookie-authenticated writes and the sign-in form. Requests
// with an API token carry no ambient credentials and skip it, as do API
// calls from nobody, which are refused as unauthenticated anyway.
func (a *App) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			return c.Get(bearerKey) == true || (isAPI(c.Request().URL.Path) && currentUser(c) == nil)
		},
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     "pier_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return pier.Errorf(pier.EForbidden, "This form has expired or did not come from Pier. Reload the page and try again.")
		},
	})
}

// dropCSRF expires the CSRF cookie, so the next page gets a new token.
func dropCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: "pier_csrf", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func csrfToken(c echo.Context) string {
	s, _ := c.Get("csrf").(string)
	return s
}

// accessLog writes one structured line per request.
func (a *App) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		res := c.Response()
		a.metrics.observeHTTP(res.Status)
		a.log.Info("http", "method", c.Request().Method, "path", c.Path(), "status", res.Status,
			"ms", time.Since(start).Milliseconds(), "bytes", res.Size, "request_id", res.Header().Get(echo.HeaderXRequestID))
		return nil
	}
}

// isAPI tells machine-facing paths, which answer errors in JSON, from pages.
func isAPI(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/metrics"
}

// contentPolicy lets pages run only Pier's own scripts: markdown, titles
// and results are shown as data, and even if a sanitiser missed something
// the browser would refuse to run it. Styles may be inline because the
// editor and the charts set them on elements.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	}
}

// formsOnlyPost makes a page form's fields come from its body alone: a
// form's action is a plain path, so a query string on a form post is
// someone's attempt to slip a field into a form an admin sends (a path
// built from a name once carried one), and is dropped before anything
// reads the form.
func formsOnlyPost(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodPost && !isAPI(r.URL.Path) {
			r.URL.RawQuery = ""
		}
		return next(c)
	}
}
