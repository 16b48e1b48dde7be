package app

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
)

// apiGrants lists who may read which restricted table (the data team).
func (a *App) apiGrants(c echo.Context) error {
	list, err := a.users.ListGrants(c.Request().Context(), c.QueryParam("table"), c.QueryParam("email"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"grants": list})
}

// apiGrant grants a table (admins), audited; it applies to the next query.
func (a *App) apiGrant(c echo.Context) error {
	var body struct {
		Email string `json:"email"`
		Table string `json:"table"`
		PII   bool   `json:"pii"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	table := strings.TrimSpace(body.Table)
	if _, ok := a.catalog.Table(table); !ok {
		return pier.Errorf(pier.EInvalid, "There is no table %q in the lake to grant.", table)
	}
	ctx := c.Request().Context()
	if err := a.users.GrantByAdmin(ctx, currentUser(c), strings.TrimSpace(body.Email), table, body.PII); err != nil {
		return err
	}
	list, err := a.users.ListGrants(ctx, table, strings.TrimSpace(body.Email))
	if err != nil {
		return err
	}
	if len(list) != 1 {
		return fmt.Errorf("app: the grant of %s to %s is not listed once but %d times", table, body.Email, len(list))
	}
	return c.JSON(http.StatusCreated, list[0])
}

// apiRevoke takes a grant away (admins), audited; it applies at once.
func (a *App) apiRevoke(c echo.Context) error {
	if err := a.users.Revoke(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
