package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/app/views"
)

func (h *officeHoursHandlers) pageView(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	sessions, err := h.tickets.Sessions(ctx, officeHoursWeeks)
	if err != nil {
		return err
	}
	slots, err := h.tickets.Slots(ctx)
	if err != nil {
		return err
	}
	zone, _ := time.Now().Zone()
	page := views.OfficeHoursPage{Zone: zone, CanEdit: h.can(who).ManageHours}
	for _, s := range sessions {
		row := views.SessionRow{When: sessionLabel(s.StartsAt, s.EndsAt), Free: s.Booking == nil}
		if b := s.Booking; b != nil {
			row.TicketID, row.TicketTitle, row.BookedBy = b.TicketID, b.TicketTitle, b.BookedBy.Name
		}
		page.Sessions = append(page.Sessions, row)
	}
	for _, s := range slots {
		page.Slots = append(page.Slots, views.SlotRow{ID: s.ID, Label: s.Label()})
	}
	for d := time.Monday; d <= time.Saturday+1; d++ {
		page.Weekdays = append(page.Weekdays, views.Option{Value: strconv.Itoa(int(d % 7)), Label: (d % 7).String()})
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.OfficeHours(page, v) })
}

func (h *officeHoursHandlers) addSlotForm(c echo.Context) error {
	day, _ := strconv.Atoi(c.FormValue("weekday"))
	minutes, _ := strconv.Atoi(c.FormValue("minutes"))
	if _, err := h.tickets.AddSlot(c.Request().Context(), currentUser(c), day, c.FormValue("start"), minutes); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/office-hours")
}

func (h *officeHoursHandlers) removeSlotForm(c echo.Context) error {
	if err := h.tickets.RemoveSlot(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/office-hours")
}
