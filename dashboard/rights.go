package dashboard

import (
	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// Rights is what a person may do with a dashboard, so that pages offer
// exactly that and no handler or template reads a tier.
type Rights struct {
	Edit, Share, Publish, Certify, Duplicate, WriteSQL bool
	// NoPublish says, to an owner who may not show the dashboard to
	// everyone, why not and what to do instead.
	NoPublish string
}

// Rights tells what who may do with d, as Get returned it to them.
func (s *Service) Rights(who *auth.User, d *Dashboard) Rights {
	yes := true
	r := Rights{
		Edit:      d.Role.CanEdit(),
		Share:     d.Role == RoleOwner,
		Certify:   s.auth.Authorize(who, auth.ObjDashboard, auth.ActCertify) == nil,
		Duplicate: s.auth.Authorize(who, auth.ObjDashboard, auth.ActCreate) == nil,
		WriteSQL:  s.auth.Authorize(who, auth.ObjDashboard, auth.ActSQL) == nil,
	}
	err := s.mayChange(who, d, Change{Published: &yes})
	r.Publish = err == nil
	if err != nil && d.Role == RoleOwner {
		r.NoPublish = pier.ErrorMessage(err)
	}
	return r
}
