package auth

import (
	"context"
	"database/sql"
	"errors"
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
	Subject       string // the provider's own id for the person: issuer and subject
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
}

// SSOPolicy is what Pier accepts from its identity provider.
type SSOPolicy struct {
	Tiers GroupTiers
	// Domains, if any, are the only e-mail domains accepted, and the
	// provider is trusted to own them: their e-mails count as verified
	// (Entra ID, for one, does not say).
	Domains []string
}

// SignInWith returns the Pier user for an identity the provider vouched
// for. A person is found by the provider's subject once linked, and by a
// verified e-mail at their first single sign-on (linking the account, or
// making it); an account linked to another subject is never taken over.
// Name and tier follow the provider at every sign-in (a tier change is
// audited, and the last admin is never demoted). Disabled accounts, and
// in strict mode people in no mapped group, are refused.
func (a *Accounts) SignInWith(ctx context.Context, id Identity, p SSOPolicy) (*User, error) {
	tier, ok := p.Tiers.TierOf(id.Groups)
	if !ok {
		return nil, pier.Errorf(pier.EForbidden, "You signed in as %s, but none of your groups gives access to Pier. Ask your admin to add you to a group Pier knows.", id.Email)
	}
	email, err := p.trustedEmail(id)
	if err != nil {
		return nil, err
	}
	u, err := a.findOrLink(ctx, id.Subject, email, providerName(id.Name, email), tier)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, pier.Errorf(pier.EForbidden, "Your Pier account is disabled. Ask your admin.")
	}
	name := providerName(id.Name, u.Email)
	if u.Tier == tier && u.Name == name {
		return u, nil
	}
	return a.syncFromProvider(ctx, u, name, tier)
}

// trustedEmail is the identity's e-mail if Pier may rely on it.
func (p SSOPolicy) trustedEmail(id Identity) (string, error) {
	email, err := normalEmail(id.Email)
	if err != nil || id.Subject == "" {
		return "", pier.Errorf(pier.EForbidden, "The identity provider sent no usable e-mail address, which Pier needs to know you.")
	}
	_, domain, _ := strings.Cut(email, "@")
	listed := slices.ContainsFunc(p.Domains, func(d string) bool { return strings.EqualFold(d, domain) })
	if len(p.Domains) > 0 && !listed {
		return "", pier.Errorf(pier.EForbidden, "Pier accepts sign-ins with e-mails of %s only, not %s.", strings.Join(p.Domains, ", "), domain)
	}
	if !id.EmailVerified && !listed {
		return "", pier.Errorf(pier.EForbidden, "Your identity provider has not verified the e-mail %s, so Pier cannot rely on it.", email)
	}
	return email, nil
}

// providerName is the name the provider gives, as plain text that fits,
// or the e-mail's local part.
func providerName(name, email string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(strings.TrimSpace(name), ""))
	if runes := []rune(name); len(runes) > 100 {
		name = string(runes[:100])
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	return name
}

// findOrLink finds the account linked to subject, or links the one with
// that e-mail, or makes one.
func (a *Accounts) findOrLink(ctx context.Context, subject, email, name string, tier Tier) (*User, error) {
	s := a.store
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE sso_subject = $1`, subject))
	if pier.ErrorCode(err) != pier.ENotFound {
		return u, err
	}
	var linked sql.NullString
	err = s.db.QueryRowContext(ctx, `SELECT sso_subject FROM users WHERE email = $1`, email).Scan(&linked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		nu := NewUser{Email: email, Name: name, Tier: tier, Password: RandomPassword()}
		hash, err := s.checkNewUser(&nu)
		if err != nil {
			return nil, err
		}
		u, err = s.createUser(ctx, s.db, nu, hash)
		if pier.ErrorCode(err) == pier.EConflict { // made by a sign-in on another replica meanwhile
			return a.findOrLink(ctx, subject, email, name, tier)
		}
		if err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case linked.Valid && linked.String != subject:
		return nil, pier.Errorf(pier.EForbidden, "The Pier account of %s belongs to another sign-in at your identity provider. Ask your admin.", email)
	}
	_, err = s.db.ExecContext(ctx, `UPDATE users SET sso_subject = $1 WHERE email = $2 AND sso_subject IS NULL`, subject, email)
	if err != nil {
		return nil, err
	}
	return scanUser(s.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE sso_subject = $1`, subject))
}

func (a *Accounts) syncFromProvider(ctx context.Context, u *User, name string, tier Tier) (*User, error) {
	from := u.Tier
	err := a.store.db.InTx(ctx, func(tx *sql.Tx) error {
		if from == TierAdmin && tier != TierAdmin {
			admins, err := a.store.lockAdmins(ctx, tx)
			if err != nil {
				return err
			}
			delete(admins, u.ID)
			if len(admins) == 0 {
				tier = TierAdmin // the last admin stays one, or nobody could manage Pier
			}
		}
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
