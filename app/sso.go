package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// SSOConfig is single sign-on with an OpenID Connect provider (Google
// Workspace, Okta, Keycloak, Entra ID, …).
type SSOConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string // openid is always asked for
	GroupsClaim  string   // the ID token claim that lists the person's groups
	Tiers        auth.GroupTiers
	Label        string // the provider's name on the sign-in button
}

// sso is the provider as discovered at start.
type sso struct {
	cfg      SSOConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func openSSO(ctx context.Context, cfg *SSOConfig) (*sso, error) {
	if cfg == nil {
		return nil, nil
	}
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("app: single sign-on: cannot read the provider's configuration at %s: %w", cfg.Issuer, err)
	}
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range cfg.Scopes {
		if s != oidc.ScopeOpenID {
			scopes = append(scopes, s)
		}
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	return &sso{cfg: *cfg,
		oauth:    oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Endpoint: provider.Endpoint(), Scopes: scopes},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID})}, nil
}

// Session keys of a sign-in under way: what the provider must send back.
const (
	ssoState    = "sso_state"
	ssoNonce    = "sso_nonce"
	ssoVerifier = "sso_verifier"
)

// redirectURL is where the provider sends people back, which must be
// registered with it.
func (a *App) redirectURL(c echo.Context) string { return a.siteURL(c) + "/login/sso/callback" }

// startSSO sends the person to the provider with a fresh state (against
// forged callbacks), nonce (against replayed tokens) and PKCE verifier
// (against stolen codes), all kept in their session.
func (a *App) startSSO(c echo.Context) error {
	ctx := c.Request().Context()
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	a.sessions.Put(ctx, ssoState, state)
	a.sessions.Put(ctx, ssoNonce, nonce)
	a.sessions.Put(ctx, ssoVerifier, verifier)
	conf := a.sso.oauth
	conf.RedirectURL = a.redirectURL(c)
	return c.Redirect(http.StatusSeeOther, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

func (a *App) finishSSO(c echo.Context) error {
	ctx := c.Request().Context()
	state, nonce, verifier := a.sessions.PopString(ctx, ssoState), a.sessions.PopString(ctx, ssoNonce), a.sessions.PopString(ctx, ssoVerifier)
	if e := c.QueryParam("error"); e != "" {
		return a.loginProblem(c, http.StatusUnauthorized, pier.Errorf(pier.EUnauthorized, "%s did not sign you in (%s). Try again, or ask your admin.", a.sso.cfg.Label, e))
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(c.QueryParam("state"))) != 1 {
		return a.loginProblem(c, http.StatusBadRequest, pier.Errorf(pier.EInvalid, "This sign-in did not start here or has expired. Start again."))
	}
	id, err := a.identityFrom(c, nonce, verifier)
	if err != nil {
		return a.loginProblem(c, http.StatusUnauthorized, err)
	}
	u, err := a.accounts.SignInWith(ctx, id, a.sso.cfg.Tiers)
	if code := pier.ErrorCode(err); code == pier.EForbidden {
		return a.loginProblem(c, http.StatusForbidden, err)
	}
	if err != nil {
		return err
	}
	return a.startSession(c, u)
}

// identityFrom exchanges the code and checks the ID token: signed by the
// provider, for this client, not expired, with the nonce of this sign-in.
func (a *App) identityFrom(c echo.Context, nonce, verifier string) (auth.Identity, error) {
	ctx := c.Request().Context()
	refused := pier.Errorf(pier.EUnauthorized, "%s's answer could not be checked, so you are not signed in. Start again.", a.sso.cfg.Label)
	conf := a.sso.oauth
	conf.RedirectURL = a.redirectURL(c)
	tok, err := conf.Exchange(ctx, c.QueryParam("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		a.log.Warn("sso: code exchange failed", "err", err)
		return auth.Identity{}, refused
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := a.sso.verifier.Verify(ctx, raw)
	if err != nil || nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		a.log.Warn("sso: ID token refused", "err", err)
		return auth.Identity{}, refused
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return auth.Identity{}, refused
	}
	if v, ok := claims["email_verified"].(bool); ok && !v {
		return auth.Identity{}, pier.Errorf(pier.EUnauthorized, "%s has not verified your e-mail address, so Pier cannot trust it.", a.sso.cfg.Label)
	}
	id := auth.Identity{Email: claimString(claims, "email"), Name: claimString(claims, "name")}
	if id.Name == "" {
		id.Name = claimString(claims, "preferred_username")
	}
	if groups, ok := claims[a.sso.cfg.GroupsClaim].([]any); ok {
		for _, g := range groups {
			if s, ok := g.(string); ok {
				id.Groups = append(id.Groups, s)
			}
		}
	}
	return id, nil
}

func claimString(claims map[string]any, name string) string {
	s, _ := claims[name].(string)
	return s
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
