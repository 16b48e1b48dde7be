package ticket

import (
	"context"
	"testing"

	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestRightsSayWhatTheServiceAllows: what a page offers each person is
// what the service's own checks let them do.
func TestRightsSayWhatTheServiceAllows(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tk := f.file(t, f.viewer, "Orders per country")
	rights := func(who *auth.User) Rights {
		got, err := f.s.Get(ctx, who, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return f.s.Rights(who, got)
	}
	for who, want := range map[*auth.User]Rights{
		f.viewer:  {Edit: true},
		f.other:   {},
		f.data:    {Triage: true, Edit: true},
		f.admin:   {Triage: true, Edit: true, Decide: true},
		f.analyst: {},
	} {
		if got := rights(who); got != want {
			t.Errorf("%s on a new request: %+v, want %+v", who.Email, got, want)
		}
	}
	if _, err := f.s.Triage(ctx, f.data, tk.ID, Patch{Status: ptr("in_progress")}); err != nil {
		t.Fatal(err)
	}
	if rights(f.viewer).Edit {
		t.Error("the requester may still edit a triaged request")
	}
	_, err := f.s.Edit(ctx, f.viewer, tk.ID, Edit{Title: ptr("x")})
	if err == nil {
		t.Error("the service lets the requester edit what Rights says they may not")
	}
}
