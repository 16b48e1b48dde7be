package app

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/webhook"
)

// webhookSettingsHandlers serve the admins' settings page and its API:
// where the request queue's events are sent, how the last sends went, and
// the time zone every page reads in.
type webhookSettingsHandlers struct {
	db       *store.DB
	outbox   *webhook.Outbox
	zone     *reportZone
	zoneName func() string
	siteURL  func(echo.Context) string
	flash    flasher
	page     pageRenderer
	when     func(time.Time) string
}

func (a *App) webhookSettings() *webhookSettingsHandlers {
	return &webhookSettingsHandlers{db: a.db, outbox: a.outbox, zone: a.zone, zoneName: a.zoneName, siteURL: a.siteURL,
		flash: a, page: a.renderPage, when: a.when}
}

type webhookBody struct {
	URL          string `json:"url"`
	AllowPrivate bool   `json:"allow_private"`
}

func (h *webhookSettingsHandlers) apiGetWebhook(c echo.Context) error {
	cfg, err := webhook.Load(c.Request().Context(), h.db)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookBody{URL: cfg.URL, AllowPrivate: cfg.AllowPrivate})
}

// apiSetWebhook saves the webhook; links in its messages point at the
// address the admin reached Pier by.
func (h *webhookSettingsHandlers) apiSetWebhook(c echo.Context) error {
	var b webhookBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cfg := webhook.Config{URL: b.URL, AllowPrivate: b.AllowPrivate, Base: h.siteURL(c)}
	if err := webhook.Save(c.Request().Context(), h.db, cfg); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}

func (h *webhookSettingsHandlers) pageView(c echo.Context) error {
	ctx := c.Request().Context()
	cfg, err := webhook.Load(ctx, h.db)
	if err != nil {
		return err
	}
	_, zone := h.zone.get()
	page := views.WebhookPage{URL: cfg.URL, AllowPrivate: cfg.AllowPrivate, Zone: zone, ServerZone: serverZoneName()}
	switch f := h.flash.popFlash(ctx, zoneFlash); f.What {
	case "saved":
		page.ZoneSaved = f.Text
	case "error":
		typed, said, _ := strings.Cut(f.Text, "\n")
		page.Zone, page.ZoneProblem = typed, said
	}
	if err := h.fillSettingsPage(ctx, &page); err != nil {
		return err
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.WebhookSettings(page, v) })
}

func (h *webhookSettingsHandlers) fillSettingsPage(ctx context.Context, page *views.WebhookPage) error {
	recent, err := h.outbox.Recent(ctx, 20)
	if err != nil {
		return err
	}
	for _, d := range recent {
		page.Deliveries = append(page.Deliveries, views.DeliveryRow{When: h.when(d.CreatedAt), Text: d.Text, State: d.State(), Attempts: d.Attempts, Error: d.LastError})
	}
	return nil
}

func (h *webhookSettingsHandlers) webhookForm(c echo.Context) error {
	cfg := webhook.Config{URL: c.FormValue("url"), AllowPrivate: c.FormValue("allow_private") == "true", Base: h.siteURL(c)}
	if err := webhook.Save(c.Request().Context(), h.db, cfg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/webhook")
}

// zoneForm sets the report time zone (admins).
func (h *webhookSettingsHandlers) zoneForm(c echo.Context) error {
	ctx := c.Request().Context()
	err := h.zone.set(ctx, c.FormValue("timezone"))
	switch {
	case pier.ErrorCode(err) == pier.EInvalid: // said beside the field, with what was typed
		h.flash.putFlash(ctx, zoneFlash, flash{"error", c.FormValue("timezone") + "\n" + pier.ErrorMessage(err)})
	case err != nil:
		return err
	default:
		h.flash.putFlash(ctx, zoneFlash, flash{"saved", "Saved: every time in Pier now reads in " + h.zoneName() + "."})
	}
	return c.Redirect(http.StatusSeeOther, "/settings/webhook#zone")
}

func (h *webhookSettingsHandlers) apiGetZone(c echo.Context) error {
	_, name := h.zone.get()
	return c.JSON(http.StatusOK, map[string]string{"timezone": name, "effective": h.zoneName()})
}

func (h *webhookSettingsHandlers) apiSetZone(c echo.Context) error {
	var body struct {
		Timezone string `json:"timezone"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if err := h.zone.set(c.Request().Context(), body.Timezone); err != nil {
		return err
	}
	return h.apiGetZone(c)
}
