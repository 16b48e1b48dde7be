package main

import (
	"flag"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app"
	"github.com/pier-analytics/pier/auth"
)

// ssoFlagSet holds serve's single sign-on flags until they are checked.
type ssoFlagSet struct {
	issuer, clientID, secret, scopes, groups, tiers, label, domains *string
	strict                                                          *bool
}

func ssoFlags(fs *flag.FlagSet) *ssoFlagSet {
	return &ssoFlagSet{
		issuer:   fs.String("oidc-issuer", "", "OpenID Connect issuer URL (turns single sign-on on)"),
		clientID: fs.String("oidc-client-id", "", "client id registered with the provider"),
		secret:   fs.String("oidc-client-secret", "", "client secret; better given as PIER_OIDC_CLIENT_SECRET"),
		scopes:   fs.String("oidc-scopes", "openid,email,profile", "scopes to ask for, comma separated (add groups where the provider needs it)"),
		groups:   fs.String("oidc-groups-claim", "groups", "the ID token claim that lists the person's groups"),
		tiers:    fs.String("oidc-tiers", "", "group=tier,… : the tier each group gives; the highest wins"),
		strict:   fs.Bool("oidc-strict", false, "refuse people in no group of --oidc-tiers (otherwise they get view)"),
		label:    fs.String("oidc-label", "single sign-on", "the provider's name on the sign-in button, e.g. Okta"),
		domains:  fs.String("oidc-email-domains", "", "the only e-mail domains accepted, comma separated; the provider is trusted to own them"),
	}
}

func (f *ssoFlagSet) config() (*app.SSOConfig, error) {
	if *f.issuer == "" {
		return nil, nil
	}
	if *f.clientID == "" {
		return nil, pier.Errorf(pier.EInvalid, "single sign-on needs --oidc-client-id as well as --oidc-issuer")
	}
	tiers, err := auth.ParseGroupTiers(*f.tiers)
	if err != nil {
		return nil, err
	}
	if *f.strict && len(tiers) == 0 {
		return nil, pier.Errorf(pier.EInvalid, "--oidc-strict needs --oidc-tiers, or nobody could sign in")
	}
	return &app.SSOConfig{Issuer: *f.issuer, ClientID: *f.clientID, ClientSecret: *f.secret,
		Scopes: strings.Split(*f.scopes, ","), GroupsClaim: *f.groups, Label: *f.label,
		Policy: auth.SSOPolicy{Tiers: auth.GroupTiers{Map: tiers, Strict: *f.strict, Default: auth.TierView}, Domains: splitList(*f.domains)}}, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
