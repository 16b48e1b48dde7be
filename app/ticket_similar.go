package app

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/ticket"
)

// suggestion is something that may already answer a question being typed.
type suggestion struct {
	Kind    string `json:"kind"` // answer, dashboard or dataset
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet,omitempty"`
	Trusted bool   `json:"trusted"` // a guide entry, or certified by the data team
	score   int
}

// maxSuggestions keeps the list short enough to read while typing.
const maxSuggestions = 6

func (h *ticketHandlers) apiSimilar(c echo.Context) error {
	out, err := h.similar(c.Request().Context(), currentUser(c), c.QueryParam("q"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"suggestions": out})
}

// similar finds answers, dashboards and datasets whose words match q,
// among those who may open; trusted ones rank first at equal match.
func (h *ticketHandlers) similar(ctx context.Context, who *auth.User, q string) ([]suggestion, error) {
	words := ticket.Words(q)
	out := []suggestion{}
	if len(words) == 0 {
		return out, nil
	}
	answers, err := h.tickets.Answers(ctx, who, q, maxSuggestions)
	if err != nil {
		return nil, err
	}
	for _, t := range answers {
		out = append(out, suggestion{Kind: "answer", Title: t.Title, URL: "/tickets/" + strconv.FormatInt(t.ID, 10),
			Snippet: snippet(t.Answer), Trusted: t.Guide, score: ticket.Score(words, t.Title, t.Body+" "+t.Answer)})
	}
	boards, err := h.dashboards.List(ctx, who)
	if err != nil {
		return nil, err
	}
	for _, d := range boards {
		out = append(out, suggestion{Kind: "dashboard", Title: d.Title, URL: "/dashboards/" + d.ID,
			Snippet: snippet(d.Description), Trusted: d.Certified, score: ticket.Score(words, d.Title, d.Description)})
	}
	if h.can(who).Explore {
		sets, err := h.dashboards.Datasets(ctx, who)
		if err != nil {
			return nil, err
		}
		for _, d := range sets {
			out = append(out, suggestion{Kind: "dataset", Title: d.Name, URL: "/explore?dataset=" + d.ID,
				Snippet: snippet(d.Description), Trusted: d.Certified, score: ticket.Score(words, d.Name, d.Description)})
		}
	}
	return rank(out), nil
}

func rank(s []suggestion) []suggestion {
	s = slices.DeleteFunc(s, func(x suggestion) bool { return x.score == 0 })
	for i := range s {
		if s[i].Trusted {
			s[i].score++
		}
	}
	slices.SortStableFunc(s, func(x, y suggestion) int { return y.score - x.score })
	return s[:min(len(s), maxSuggestions)]
}

// snippet is the start of a markdown text, as plain words, for a
// one-line preview.
func snippet(md string) string {
	s := plainText(md)
	r := []rune(s)
	if len(r) <= 140 {
		return s
	}
	return string(r[:139]) + "…"
}
