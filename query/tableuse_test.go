package query

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestTableUseCountsWhoReadATable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		l := NewQueryLog(db, slog.New(slog.DiscardHandler))
		defer l.Close()
		now := time.Now()
		for _, e := range []LogEntry{
			{UserID: "ana", SQL: "select * from act_orders", Tables: []string{"act_orders"}, Started: now, Status: "ok"},
			{UserID: "ana", SQL: "select * from act_orders", Tables: []string{"act_orders", "obj_members"}, Started: now, Status: "cached"},
			{UserID: "bo", SQL: "select 1 from act_orders", Tables: []string{"act_orders"}, Started: now, Status: "ok"},
			{UserID: "bo", SQL: "select * from actxorders", Tables: []string{"actxorders"}, Started: now, Status: "ok"},
			{UserID: "cy", SQL: "select * from act_orders", Tables: []string{"act_orders"}, Started: now, Status: "sql_error"},
			{UserID: "dee", SQL: "select * from act_orders", Tables: []string{"act_orders"}, Started: now.AddDate(0, -2, 0), Status: "ok"},
		} {
			l.Add(e)
		}
		l.Flush()
		users, queries, err := l.TableUse(context.Background(), "act_orders", now.AddDate(0, 0, -30), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 2 || users[0] != (UserUse{"ana", 2}) || users[1] != (UserUse{"bo", 1}) {
			t.Errorf("users %v: want ana twice and bo once (not a failed run, an old one or a look-alike table)", users)
		}
		if len(queries) != 2 || queries[0].SQL != "select * from act_orders" || queries[0].Runs != 2 || queries[0].Users != 1 || len(queries[0].Tables) == 0 {
			t.Errorf("queries %v", queries)
		}
	})
}

func TestPIIReadsAreTheAuditOfUnhashedReads(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		l := NewQueryLog(db, slog.New(slog.DiscardHandler))
		defer l.Close()
		now := time.Now()
		for _, e := range []LogEntry{
			{UserID: "ana", SQL: "select email from obj_members", Tables: []string{"obj_members"}, Started: now.Add(-time.Minute), Status: "ok", PIIAudit: true},
			{UserID: "bo", SQL: "select email from objxmembers", Tables: []string{"objxmembers"}, Started: now, Status: "ok", PIIAudit: true},
			{UserID: "bo", SQL: "select count(*) from obj_members", Tables: []string{"obj_members"}, Started: now, Status: "ok"},
			{UserID: "cy", SQL: "select email from obj_members", Tables: []string{"obj_members"}, Started: now.AddDate(0, -1, 0), Status: "ok", PIIAudit: true},
		} {
			l.Add(e)
		}
		l.Flush()
		for _, c := range []struct {
			f    PIIReadFilter
			want []string
		}{
			{PIIReadFilter{Since: now.AddDate(0, 0, -7), Limit: 10}, []string{"bo", "ana"}},
			{PIIReadFilter{Table: "obj_members", Limit: 10}, []string{"ana", "cy"}},
			{PIIReadFilter{UserIDs: []string{"cy"}, Limit: 10}, []string{"cy"}},
			{PIIReadFilter{UserIDs: []string{}, Limit: 10}, nil},
			{PIIReadFilter{Limit: 1}, []string{"bo"}},
		} {
			reads, err := l.PIIReads(t.Context(), c.f)
			if err != nil {
				t.Fatal(err)
			}
			var who []string
			for _, r := range reads {
				who = append(who, r.UserID)
			}
			if !slices.Equal(who, c.want) {
				t.Errorf("%+v: %v, want %v", c.f, who, c.want)
			}
		}
	})
}
