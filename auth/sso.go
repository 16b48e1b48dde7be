package auth

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/pier-analytics/pier"
)

// AuditSSOTier is the audit action of a tier set from a sign-in's groups.
const AuditSSOTier = "user.sso_tier"

// GroupTiers maps an identity provider's groups to tiers. A person in
// several mapped groups gets the highest of their tiers; Strict refuses a
// person no mapping matches, otherwise they get Default.
type GroupTiers struct {
	Map     map[string]Tier
	Strict  bool
	Default Tier
}

// ParseGroupTiers reads "group=tier,group=tier".
func ParseGroupTiers(s string) (map[string]Tier, error) {
	out := map[string]Tier{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		group, tier, ok := strings.Cut(pair, "=")
		t, err := ParseTier(strings.TrimSpace(tier))
		if !ok || strings.TrimSpace(group) == "" || err != nil {
			return nil, pier.Errorf(pier.EInvalid, "--oidc-tiers: %q is not group=tier (tiers: view, handle, analyze, data, admin)", pair)
		}
		out[strings.TrimSpace(group)] = t
	}
	return out, nil
}

// TierOf returns the tier the groups give, and false when strict and no
// group is mapped.
func (g GroupTiers) TierOf(groups []string) (Tier, bool) {
	best, found := Tier(""), false
	for _, group := range groups {
		if t, ok := g.Map[group]; ok && (!found || slices.Index(Tiers, t) > slices.Index(Tiers, best)) {
			best, found = t, true
		}
	}
	if found {
		return best, true
	}
	if g.Strict {
		return "", false
	}
	if g.Default == "" {
		return TierView, true
	}
	return g.Default, true
}

// Identity is who an identity provider says signed in.
type Identity struct {
	Email  string
	Name   string
	Groups []string
}

// SignInWith returns the Pier user for an identity the provider vouched
// for: made on first sign-in, its name and tier brought in line with the
// provider's at every sign-in (a tier change is audited), refused when
// disabled or, in strict mode, in no mapped group.
func (a *Accounts) SignInWith(ctx context.Context, id Identity, g GroupTiers) (*User, error) {
	tier, ok := g.TierOf(id.Groups)
	if !ok {
		return nil, pier.Errorf(pier.EForbidden, "You signed in as %s, but none of your groups gives access to Pier. Ask your admin to add you to a group Pier knows.", id.Email)
	}
	email, err := normalEmail(id.Email)
	if err != nil {
		return nil, pier.Errorf(pier.EForbidden, "The identity provider sent no usable e-mail address, which Pier needs to know you.")
	}
	name := strings.TrimSpace(id.Name)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	u, err := a.store.UserByEmail(ctx, email)
	if pier.ErrorCode(err) == pier.ENotFound {
		u, err = a.store.CreateUser(ctx, NewUser{Email: email, Name: name, Tier: tier, Password: RandomPassword()})
		if pier.ErrorCode(err) == pier.EConflict { // a sign-in on another replica made it first
			u, err = a.store.UserByEmail(ctx, email)
		}
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, pier.Errorf(pier.EForbidden, "Your Pier account is disabled. Ask your admin.")
	}
	if u.Tier == tier && u.Name == name {
		return u, nil
	}
	return a.syncFromProvider(ctx, u, name, tier)
}

func (a *Accounts) syncFromProvider(ctx context.Context, u *User, name string, tier Tier) (*User, error) {
	from := u.Tier
	err := a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = a.store.updateUser(ctx, tx, u.Email, UserChange{Name: &name, Tier: &tier})
		if err != nil || from == tier {
			return err
		}
		return WriteAudit(ctx, tx, AuditEntry{Actor: u.ID, Action: AuditSSOTier, Subject: u.Email,
			Detail: fmt.Sprintf("tier %s → %s from the identity provider's groups", from, tier)})
	})
	return u, err
}
