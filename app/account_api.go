package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier/auth"
)

// The account API of API.md's second wave: one's own password and tokens.
// The rules are auth.Accounts'.

func (h *accountHandlers) apiChangePassword(c echo.Context) error {
	var in struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.accounts.ChangePassword(c.Request().Context(), currentUser(c), in.Current, in.New)
	if err != nil {
		return err
	}
	if err := h.keepSession(c, u); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// keepSession carries the caller's own browser session, if any, over to
// the user's new session epoch (a new password ended the others), under a
// new session id.
func (h *accountHandlers) keepSession(c echo.Context, u *auth.User) error {
	ctx := c.Request().Context()
	if h.sessions.GetString(ctx, sessionUser) != u.ID {
		return nil
	}
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessionEpoch, u.SessionEpoch)
	return nil
}

type apiToken struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Owner      string  `json:"owner,omitempty"`
	CreatedAt  string  `json:"created_at"`
	LastUsedAt *string `json:"last_used_at"`
	Token      string  `json:"token,omitempty"`
}

func tokenJSON(t auth.Token, withOwner bool) apiToken {
	out := apiToken{ID: t.ID, Name: t.Name, CreatedAt: t.Created.Format(time.RFC3339)}
	if withOwner {
		out.Owner = t.Owner
	}
	if !t.LastUsed.IsZero() {
		s := t.LastUsed.Format(time.RFC3339)
		out.LastUsedAt = &s
	}
	return out
}

// apiTokens lists the caller's tokens; ?all=true lists everyone's, for
// those who manage people.
func (h *accountHandlers) apiTokens(c echo.Context) error {
	all := c.QueryParam("all") == "true"
	tokens, err := h.accounts.Tokens(c.Request().Context(), currentUser(c), all)
	if err != nil {
		return err
	}
	out := make([]apiToken, len(tokens))
	for i, t := range tokens {
		out[i] = tokenJSON(t, all)
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": out})
}

func (h *accountHandlers) apiCreateToken(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, plain, err := h.accounts.CreateToken(c.Request().Context(), currentUser(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"id": t.ID, "name": t.Name, "token": plain})
}

func (h *accountHandlers) apiRevokeToken(c echo.Context) error {
	if err := h.accounts.RevokeToken(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
