package auth

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func newAccounts(t *testing.T, db *store.DB) (*Store, *Accounts) {
	t.Helper()
	enf, err := NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(db)
	return s, NewAccounts(s, enf)
}

func TestStrengthRuleSaysWhyInPlainWords(t *testing.T) {
	cases := map[string]string{
		"short":                           "at least 10 characters",
		"password1234":                    "most common passwords",
		"qwertyuiop":                      "most common passwords",
		"ana.lopez@example.com":           "your e-mail or name",
		"aaaaaaaaaaaa":                    "too easy to guess",
		strings.Repeat("long words ", 30): "at most 200",
	}
	for p, want := range cases {
		err := CheckStrength(p, "ana.lopez@example.com", "Ana Lopez")
		if pier.ErrorCode(err) != pier.EInvalid || !strings.Contains(pier.ErrorMessage(err), want) {
			t.Errorf("%q: got %v, want a message with %q", p, err, want)
		}
	}
	for _, p := range []string{"correct horse battery staple", "lantern quiet orbit 42", RandomPassword()} {
		if err := CheckStrength(p, "ana.lopez@example.com", "Ana Lopez"); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
}

func TestOneTimePasswordsMustBeChangedAndChangingEndsSessions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		admin := mustCreateUser(t, s, "admin@example.com", TierAdmin)
		u, once, err := acc.AddPerson(ctx, admin, "Bo@Example.com", "Bo", TierView)
		if err != nil {
			t.Fatal(err)
		}
		if !u.MustChangePassword {
			t.Fatal("a new person's password is not one-time")
		}
		signed, err := s.CheckPassword(ctx, "bo@example.com", once)
		if err != nil || !signed.MustChangePassword {
			t.Fatalf("sign in with the one-time password: %v %+v", err, signed)
		}
		if _, err := acc.ChangePassword(ctx, signed, "not it at all", "lantern quiet orbit 42"); pier.ErrorCode(err) != pier.EInvalid {
			t.Fatalf("wrong current password: %v", err)
		}
		if _, err := acc.ChangePassword(ctx, signed, once, "password1234"); pier.ErrorCode(err) != pier.EInvalid {
			t.Fatalf("a common password was accepted: %v", err)
		}
		changed, err := acc.ChangePassword(ctx, signed, once, "lantern quiet orbit 42")
		if err != nil {
			t.Fatal(err)
		}
		if changed.MustChangePassword || changed.SessionEpoch <= signed.SessionEpoch {
			t.Fatalf("after the change: %+v (epoch before %d)", changed, signed.SessionEpoch)
		}
		if _, err := s.CheckPassword(ctx, "bo@example.com", once); pier.ErrorCode(err) != pier.EUnauthorized {
			t.Fatalf("the one-time password still works: %v", err)
		}
		if _, err := s.CheckPassword(ctx, "bo@example.com", "lantern quiet orbit 42"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := acc.CreateToken(ctx, changed, "laptop"); err != nil {
			t.Fatal(err)
		}
		log, _ := s.AuditLog(ctx, 10)
		var own []string
		for _, e := range log {
			if e.Actor == "bo@example.com" {
				own = append(own, e.Action+" "+e.Detail)
			}
		}
		slices.Sort(own)
		if strings.Join(own, "|") != AuditPasswordChanged+" |"+AuditTokenCreated+" laptop" {
			t.Errorf("bo's own audit lines: %q", own)
		}
	})
}

func TestAdminChangesArePeopleOnlyAndAudited(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		admin := mustCreateUser(t, s, "admin@example.com", TierAdmin)
		data := mustCreateUser(t, s, "data@example.com", TierData)
		if _, _, err := acc.AddPerson(ctx, data, "x@example.com", "X", TierView); pier.ErrorCode(err) != pier.EForbidden {
			t.Fatalf("the data tier added a person: %v", err)
		}
		if _, err := acc.People(ctx, data); pier.ErrorCode(err) != pier.EForbidden {
			t.Fatalf("the data tier listed people: %v", err)
		}
		if _, _, err := acc.AddPerson(ctx, admin, "cy@example.com", "Cy", TierView); err != nil {
			t.Fatal(err)
		}
		tier := TierAnalyze
		if _, err := acc.ChangePerson(ctx, admin, "cy@example.com", UserChange{Tier: &tier}); err != nil {
			t.Fatal(err)
		}
		off := true
		cy, err := acc.ChangePerson(ctx, admin, "cy@example.com", UserChange{Disabled: &off})
		if err != nil || !cy.Disabled || cy.SessionEpoch == 0 {
			t.Fatalf("disable: %+v %v", cy, err)
		}
		if _, err := acc.ResetPassword(ctx, admin, "cy@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := acc.ChangePerson(ctx, admin, "admin@example.com", UserChange{Disabled: &off}); pier.ErrorCode(err) != pier.EInvalid {
			t.Fatalf("an admin disabled themselves: %v", err)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range log {
			if e.Actor != "admin@example.com" || e.Subject != "cy@example.com" {
				t.Errorf("audit line %+v", e)
			}
			got = append(got, e.Action+" "+e.Detail)
		}
		// Lines written in the same millisecond have no order between them.
		slices.Sort(got)
		want := []string{AuditPasswordReset + " ", AuditUserAdded + " tier view", AuditUserChanged + " disabled", AuditUserChanged + " tier analyze"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("audit log %q, want %q", got, want)
		}
	})
}

// Two admins who demote each other at the same moment: one wins, the
// other is refused, and Pier is never left without an admin. Each round
// races afresh; whatever the order, the outcome must hold.
func TestAdminsDemotingEachOtherLeaveAnAdmin(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		ann := mustCreateUser(t, s, "ann@example.com", TierAdmin)
		bo := mustCreateUser(t, s, "bo@example.com", TierAdmin)
		admin, data := TierAdmin, TierData
		off := true
		for round := range 10 {
			change := UserChange{Tier: &data}
			if round%2 == 1 {
				change = UserChange{Disabled: &off}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, pair := range [][2]*User{{ann, bo}, {bo, ann}} {
				wg.Go(func() { _, errs[i] = acc.ChangePerson(ctx, pair[0], pair[1].Email, change) })
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: both or neither went through: %v, %v", round, errs[0], errs[1])
			}
			for _, err := range errs {
				if err != nil && pier.ErrorCode(err) != pier.EForbidden {
					t.Fatalf("round %d: refused with %v, want forbidden", round, err)
				}
			}
			people, err := s.UsersOfTiers(ctx, TierAdmin)
			if err != nil || len(people) != 1 {
				t.Fatalf("round %d: %d enabled admins left (%v)", round, len(people), err)
			}
			// Put things back for the next round, as the admin who is left.
			on := false
			winner := people[0]
			loser := map[string]*User{ann.Email: bo, bo.Email: ann}[winner.Email]
			if _, err := acc.ChangePerson(ctx, winner, loser.Email, UserChange{Tier: &admin, Disabled: &on}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestSignInsAreAuditedWithHowAndWhere(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		u := mustCreateUser(t, s, "ann@example.com", TierView)
		if err := acc.SignedIn(ctx, u, "sso", "2001:db8::7"); err != nil {
			t.Fatal(err)
		}
		log, err := s.AuditLog(ctx, 10)
		if err != nil || len(log) != 1 {
			t.Fatalf("%+v %v", log, err)
		}
		if e := log[0]; e.Actor != u.Email || e.Action != AuditSignIn || e.Detail != "sso from 2001:db8::7" {
			t.Errorf("audit line %+v", e)
		}
	})
}

func TestClientKeyCountsAnIPv6NetworkAsOneClient(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":             "203.0.113.9",
		"::ffff:203.0.113.9":      "203.0.113.9",
		"2001:db8:1:2:aaaa::1":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:1:2:3": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":         "2001:db8:1:3::/64",
		"not an address":          "not an address",
	} {
		if got := ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokensAreListedRevokedAndKeepTheirSecret(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, acc := newAccounts(t, db)
		admin := mustCreateUser(t, s, "admin@example.com", TierAdmin)
		ana := mustCreateUser(t, s, "ana@example.com", TierAnalyze)
		bo := mustCreateUser(t, s, "bo@example.com", TierAnalyze)
		tok, plain, err := acc.CreateToken(ctx, ana, "laptop")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, plain); err != nil {
			t.Fatal(err)
		}
		mine, err := acc.Tokens(ctx, ana, false)
		if err != nil || len(mine) != 1 || mine[0].Name != "laptop" || mine[0].LastUsed.IsZero() {
			t.Fatalf("ana's tokens: %+v %v", mine, err)
		}
		var stored int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR name = $1`, plain).Scan(&stored)
		if stored != 0 {
			t.Fatal("the token is stored as it was given")
		}
		if _, err := acc.Tokens(ctx, bo, true); pier.ErrorCode(err) != pier.EForbidden {
			t.Fatalf("an analyst listed everyone's tokens: %v", err)
		}
		if err := acc.RevokeToken(ctx, bo, tok.ID); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("bo revoked ana's token: %v", err)
		}
		if err := acc.RevokeToken(ctx, admin, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, plain); pier.ErrorCode(err) != pier.EUnauthorized {
			t.Fatalf("a revoked token still works: %v", err)
		}
	})
}

func TestSessionTokensAreStoredHashed(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ss := NewSessionStore(db)
		if err := ss.CommitCtx(ctx, "cookie-value", []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token = 'cookie-value'`).Scan(&n)
		if n != 0 {
			t.Fatal("the session's cookie value is in the store")
		}
		if b, ok, err := ss.FindCtx(ctx, "cookie-value"); err != nil || !ok || string(b) != "x" {
			t.Fatalf("find: %q %v %v", b, ok, err)
		}
	})
}

// A flood of sign-ins hashes at most one password per core at a time;
// the rest wait their turn or are told to come back.
func TestHashingSlotsBoundConcurrentChecks(t *testing.T) {
	old := hashSlots
	hashSlots = newSlots(2, 50*time.Millisecond)
	defer func() { hashSlots = old }()
	var mu sync.Mutex
	var inUse, most, busy int
	var wg sync.WaitGroup
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release := hashSlots.acquire()
			if release == nil {
				mu.Lock()
				busy++
				mu.Unlock()
				return
			}
			mu.Lock()
			inUse++
			most = max(most, inUse)
			mu.Unlock()
			argon2id.ComparePasswordAndHash("guess", defaultHasher.dummyHash())
			mu.Lock()
			inUse--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if most > 2 {
		t.Fatalf("%d checks ran at once with two slots", most)
	}
	if busy == 0 {
		t.Fatal("forty checks at once were all let through: none was told Pier is busy")
	}
}
