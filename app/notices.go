package app

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
)

// noticesShown is how many notices the page and the API give.
const noticesShown = 50

// noticesPage lists what happened to the requests a person follows, then
// marks it all read: the page is where the bell leads.
func (h *ticketHandlers) noticesPage(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	list, _, err := h.tickets.Notices(ctx, who, noticesShown)
	if err != nil {
		return err
	}
	rows := make([]views.NoticeRow, len(list))
	for i, n := range list {
		rows[i] = views.NoticeRow{Ticket: n.TicketID, Title: n.Title, Actor: n.Actor, What: n.What, When: h.when(n.At), Unread: !n.Read}
	}
	if err := h.tickets.MarkRead(ctx, who, 0); err != nil {
		return err
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component {
		v.Unread = 0
		return views.Notices(rows, v)
	})
}

func (h *ticketHandlers) apiNotices(c echo.Context) error {
	list, unread, err := h.tickets.Notices(c.Request().Context(), currentUser(c), noticesShown)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"unread": unread, "notifications": list})
}

// apiReadNotices marks the caller's notices read: of one request, or all.
func (h *ticketHandlers) apiReadNotices(c echo.Context) error {
	var body struct {
		Ticket int64 `json:"ticket"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := h.tickets.MarkRead(c.Request().Context(), currentUser(c), body.Ticket); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
