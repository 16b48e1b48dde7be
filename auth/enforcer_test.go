package auth

import (
	"testing"

	"github.com/pier-analytics/pier"
)

func TestEnforcerDecidesByTier(t *testing.T) {
	type want map[Tier]bool
	cases := []struct {
		obj, act string
		allowed  want
	}{
		{ObjProfile, ActRead, want{TierView: true, TierHandle: true, TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjCatalog, ActRead, want{TierView: true, TierHandle: true, TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjQuery, ActRun, want{TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjCatalog, ActRefresh, want{TierData: true, TierAdmin: true}},
		{ObjMetrics, ActRead, want{TierAdmin: true}},
		{ObjUsers, ActManage, want{TierAdmin: true}},
		{ObjNotebook, ActCreate, want{TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDataset, ActRead, want{TierHandle: true, TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDataset, ActCreate, want{TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDataset, ActCertify, want{TierData: true, TierAdmin: true}},
		{ObjDashboard, ActCreate, want{TierHandle: true, TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDashboard, ActSQL, want{TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDashboard, ActPublish, want{TierAnalyze: true, TierData: true, TierAdmin: true}},
		{ObjDashboard, ActCertify, want{TierData: true, TierAdmin: true}},
		{ObjQuery, ActRefresh, want{}},
	}
	en, err := NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		for _, tier := range Tiers {
			name := string(tier) + " " + c.act + " " + c.obj
			t.Run(name, func(t *testing.T) {
				err := en.Authorize(&User{Tier: tier}, c.obj, c.act)
				if c.allowed[tier] && err != nil {
					t.Fatalf("want allowed, got %v", err)
				}
				if !c.allowed[tier] && pier.ErrorCode(err) != pier.EForbidden {
					t.Fatalf("want forbidden, got %v", err)
				}
			})
		}
	}
}

func TestEnforcerRefusesAnonymousAndDisabledUsers(t *testing.T) {
	en, err := NewEnforcer()
	if err != nil {
		t.Fatal(err)
	}
	if code := pier.ErrorCode(en.Authorize(nil, ObjProfile, ActRead)); code != pier.EUnauthorized {
		t.Errorf("anonymous: got %q, want unauthorized", code)
	}
	if code := pier.ErrorCode(en.Authorize(&User{Tier: TierAdmin, Disabled: true}, ObjProfile, ActRead)); code != pier.EForbidden {
		t.Errorf("disabled admin: got %q, want forbidden", code)
	}
}

func TestParseTierRefusesUnknownTiers(t *testing.T) {
	if _, err := ParseTier("boss"); pier.ErrorCode(err) != pier.EInvalid {
		t.Fatalf("ParseTier(boss): got %v", err)
	}
}
