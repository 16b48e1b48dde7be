package auth

import (
	"fmt"

	"github.com/pier-analytics/pier"
)

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

func (t Tier) rank() int {
	for i, x := range Tiers {
		if x == t {
			return i
		}
	}
	return -1
}

// AtLeast reports whether t includes min.
func (t Tier) AtLeast(min Tier) bool { return t.rank() >= min.rank() && t.rank() >= 0 }

func (t Tier) String() string { return string(t) }

var _ fmt.Stringer = TierView
