package auth

import (
	_ "embed"
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/pier-analytics/pier"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Objects and actions that the policy speaks of.
const (
	ObjProfile   = "profile"
	ObjCatalog   = "catalog"
	ObjQuery     = "query"
	ObjMetrics   = "metrics"
	ObjUsers     = "users"
	ObjNotebook  = "notebook"
	ObjDataset   = "dataset"
	ObjDashboard = "dashboard"
	ObjTicket    = "ticket"
	ObjHours     = "officehours"
	ObjSettings  = "settings"

	ActRead    = "read"
	ActRun     = "run"
	ActRefresh = "refresh"
	ActManage  = "manage"
	ActCreate  = "create"
	ActCertify = "certify"
	ActPublish = "publish"
	ActSQL     = "sql" // write SQL into something others run, such as a dashboard tile
	ActTriage  = "triage"
	ActGrant   = "grant" // grant table access, as when approving a ticket's request
)

// Enforcer decides what a tier may do, from the casbin model and policy
// versioned in this package.
type Enforcer struct {
	e *casbin.Enforcer
}

// NewEnforcer loads the embedded model and policy.
func NewEnforcer() (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("auth: casbin model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("auth: casbin policy: %w", err)
	}
	return &Enforcer{e: e}, nil
}

// Authorize returns nil if who may do act on obj, an unauthorized error if
// nobody is signed in, and a forbidden error otherwise.
func (en *Enforcer) Authorize(who *User, obj, act string) error {
	if who == nil {
		return pier.Errorf(pier.EUnauthorized, "Please sign in first.")
	}
	ok, err := en.e.Enforce(string(who.Tier), obj, act)
	if err != nil {
		return fmt.Errorf("auth: enforce: %w", err)
	}
	if !ok || who.Disabled {
		return pier.Errorf(pier.EForbidden, "Your access level (%s) does not allow this. Ask an admin if you need it.", who.Tier)
	}
	return nil
}
