package app

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// The admins' people endpoints of API.md's second wave. The rules are
// auth.Accounts'.

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

func (h *peopleHandlers) apiPeople(c echo.Context) error {
	people, err := h.accounts.People(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	out := make([]apiPerson, len(people))
	for i, u := range people {
		out[i] = personJSON(u)
	}
	return c.JSON(http.StatusOK, map[string]any{"users": out})
}

func (h *peopleHandlers) apiAddPerson(c echo.Context) error {
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Tier  string `json:"tier"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, password, err := h.accounts.AddPerson(c.Request().Context(), currentUser(c), in.Email, in.Name, auth.Tier(in.Tier))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]string{"email": u.Email, "one_time_password": password})
}

func (h *peopleHandlers) apiChangePerson(c echo.Context) error {
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
	u, err := h.accounts.ChangePerson(c.Request().Context(), currentUser(c), emailParam(c), change)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personJSON(u))
}

func (h *peopleHandlers) apiResetPassword(c echo.Context) error {
	if err := h.passwordsOn(); err != nil {
		return err
	}
	password, err := h.accounts.ResetPassword(c.Request().Context(), currentUser(c), emailParam(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"one_time_password": password})
}
