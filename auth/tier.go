package auth

import "github.com/pier-analytics/pier"

// Tier is a user's level of access. Tiers are cumulative: each includes
// every tier before it.
type Tier string

// The tiers, lowest first.
const (
	TierView    Tier = "view"
	TierHandle  Tier = "handle"
	TierAnalyze Tier = "analyze"
	TierData    Tier = "data"
	TierAdmin   Tier = "admin"
)

// Tiers lists every tier, lowest first.
var Tiers = []Tier{TierView, TierHandle, TierAnalyze, TierData, TierAdmin}

// ParseTier returns the tier named s, or an invalid-input error.
func ParseTier(s string) (Tier, error) {
	for _, t := range Tiers {
		if string(t) == s {
			return t, nil
		}
	}
	return "", pier.Errorf(pier.EInvalid, "%q is not a tier; use one of view, handle, analyze, data, admin", s)
}

// What each tier may do, and that tiers are cumulative, is decided by the
// casbin policy (policy.csv), not here.
