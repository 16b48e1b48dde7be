package auth

import "testing"

func TestCapabilitiesFollowTheTiers(t *testing.T) {
	e, err := NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	for tier, want := range map[Tier]Capabilities{
		TierView:    {},
		TierHandle:  {Explore: true, CreateDashboard: true},
		TierAnalyze: {Query: true, CreateNotebook: true, Explore: true, CreateDashboard: true},
		TierData:    {Query: true, CreateNotebook: true, Explore: true, CreateDashboard: true, Triage: true, ManageHours: true, ManageCatalog: true},
		TierAdmin:   {Query: true, CreateNotebook: true, Explore: true, CreateDashboard: true, Triage: true, Grant: true, ManageHours: true, ManageSettings: true, ManageCatalog: true},
	} {
		if got := e.Capabilities(&User{Tier: tier}); got != want {
			t.Errorf("%s: %+v, want %+v", tier, got, want)
		}
	}
}
