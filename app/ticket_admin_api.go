package app

import (
	"math"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/ticket"
	"github.com/pier-analytics/pier/webhook"
)

func (a *App) apiAnswers(c echo.Context) error {
	list, err := a.tickets.Answers(c.Request().Context(), currentUser(c), c.QueryParam("q"), 50)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"answers": toAPISummaries(list)})
}

type apiHealth struct {
	Weeks             []string                  `json:"weeks"`
	PerCategory       map[ticket.Category][]int `json:"per_category"`
	Backlog           []int                     `json:"backlog"`
	Open              int                       `json:"open"`
	Filed             int                       `json:"filed"`
	Answered          int                       `json:"answered"`
	AnsweredByGuide   int                       `json:"answered_by_guide"`
	MedianFirstReplyH *float64                  `json:"median_first_response_hours"`
	MedianToAnswerH   *float64                  `json:"median_answer_hours"`
	FirstReplyWeeklyH []*float64                `json:"first_response_hours_by_week"`
	ToAnswerWeeklyH   []*float64                `json:"answer_hours_by_week"`
}

// healthWeeks is how far back the queue health page looks.
const healthWeeks = 12

func (a *App) apiTicketHealth(c echo.Context) error {
	h, err := a.tickets.Health(c.Request().Context(), currentUser(c), healthWeeks)
	if err != nil {
		return err
	}
	out := apiHealth{PerCategory: h.PerCategory, Backlog: h.Backlog, Open: h.Open, Filed: h.Filed, Answered: h.Answered,
		AnsweredByGuide: h.ByGuide, MedianFirstReplyH: hours(h.Medians.FirstReply), MedianToAnswerH: hours(h.Medians.ToAnswer)}
	for i, w := range h.Weeks {
		out.Weeks = append(out.Weeks, w.Format(time.DateOnly))
		out.FirstReplyWeeklyH = append(out.FirstReplyWeeklyH, hours(h.FirstReply[i]))
		out.ToAnswerWeeklyH = append(out.ToAnswerWeeklyH, hours(h.ToAnswer[i]))
	}
	return c.JSON(http.StatusOK, out)
}

func hours(d *time.Duration) *float64 {
	if d == nil {
		return nil
	}
	h := math.Round(d.Hours()*10) / 10
	return &h
}

type webhookBody struct {
	URL          string `json:"url"`
	AllowPrivate bool   `json:"allow_private"`
}

func (a *App) apiGetWebhook(c echo.Context) error {
	cfg, err := webhook.Load(c.Request().Context(), a.db)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookBody{URL: cfg.URL, AllowPrivate: cfg.AllowPrivate})
}

// apiSetWebhook saves the webhook; links in its messages point at the
// address the admin reached Pier by.
func (a *App) apiSetWebhook(c echo.Context) error {
	var b webhookBody
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	cfg := webhook.Config{URL: b.URL, AllowPrivate: b.AllowPrivate, Base: a.siteURL(c)}
	if err := webhook.Save(c.Request().Context(), a.db, cfg); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, b)
}
