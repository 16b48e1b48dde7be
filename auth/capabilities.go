package auth

// Capabilities are what a person's tier lets them do anywhere in Pier, for
// pages to offer: menus, buttons and sections. What they may do with one
// object is that object's service's to say (dashboard.Rights,
// ticket.Rights); services check again when asked to act.
type Capabilities struct {
	Query           bool // run SQL of their own: the SQL box, notebooks' cells
	CreateNotebook  bool
	Explore         bool // datasets and the explorer
	CreateDashboard bool
	Triage          bool // the data team's work on the request queue
	Grant           bool // grant table access
	ManageHours     bool // office hours
	ManageSettings  bool
	ManageCatalog   bool // describe, own, restrict and tag tables
}

// Capabilities reads the policy once for u.
func (e *Enforcer) Capabilities(u *User) Capabilities {
	can := func(obj, act string) bool { return e.Authorize(u, obj, act) == nil }
	return Capabilities{
		Query:           can(ObjQuery, ActRun),
		CreateNotebook:  can(ObjNotebook, ActCreate),
		Explore:         can(ObjDataset, ActRead),
		CreateDashboard: can(ObjDashboard, ActCreate),
		Triage:          can(ObjTicket, ActTriage),
		Grant:           can(ObjTicket, ActGrant),
		ManageHours:     can(ObjHours, ActManage),
		ManageSettings:  can(ObjSettings, ActManage),
		ManageCatalog:   can(ObjCatalog, ActManage),
	}
}
