package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

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
	Policy       auth.SSOPolicy
	Label        string // the provider's name on the sign-in button
}

// sso is the provider, discovered at the first sign-in that needs it: a
// provider that is down must not keep Pier (passwords, tokens) from
// starting.
type sso struct {
	cfg    SSOConfig
	client *http.Client // every call to the provider has a deadline

	mu       sync.Mutex
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

func newSSO(cfg *SSOConfig) *sso {
	if cfg == nil {
		return nil
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	return &sso{cfg: *cfg, client: &http.Client{Timeout: 10 * time.Second}}
}

// ctx carries the provider's HTTP client for go-oidc and oauth2.
func (s *sso) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(context.WithValue(ctx, oauth2.HTTPClient, s.client), s.client)
}

// ready discovers the provider once, and again after a failure.
func (s *sso) ready(ctx context.Context) (oauth2.Config, *oidc.IDTokenVerifier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.verifier != nil {
		return s.oauth, s.verifier, nil
	}
	provider, err := oidc.NewProvider(s.ctx(ctx), s.cfg.Issuer)
	if err != nil {
		return oauth2.Config{}, nil, fmt.Errorf("app: single sign-on: cannot read the provider's configuration at %s: %w", s.cfg.Issuer, err)
	}
	scopes := []string{oidc.ScopeOpenID}
	for _, sc := range s.cfg.Scopes {
		if sc = strings.TrimSpace(sc); sc != "" && sc != oidc.ScopeOpenID {
			scopes = append(scopes, sc)
		}
	}
	s.oauth = oauth2.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, Endpoint: provider.Endpoint(), Scopes: scopes}
	s.verifier = provider.Verifier(&oidc.Config{ClientID: s.cfg.ClientID})
	return s.oauth, s.verifier, nil
}

// unavailable is what a person sees while the provider cannot be reached.
func (h *sessionHandlers) ssoUnavailable(c echo.Context, err error) error {
	h.log.Error("sso: provider unavailable", "err", err)
	return h.loginProblem(c, http.StatusServiceUnavailable, pier.Errorf(pier.EUnavailable, "%s cannot be reached just now, so Pier cannot sign you in with it. Try again in a minute.", h.sso.cfg.Label))
}

// Session keys of a sign-in under way: what the provider must send back.
const (
	ssoState    = "sso_state"
	ssoNonce    = "sso_nonce"
	ssoVerifier = "sso_verifier"
	ssoNext     = "sso_next"
)

// redirectURL is where the provider sends people back, which must be
// registered with it.
func (h *sessionHandlers) redirectURL(c echo.Context) string {
	return h.site(c) + "/login/sso/callback"
}

// startSSO sends the person to the provider with a fresh state (against
// forged callbacks), nonce (against replayed tokens) and PKCE verifier
// (against stolen codes), all kept in their session.
func (h *sessionHandlers) startSSO(c echo.Context) error {
	ctx := c.Request().Context()
	// Each start writes a session: limited per address like sign-ins.
	if err := h.addrs.Allow(auth.ClientKey(c.RealIP())); err != nil {
		return h.loginProblem(c, http.StatusTooManyRequests, err)
	}
	conf, _, err := h.sso.ready(ctx)
	if err != nil {
		return h.ssoUnavailable(c, err)
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	h.sessions.Put(ctx, ssoState, state)
	h.sessions.Put(ctx, ssoNonce, nonce)
	h.sessions.Put(ctx, ssoVerifier, verifier)
	h.sessions.Put(ctx, ssoNext, localPath(c.QueryParam("next")))
	conf.RedirectURL = h.redirectURL(c)
	return c.Redirect(http.StatusSeeOther, conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)))
}

func (h *sessionHandlers) finishSSO(c echo.Context) error {
	ctx := c.Request().Context()
	state, nonce, verifier := h.sessions.PopString(ctx, ssoState), h.sessions.PopString(ctx, ssoNonce), h.sessions.PopString(ctx, ssoVerifier)
	if e := c.QueryParam("error"); e != "" {
		// The provider's words are logged, not shown: anyone can put text
		// in this link.
		h.log.Warn("sso: the provider refused", "error", truncate(e, 200))
		return h.loginProblem(c, http.StatusUnauthorized, pier.Errorf(pier.EUnauthorized, "%s did not sign you in. Try again, or ask your admin.", h.sso.cfg.Label))
	}
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(c.QueryParam("state"))) != 1 {
		return h.loginProblem(c, http.StatusBadRequest, pier.Errorf(pier.EInvalid, "This sign-in did not start here or has expired. Start again."))
	}
	id, err := h.identityFrom(c, nonce, verifier)
	if err != nil {
		return h.loginProblem(c, http.StatusUnauthorized, err)
	}
	u, err := h.accounts.SignInWith(ctx, id, h.sso.cfg.Policy)
	if code := pier.ErrorCode(err); code == pier.EForbidden {
		return h.loginProblem(c, http.StatusForbidden, err)
	}
	if err != nil {
		return err
	}
	return h.startSession(c, u, viaSSO, localPath(h.sessions.PopString(ctx, ssoNext)))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// identityFrom exchanges the code and checks the ID token: signed by the
// provider, for this client, not expired, with the nonce of this sign-in.
func (h *sessionHandlers) identityFrom(c echo.Context, nonce, verifier string) (auth.Identity, error) {
	ctx := h.sso.ctx(c.Request().Context())
	refused := pier.Errorf(pier.EUnauthorized, "%s's answer could not be checked, so you are not signed in. Start again.", h.sso.cfg.Label)
	conf, idVerifier, err := h.sso.ready(ctx)
	if err != nil {
		return auth.Identity{}, refused
	}
	conf.RedirectURL = h.redirectURL(c)
	tok, err := conf.Exchange(ctx, c.QueryParam("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		h.log.Warn("sso: code exchange failed", "err", err)
		return auth.Identity{}, refused
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := idVerifier.Verify(ctx, raw)
	if err != nil || nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		h.log.Warn("sso: ID token refused", "err", err)
		return auth.Identity{}, refused
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return auth.Identity{}, refused
	}
	verified, _ := claims["email_verified"].(bool) // only a real true counts
	id := auth.Identity{Subject: idt.Issuer + "|" + idt.Subject, Email: claimString(claims, "email"),
		EmailVerified: verified, Name: claimString(claims, "name")}
	if id.Name == "" {
		id.Name = claimString(claims, "preferred_username")
	}
	switch groups := claims[h.sso.cfg.GroupsClaim].(type) {
	case []any:
		for _, g := range groups {
			if s, ok := g.(string); ok {
				id.Groups = append(id.Groups, s)
			}
		}
	case string: // some providers send a single group as a string
		id.Groups = []string{groups}
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
