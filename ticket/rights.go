package ticket

import "github.com/pier-analytics/pier/auth"

// Rights is what a person may do with a request, so that pages offer
// exactly what the service would allow and read no tier themselves.
type Rights struct {
	Triage bool // status, assignee, priority, answer, merge, guide
	Edit   bool // the title and text
	Decide bool // approve or deny access
	Cancel bool // the booked office hour
}

// Rights tells what who may do with t, as Get returned it to them.
func (s *Service) Rights(who *auth.User, t *Ticket) Rights {
	r := Rights{
		Triage: s.canTriage(who),
		Edit:   s.mayEdit(who, t) == nil,
		Decide: s.auth.Authorize(who, auth.ObjTicket, auth.ActGrant) == nil,
	}
	if b := t.Booking; b != nil {
		r.Cancel = mayCancel(who, t, b.BookedBy.ID, r.Triage)
	}
	return r
}

// mayCancel: whoever booked the session, the requester or the data team.
func mayCancel(who *auth.User, t *Ticket, bookedBy string, triage bool) bool {
	return who.ID == bookedBy || who.ID == t.RequesterID || triage
}
