package auth

import (
	"context"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func mustCreateUser(t *testing.T, s *Store, email string, tier Tier) *User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), NewUser{Email: email, Name: "Test " + email, Tier: tier, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsersPasswordsAndTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewStore(db)
		u := mustCreateUser(t, s, "Ana@Example.com", TierAnalyze)
		if u.Email != "ana@example.com" {
			t.Errorf("e-mail not normalised: %q", u.Email)
		}
		if _, err := s.CreateUser(ctx, NewUser{Email: "ana@example.com", Name: "Again", Tier: TierView, Password: "another fine passphrase"}); pier.ErrorCode(err) != pier.EConflict {
			t.Errorf("duplicate e-mail: got %v, want conflict", err)
		}
		if _, err := s.CheckPassword(ctx, "ana@example.com", "correct horse battery"); err != nil {
			t.Errorf("right password refused: %v", err)
		}
		for _, bad := range [][2]string{{"ana@example.com", "wrong password"}, {"nobody@example.com", "correct horse battery"}} {
			if _, err := s.CheckPassword(ctx, bad[0], bad[1]); pier.ErrorCode(err) != pier.EUnauthorized {
				t.Errorf("CheckPassword(%q): got %v, want unauthorized", bad[0], err)
			}
		}
		token, err := s.CreateToken(ctx, "ana@example.com", "ci")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.UserByToken(ctx, token); err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken: %v, %v", got, err)
		}
		var stored string
		db.QueryRow(`SELECT token_hash FROM api_tokens`).Scan(&stored)
		if stored == token || stored == "" {
			t.Error("the token must be stored hashed")
		}
		disabled := true
		if _, err := s.UpdateUser(ctx, "ana@example.com", UserChange{Disabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserByToken(ctx, token); pier.ErrorCode(err) != pier.EUnauthorized {
			t.Errorf("a disabled user's token still works: %v", err)
		}
		if _, err := s.CheckPassword(ctx, "ana@example.com", "correct horse battery"); pier.ErrorCode(err) != pier.EUnauthorized {
			t.Errorf("a disabled user can still sign in: %v", err)
		}
	})
}

func TestCreateUserRejectsBadInput(t *testing.T) {
	s := NewStore(storetest.OpenSQLite(t))
	cases := map[string]NewUser{
		"bad e-mail":     {Email: "not-an-email", Name: "X", Tier: TierView, Password: "another fine passphrase"},
		"no name":        {Email: "x@example.com", Name: " ", Tier: TierView, Password: "another fine passphrase"},
		"unknown tier":   {Email: "x@example.com", Name: "X", Tier: "boss", Password: "another fine passphrase"},
		"short password": {Email: "x@example.com", Name: "X", Tier: TierView, Password: "short"},
	}
	for name, nu := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.CreateUser(context.Background(), nu); pier.ErrorCode(err) != pier.EInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

func TestGrantsAddPIIButNeverRemoveIt(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewStore(db)
		u := mustCreateUser(t, s, "bo@example.com", TierAnalyze)
		for _, pii := range []bool{true, false} {
			if err := s.AddGrant(ctx, u.Email, "obj_members", pii); err != nil {
				t.Fatal(err)
			}
		}
		g, err := s.Grants(ctx, u.ID)
		if err != nil || !g["obj_members"].PII || len(g) != 1 {
			t.Fatalf("grants = %+v, %v", g, err)
		}
		if err := s.AddGrant(ctx, "ghost@example.com", "t", false); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("grant to unknown user: got %v", err)
		}
	})
}

func TestSessionsExpireAndCanBeDeleted(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ss := NewSessionStore(db)
		if err := ss.Commit("live", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ss.Commit("live", []byte("newer"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ss.Commit("old", []byte("x"), time.Now().Add(-time.Minute))
		if b, ok, err := ss.Find("live"); err != nil || !ok || string(b) != "newer" {
			t.Fatalf("Find(live) = %q, %v, %v", b, ok, err)
		}
		if _, ok, _ := ss.Find("old"); ok {
			t.Error("an expired session was found")
		}
		ss.Delete("live")
		if _, ok, _ := ss.Find("live"); ok {
			t.Error("a deleted session was found")
		}
	})
}

func TestKeyIsCreatedOnceAndKnownKeysAreRefused(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k1, err := LoadOrCreateKey(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		k2, _ := LoadOrCreateKey(ctx, db)
		if string(k1) != string(k2) || len(k1) != 32 {
			t.Fatal("the key must be created once and kept")
		}
		db.Exec(`UPDATE settings SET value = 'changeme' WHERE name = $1`, keySetting)
		if _, err := LoadOrCreateKey(ctx, db); err == nil {
			t.Fatal("a known key was accepted")
		}
		db.Exec(`UPDATE settings SET value = '' WHERE name = $1`, keySetting)
		if _, err := LoadOrCreateKey(ctx, db); err == nil {
			t.Fatal("an empty key was accepted")
		}
	})
}

func TestThrottleStopsRepeatedAttempts(t *testing.T) {
	th := NewThrottle()
	for i := 0; i < th.burst; i++ {
		if err := th.Allow("a@example.com|1.2.3.4"); err != nil {
			t.Fatalf("attempt %d refused: %v", i+1, err)
		}
	}
	if pier.ErrorCode(th.Allow("a@example.com|1.2.3.4")) != pier.ETooMany {
		t.Fatal("the attempt after the burst was allowed")
	}
	if err := th.Allow("b@example.com|1.2.3.4"); err != nil {
		t.Fatal("another account was throttled too")
	}
}

func TestGrantsListedGivenAndRevokedWithTheirGiver(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := NewStore(db)
		admin := mustCreateUser(t, s, "admin@example.com", TierAdmin)
		bo := mustCreateUser(t, s, "bo@example.com", TierAnalyze)
		if err := s.AddGrant(ctx, bo.Email, "obj_members", false); err != nil {
			t.Fatal(err)
		}
		if err := s.GrantByAdmin(ctx, admin, "BO@example.com", "act_orders", true); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListGrants(ctx, "", "bo@example.com")
		if err != nil || len(all) != 2 || all[0].Table != "act_orders" || all[0].GrantedBy != admin.Email || !all[0].PII || all[1].GrantedBy != "" {
			t.Fatalf("grants %+v, %v", all, err)
		}
		if err := s.Revoke(ctx, admin, all[0].ID); err != nil {
			t.Fatal(err)
		}
		left, _ := s.ListGrants(ctx, "act_orders", "")
		if len(left) != 0 {
			t.Fatalf("after revoking: %+v", left)
		}
		if err := s.Revoke(ctx, admin, all[0].ID); pier.ErrorCode(err) != pier.ENotFound {
			t.Fatalf("revoking again: %v", err)
		}
	})
}
