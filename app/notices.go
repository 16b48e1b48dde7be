package app

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
)

// noticesShown is how many notices the page and the API give.
const noticesShown = 50

// noticesPage lists what happened to the requests a person follows, then
// marks it all read: the page is where the bell leads.
func (a *App) noticesPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	list, _, err := a.tickets.Notices(ctx, who, noticesShown)
	if err != nil {
		return err
	}
	rows := make([]views.NoticeRow, len(list))
	for i, n := range list {
		rows[i] = views.NoticeRow{Ticket: n.TicketID, Title: n.Title, Actor: n.Actor, What: n.What, When: a.when(n.At), Unread: !n.Read}
	}
	if err := a.tickets.MarkRead(ctx, who, 0); err != nil {
		return err
	}
	v := a.viewer(c)
	v.Unread = 0
	return a.render(c, http.StatusOK, views.Notices(rows, v))
}

func (a *App) apiNotices(c echo.Context) error {
	list, unread, err := a.tickets.Notices(c.Request().Context(), currentUser(c), noticesShown)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"unread": unread, "notifications": list})
}

// apiReadNotices marks the caller's notices read: of one request, or all.
func (a *App) apiReadNotices(c echo.Context) error {
	var body struct {
		Ticket int64 `json:"ticket"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := a.tickets.MarkRead(c.Request().Context(), currentUser(c), body.Ticket); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
