package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/ticket"
)

var statusOf = map[string]int{
	pier.EInvalid: http.StatusBadRequest, pier.ESQL: http.StatusBadRequest,
	pier.EUnauthorized: http.StatusUnauthorized, pier.EForbidden: http.StatusForbidden, pier.EPasswordChange: http.StatusForbidden,
	pier.ENotFound: http.StatusNotFound, pier.EConflict: http.StatusConflict,
	pier.ETooLarge: http.StatusRequestEntityTooLarge, pier.ETooMany: http.StatusTooManyRequests,
	pier.ETimeout: http.StatusGatewayTimeout, pier.EInternal: http.StatusInternalServerError,
	pier.EUnavailable: http.StatusServiceUnavailable,
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Source  string `json:"source,omitempty"`
	// Access says which restricted tables stood in the way, and links to
	// the access request already filled in when asking would mend it.
	Access *accessNeed `json:"access,omitempty"`
}

type accessNeed struct {
	Tables  []string `json:"tables"`
	Request string   `json:"request,omitempty"`
}

func toAPIError(pe *pier.Error) apiError {
	return apiError{Code: pe.Code, Message: pe.Message, Line: pe.Line, Column: pe.Column, Source: pe.Source}
}

// accessNeedOf is what a locked dashboard tile needs; nil for any other error.
func accessNeedOf(err error) *accessNeed {
	var locked *dashboard.LockedTile
	if !errors.As(err, &locked) {
		return nil
	}
	need := &accessNeed{Tables: locked.Tables}
	if locked.MayRequest() {
		tile := "a tile"
		if locked.Tile.Title != "" {
			tile = fmt.Sprintf("the tile %q", locked.Tile.Title)
		}
		why := fmt.Sprintf("To see %s on the dashboard %q.", tile, locked.Dashboard.Title)
		if locked.OwnerLacks && !locked.IsOwner {
			why += fmt.Sprintf(" Its tiles run with the access of its owner, %s, who has no access to %s either.", locked.Dashboard.Owner, locked.Tables[0])
		}
		need.Request = accessRequestURL(locked.Tables[0], locked.Dashboard.ID, why)
	}
	return need
}

// accessRequestURL is the filing form with an access request to table
// filled in, linked to the dashboard it is for.
func accessRequestURL(table, dashboardID, why string) string {
	q := url.Values{"category": {string(ticket.CatDataAccess)}, "access_table": {table}, "title": {"Access to " + table}, "body": {why}}
	if dashboardID != "" {
		q.Set("dashboard", dashboardID)
	}
	return "/tickets/new?" + q.Encode()
}

// handleError is the one place errors become responses: JSON for the API,
// a page for people. Internal errors are logged with the request id and
// shown only as a generic sentence.
func (a *App) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		a.log.Warn("error after the response started", "err", err, "path", c.Path())
		return
	}
	pe := publicError(err)
	status := statusOf[pe.Code]
	if pe.Code == pier.EInternal {
		a.log.Error("internal error", "err", err, "path", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	if isAPI(c.Request().URL.Path) {
		body := toAPIError(pe)
		body.Access = accessNeedOf(err)
		c.JSON(status, map[string]apiError{"error": body})
		return
	}
	if status == http.StatusUnauthorized {
		c.Redirect(http.StatusSeeOther, loginURL(c))
		return
	}
	a.render(c, status, views.ErrorPage(titleFor(status), pe.Message, a.viewer(c)))
}

// publicError turns any error into one whose message is safe to show.
func publicError(err error) *pier.Error {
	var pe *pier.Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, context.Canceled) {
		// The client went away or the server is stopping; either way
		// nobody is waiting for a detailed answer.
		return pier.Errorf(pier.EUnavailable, "The request was stopped before it finished. Try again in a moment.")
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return pier.Errorf(pier.ENotFound, "There is nothing at this address.")
		case http.StatusMethodNotAllowed:
			return pier.Errorf(pier.ENotFound, "There is nothing at this address for this method.")
		case http.StatusRequestEntityTooLarge:
			return pier.Errorf(pier.ETooLarge, "The request is larger than Pier accepts (%s).", maxBody)
		case http.StatusBadRequest, http.StatusUnsupportedMediaType:
			return pier.Errorf(pier.EInvalid, "The request could not be read. Send JSON as the API describes.")
		}
	}
	return &pier.Error{Code: pier.EInternal, Message: pier.ErrorMessage(err)}
}

func titleFor(status int) string {
	switch status {
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusNotFound:
		return "Not found"
	case http.StatusTooManyRequests:
		return "Too many requests"
	case http.StatusInternalServerError:
		return "Something went wrong"
	}
	return "That did not work"
}
