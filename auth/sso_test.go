package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

var testPolicy = SSOPolicy{Tiers: GroupTiers{Map: map[string]Tier{"analysts": TierAnalyze, "admins": TierAdmin}}}

func TestSingleSignOnNeverTakesOverAnotherAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		mustCreateUser(t, s, "admin@example.com", TierAdmin)
		kate := mustCreateUser(t, s, "kate@example.com", TierView)
		for name, id := range map[string]Identity{
			"unverified, other case": {Subject: "idp|1", Email: "ADMIN@example.com", Groups: []string{"admins"}},
			"no subject":             {Email: "admin@example.com", EmailVerified: true},
		} {
			if _, err := acc.SignInWith(ctx, id, testPolicy); pier.ErrorCode(err) != pier.EForbidden {
				t.Errorf("%s: %v, want refused", name, err)
			}
		}
		// The Kelvin sign lowercases to k in Unicode, not in Pier.
		u, err := acc.SignInWith(ctx, Identity{Subject: "idp|2", Email: "\u212Aate@example.com", EmailVerified: true}, testPolicy)
		if err == nil && u.ID == kate.ID {
			t.Fatal("\\u212Aate@ signed in as kate@")
		}
		// A verified e-mail links the password account at the first sign-in;
		// from then on it belongs to that subject alone.
		linked, err := acc.SignInWith(ctx, Identity{Subject: "idp|3", Email: "Kate@example.com", EmailVerified: true, Groups: []string{"analysts"}}, testPolicy)
		if err != nil || linked.ID != kate.ID || linked.Tier != TierAnalyze {
			t.Fatalf("kate's first single sign-on: %+v %v", linked, err)
		}
		_, err = acc.SignInWith(ctx, Identity{Subject: "idp|4", Email: "kate@example.com", EmailVerified: true}, testPolicy)
		if pier.ErrorCode(err) != pier.EForbidden || !strings.Contains(pier.ErrorMessage(err), "another sign-in") {
			t.Fatalf("another subject with kate's e-mail: %v", err)
		}
		// Found by subject even when the provider's e-mail changes.
		again, err := acc.SignInWith(ctx, Identity{Subject: "idp|3", Email: "katherine@example.com", EmailVerified: true, Groups: []string{"analysts"}}, testPolicy)
		if err != nil || again.ID != kate.ID {
			t.Fatalf("kate with a new e-mail: %+v %v", again, err)
		}
	})
}

func TestSingleSignOnDomainsAndTheLastAdmin(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, acc := newAccounts(t, db)
		p := testPolicy
		p.Domains = []string{"example.com"}
		if _, err := acc.SignInWith(ctx, Identity{Subject: "g|1", Email: "eve@gmail.com", EmailVerified: true}, p); pier.ErrorCode(err) != pier.EForbidden || !strings.Contains(pier.ErrorMessage(err), "example.com only") {
			t.Fatalf("an e-mail outside the domains: %v", err)
		}
		// The provider is trusted to own the listed domains (Entra ID does not
		// say whether an e-mail is verified).
		boss, err := acc.SignInWith(ctx, Identity{Subject: "g|2", Email: "boss@example.com", Groups: []string{"admins"}}, p)
		if err != nil || boss.Tier != TierAdmin {
			t.Fatalf("a listed domain: %+v %v", boss, err)
		}
		// Leaving the admins group would leave Pier without an admin.
		kept, err := acc.SignInWith(ctx, Identity{Subject: "g|2", Email: "boss@example.com", Groups: []string{"analysts"}}, p)
		if err != nil || kept.Tier != TierAdmin {
			t.Fatalf("the last admin was demoted: %+v %v", kept, err)
		}
		if _, err := acc.SignInWith(ctx, Identity{Subject: "g|3", Email: "deputy@example.com", Groups: []string{"admins"}}, p); err != nil {
			t.Fatal(err)
		}
		if now, _ := acc.SignInWith(ctx, Identity{Subject: "g|2", Email: "boss@example.com", Groups: []string{"analysts"}}, p); now.Tier != TierAnalyze {
			t.Fatalf("with another admin, the groups decide: %+v", now)
		}
	})
}
