package app

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/share"
)

// sharer is a service whose objects are shared with people: notebooks
// and dashboards, which decide who may share what.
type sharer interface {
	Share(ctx context.Context, who *auth.User, id, email string, role share.Role) error
	Unshare(ctx context.Context, who *auth.User, id, email string) error
	Shares(ctx context.Context, who *auth.User, id string) ([]share.Share, error)
}

// shareRoutes serves an object's shares under its group: list, share
// (answering the list as it now stands) and unshare.
func shareRoutes(g *echo.Group, s sharer) {
	list := func(c echo.Context) error {
		shares, err := s.Shares(c.Request().Context(), currentUser(c), c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"shares": shares})
	}
	g.GET("/:id/shares", list)
	g.POST("/:id/shares", func(c echo.Context) error {
		var body struct {
			Email string     `json:"email"`
			Role  share.Role `json:"role"`
		}
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
		if err := s.Share(c.Request().Context(), currentUser(c), c.Param("id"), body.Email, body.Role); err != nil {
			return err
		}
		return list(c)
	})
	g.DELETE("/:id/shares/:email", func(c echo.Context) error {
		if err := s.Unshare(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("email")); err != nil {
			return err
		}
		return list(c)
	})
}
