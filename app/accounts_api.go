package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// The account API of API.md's second wave: one's own password and tokens,
// and the admins' people endpoints. The rules are auth.Accounts'.

func (a *App) apiChangePassword(c echo.Context) error {
	var in struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := a.accounts.ChangePassword(c.Request().Context(), currentUser(c), in.Current, in.New)
	if err != nil {
		return err
	}
	if err := a.keepSession(c, u); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// keepSession carries the caller's own browser session, if any, over to
// the user's new session epoch (a new password ended the others), under a
// new session id.
func (a *App) keepSession(c echo.Context, u *auth.User) error {
	ctx := c.Request().Context()
	if a.sessions.GetString(ctx, sessionUser) != u.ID {
		return nil
	}
	if err := a.sessions.RenewToken(ctx); err != nil {
		return err
	}
	a.sessions.Put(ctx, sessionEpoch, u.SessionEpoch)
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
func (a *App) apiTokens(c echo.Context) error {
	all := c.QueryParam("all") == "true"
	tokens, err := a.accounts.Tokens(c.Request().Context(), currentUser(c), all)
	if err != nil {
		return err
	}
	out := make([]apiToken, len(tokens))
	for i, t := range tokens {
		out[i] = tokenJSON(t, all)
	}
	return c.JSON(http.StatusOK, map[string]any{"tokens": out})
}

func (a *App) apiCreateToken(c echo.Context) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, plain, err := a.accounts.CreateToken(c.Request().Context(), currentUser(c), in.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"id": t.ID, "name": t.Name, "token": plain})
}

func (a *App) apiRevokeToken(c echo.Context) error {
	if err := a.accounts.RevokeToken(c.Request().Context(), currentUser(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type apiPerson struct {
	Email              string  `json:"email"`
	Name               string  `json:"name"`
	Tier               string  `json:"tier"`
	Disabled           bool    `json:"disabled"`
	MustChangePassword bool    `json:"must_change_password"`
	LastSeenAt         *string `json:"last_seen_at"`
}

func personJSON(u *auth.User) apiPerson {
	p := apiPerson{Email: u.Email, Name: u.Name, Tier: string(u.Tier), Disabled: u.Disabled, MustChangePassword: u.MustChangePassword}
	if !u.LastSeen.IsZero() {
		s := u.LastSeen.Format(time.RFC3339)
		p.LastSeenAt = &s
	}
	return p
}

func (a *App) apiPeople(c echo.Context) error {
	people, err := a.accounts.People(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	out := make([]apiPerson, len(people))
	for i, u := range people {
		out[i] = personJSON(u)
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

func (a *App) apiAddPerson(c echo.Context) error {
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Tier  string `json:"tier"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, password, err := a.accounts.AddPerson(c.Request().Context(), currentUser(c), in.Email, in.Name, auth.Tier(in.Tier))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"email": u.Email, "one_time_password": password})
}

func (a *App) apiChangePerson(c echo.Context) error {
	var in struct {
		Name     *string `json:"name"`
		Tier     *string `json:"tier"`
		Disabled *bool   `json:"disabled"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	change := auth.UserChange{Name: in.Name, Disabled: in.Disabled}
	if in.Tier != nil {
		t := auth.Tier(*in.Tier)
		change.Tier = &t
	}
	if change == (auth.UserChange{}) {
		return pier.Errorf(pier.EInvalid, "Say what to change: name, tier or disabled.")
	}
	u, err := a.accounts.ChangePerson(c.Request().Context(), currentUser(c), emailParam(c), change)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personJSON(u))
}

func (a *App) apiResetPassword(c echo.Context) error {
	if err := a.passwordsOn(); err != nil {
		return err
	}
	password, err := a.accounts.ResetPassword(c.Request().Context(), currentUser(c), emailParam(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"one_time_password": password})
}
