package auth

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestTheAuditLogFiltersOnBothStores: by kind, by part of who did it, by
// table and by time, newest first; an unknown kind is refused.
func TestTheAuditLogFiltersOnBothStores(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		s := NewStore(db)
		ann, err := s.CreateUser(ctx, NewUser{Email: "ann@example.com", Name: "Ann Admin", Tier: TierAdmin, Password: "lantern quiet orbit 42"})
		if err != nil {
			t.Fatal(err)
		}
		bo, err := s.CreateUser(ctx, NewUser{Email: "bo@example.com", Name: "Bo", Tier: TierView, Password: "lantern quiet orbit 42"})
		if err != nil {
			t.Fatal(err)
		}
		before := time.Now().Add(-time.Second)
		write := func(e AuditEntry) {
			if err := db.InTx(ctx, func(tx *sql.Tx) error { return WriteAudit(ctx, tx, e) }); err != nil {
				t.Fatal(err)
			}
		}
		write(AuditEntry{Actor: ann.ID, Action: AuditGrant, Subject: bo.Email, Table: "act_orders"})
		write(AuditEntry{Actor: bo.ID, Action: AuditSignIn, Subject: bo.Email})
		write(AuditEntry{Actor: ann.ID, Action: AuditTable, Subject: "obj_members", Table: "obj_members"})
		got := func(f AuditFilter) string {
			t.Helper()
			f.Limit = 10
			lines, err := s.AuditEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range lines {
				out = append(out, KindOf(e.Action)+":"+e.Actor)
			}
			slices.Sort(out) // lines written in the same millisecond have no order
			return fmt.Sprint(out)
		}
		for _, c := range []struct {
			f    AuditFilter
			want string
		}{
			{AuditFilter{Actor: "ADMIN"}, "[grant:ann@example.com restrict:ann@example.com]"},
			{AuditFilter{Table: "act_orders"}, "[grant:ann@example.com]"},
			{AuditFilter{Kind: "sign_in", Since: before}, "[sign_in:bo@example.com]"},
			{AuditFilter{Since: time.Now().Add(time.Hour)}, "[]"},
			{AuditFilter{Kind: KindPIIRead}, "[]"}, // kept in the query log
			{AuditFilter{Actor: "%"}, "[]"},
		} {
			if g := got(c.f); g != c.want {
				t.Errorf("%+v: %s, want %s", c.f, g, c.want)
			}
		}
		if _, err := s.AuditEvents(ctx, AuditFilter{Kind: "everything", Limit: 1}); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("an unknown kind: %v", err)
		}
	})
}
