package dashboard

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestDatasetsKeepTheirColumnsAndRoles(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ds := f.orders(t)
		roles := map[string]ColumnRole{}
		for _, c := range ds.Columns {
			roles[c.Name] = c.Role
		}
		want := map[string]ColumnRole{"order_id": RoleDimension, "member_id": RoleDimension, "ordered_at": RoleTime,
			"dt": RoleTime, "status": RoleDimension, "total": RoleMeasure, "country": RoleDimension}
		if len(roles) != len(want) {
			t.Fatalf("columns %v", ds.Columns)
		}
		for name, role := range want {
			if roles[name] != role {
				t.Errorf("%s is a %s, want %s", name, roles[name], role)
			}
		}
		if ds.TimeColumn != "dt" || ds.Owner != f.analyst.Email || ds.Certified || len(ds.Tables) != 2 {
			t.Fatalf("dataset %+v", ds)
		}
		list, err := f.s.Datasets(context.Background(), f.handle)
		if err != nil || len(list) != 1 || list[0].ID != ds.ID {
			t.Fatalf("handle's list: %v, %v", list, err)
		}
	})
}

func TestDatasetRulesAndBadInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.orders(t)
		good := NewDataset{Name: "Brands", SQL: "select * from obj_brands"}
		_, err := f.s.CreateDataset(ctx, f.handle, good)
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.Datasets(ctx, f.viewer)
		wantCode(t, err, pier.EForbidden)
		for name, in := range map[string]NewDataset{
			"no name":          {SQL: "select 1"},
			"no SQL":           {Name: "x"},
			"inputs":           {Name: "x", SQL: "select * from obj_brands where brand_id = $id"},
			"time not a date":  {Name: "x", SQL: "select * from obj_brands", TimeColumn: "name"},
			"time not there":   {Name: "x", SQL: "select * from obj_brands", TimeColumn: "nope"},
			"two statements":   {Name: "x", SQL: "select 1; select 2"},
			"reads a file":     {Name: "x", SQL: "select * from read_csv('/etc/passwd')"},
			"a missing column": {Name: "x", SQL: "select nope from obj_brands"},
		} {
			_, err := f.s.CreateDataset(ctx, f.analyst, in)
			if code := pier.ErrorCode(err); code != pier.EInvalid && code != pier.ESQL {
				t.Errorf("%s: got %v, want a 400", name, err)
			}
		}
		_, err = f.s.CreateDataset(ctx, f.analyst, NewDataset{Name: "Orders", SQL: "select 1 as x"})
		wantCode(t, err, pier.EConflict)
		if list, _ := f.s.Datasets(ctx, f.analyst); len(list) != 1 {
			t.Fatalf("a refused dataset was saved: %d datasets", len(list))
		}
	})
}

func TestOnlyTheDataTeamCertifies(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ds := f.orders(t)
		plain, _ := f.s.CreateDataset(ctx, f.analyst, NewDataset{Name: "Brands", SQL: "select * from obj_brands"})
		_, err := f.s.ChangeDataset(ctx, f.analyst, ds.ID, DatasetChange{Certified: ptr(true)})
		wantCode(t, err, pier.EForbidden)
		_, err = f.s.ChangeDataset(ctx, f.handle, ds.ID, DatasetChange{Name: ptr("Mine")})
		wantCode(t, err, pier.EForbidden)
		got, err := f.s.ChangeDataset(ctx, f.data, ds.ID, DatasetChange{Certified: ptr(true), Description: ptr("The order truth")})
		if err != nil || !got.Certified || got.CertifiedBy != f.data.Email || got.Description != "The order truth" {
			t.Fatalf("%+v, %v", got, err)
		}
		list, _ := f.s.Datasets(ctx, f.handle)
		if len(list) != 2 || list[0].ID != ds.ID || list[1].ID != plain.ID {
			t.Fatal("certified datasets are not listed first")
		}
		got, err = f.s.ChangeDataset(ctx, f.data, ds.ID, DatasetChange{Certified: ptr(false)})
		if err != nil || got.Certified {
			t.Fatalf("withdrawing the certificate: %+v, %v", got, err)
		}
	})
}

func TestDatasetsOverRestrictedTablesNeedTheGrant(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.restrict(t, "act_orders")
		f.grant(t, f.analyst, "act_orders", false)
		ds := f.orders(t)
		if list, _ := f.s.Datasets(ctx, f.handle); len(list) != 0 {
			t.Fatal("a dataset over a restricted table is listed to someone without the grant")
		}
		_, err := f.s.Dataset(ctx, f.handle, ds.ID)
		wantCode(t, err, pier.ENotFound)
		_, _, err = f.s.Explore(ctx, f.handle, ds.ID, Exploration{})
		wantCode(t, err, pier.ENotFound)
		f.grant(t, f.handle, "act_orders", false)
		if _, _, err := f.s.Explore(ctx, f.handle, ds.ID, Exploration{}); err != nil {
			t.Fatalf("after the grant: %v", err)
		}
	})
}

func TestExploringRunsWithTheExplorersOwnRights(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	f.grant(t, f.analyst, "obj_members", true)
	ds, err := f.s.CreateDataset(ctx, f.analyst, NewDataset{Name: "Members", SQL: "select member_id, email, country from obj_members"})
	if err != nil {
		t.Fatal(err)
	}
	x := Exploration{Dimensions: []string{"email"}, Filters: []Condition{{"member_id", "=", "1"}}}
	_, mine, _ := f.s.Explore(ctx, f.analyst, ds.ID, x)
	_, theirs, err := f.s.Explore(ctx, f.handle, ds.ID, x)
	if err != nil {
		t.Fatal(err)
	}
	if mine.Result.Rows[0][0] != "member1@example.com" || theirs.Result.Rows[0][0] == mine.Result.Rows[0][0] || !mine.RawPII || theirs.RawPII {
		t.Fatalf("analyst (PII grant) saw %v, handle saw %v", mine.Result.Rows, theirs.Result.Rows)
	}
}
