package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/ticket"
)

// officeHoursHandlers serve the weekly office hours: the slots the data
// team holds and the sessions they give, in the API and on their page.
// Booking a session belongs to a request, so it is the ticket handlers'.
type officeHoursHandlers struct {
	tickets *ticket.Service
	can     func(*auth.User) auth.Capabilities
	page    pageRenderer
}

func (a *App) officeHours() *officeHoursHandlers {
	return &officeHoursHandlers{tickets: a.tickets, can: a.enforcer.Capabilities, page: a.renderPage}
}

type apiSlot struct {
	ID      string `json:"id"`
	Weekday int    `json:"weekday"` // 0 is Sunday
	Start   string `json:"start"`   // HH:MM on the server's clock
	Minutes int    `json:"minutes"`
	Label   string `json:"label"`
}

type apiSession struct {
	Slot     string      `json:"slot"`
	StartsAt time.Time   `json:"starts_at"`
	EndsAt   time.Time   `json:"ends_at"`
	Booking  *apiBooking `json:"booking"`
}

func toAPISlot(s ticket.Slot) apiSlot {
	return apiSlot{ID: s.ID, Weekday: int(s.Weekday), Start: hhmm(s.Start), Minutes: s.Minutes, Label: s.Label()}
}

func hhmm(minutes int) string {
	return time.Date(2000, 1, 1, minutes/60, minutes%60, 0, 0, time.UTC).Format("15:04")
}

// officeHoursWeeks is how far ahead sessions are listed (and bookable).
const officeHoursWeeks = 4

func (h *officeHoursHandlers) api(c echo.Context) error {
	ctx := c.Request().Context()
	slots, err := h.tickets.Slots(ctx)
	if err != nil {
		return err
	}
	sessions, err := h.tickets.Sessions(ctx, officeHoursWeeks)
	if err != nil {
		return err
	}
	out := map[string]any{"slots": []apiSlot{}, "sessions": []apiSession{}}
	for _, s := range slots {
		out["slots"] = append(out["slots"].([]apiSlot), toAPISlot(s))
	}
	for _, s := range sessions {
		out["sessions"] = append(out["sessions"].([]apiSession), apiSession{Slot: s.Slot.ID, StartsAt: s.StartsAt, EndsAt: s.EndsAt, Booking: toAPIBooking(s.Booking)})
	}
	return c.JSON(http.StatusOK, out)
}

func (h *officeHoursHandlers) apiAddSlot(c echo.Context) error {
	var b struct {
		Weekday int    `json:"weekday"`
		Start   string `json:"start"`
		Minutes int    `json:"minutes"`
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	s, err := h.tickets.AddSlot(c.Request().Context(), currentUser(c), b.Weekday, b.Start, b.Minutes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPISlot(*s))
}

func (h *officeHoursHandlers) apiRemoveSlot(c echo.Context) error {
	if err := h.tickets.RemoveSlot(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
