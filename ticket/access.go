package ticket

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Decision is an admin's answer to a data access request.
type Decision struct {
	Approve bool
	Note    string // why, for the requester; kept as a comment
}

// DecideAccess approves or denies a data access request. Approval grants
// the requester the table (and its PII, if asked) and answers the ticket;
// denial closes it. Either way the audit log records who decided, for
// whom, and the ticket, in the same transaction as the grant.
func (s *Service) DecideAccess(ctx context.Context, who *auth.User, id int64, d Decision) (*Ticket, error) {
	if err := s.require(who, auth.ObjTicket, auth.ActGrant, "Only an admin grants access to tables."); err != nil {
		return nil, err
	}
	note, err := checkBody(d.Note)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		if err := s.checkDecidable(ctx, who, t); err != nil {
			return err
		}
		return s.decide(ctx, tx, who, t, d.Approve, note)
	})
}

func (s *Service) checkDecidable(ctx context.Context, who *auth.User, t *Ticket) error {
	if t.Access == nil {
		return pier.Errorf(pier.EInvalid, "#%d is not a data access request.", t.ID)
	}
	if t.Access.Decision != "" {
		return pier.Errorf(pier.EConflict, "Access for #%d was already %s.", t.ID, t.Access.Decision)
	}
	_, ok, err := s.links.Resolve(ctx, who, Link{Kind: LinkTable, Ref: t.Access.Table})
	if err != nil {
		return err
	}
	if !ok {
		return pier.Errorf(pier.EInvalid, "There is no table %s in the lake; deny the request or ask which table was meant.", t.Access.Table)
	}
	return nil
}

func (s *Service) decide(ctx context.Context, tx *sql.Tx, who *auth.User, t *Ticket, approve bool, note string) error {
	a := t.Access
	what := a.Table
	if a.PII {
		what += " with PII unhashed"
	}
	entry := auth.AuditEntry{Actor: who.ID, Subject: t.Requester.Email, Table: a.Table, TicketID: t.ID, Detail: fmt.Sprintf("%s, asked in #%d", what, t.ID)}
	decision, status, answer := "denied", StatusClosed, ""
	if approve {
		decision, status, answer = "approved", StatusAnswered, fmt.Sprintf("Access granted: %s.", what)
		entry.Action = auth.AuditGrant
		if err := auth.GrantFor(ctx, tx, t.RequesterID, a.Table, a.PII, entry); err != nil {
			return err
		}
	} else {
		entry.Action = auth.AuditGrantDeny
		if err := auth.WriteAudit(ctx, tx, entry); err != nil {
			return err
		}
	}
	sets := append(statusSets(t.Status, status), set{"access", "access_decision", "", decision, decision})
	if approve {
		sets = append(sets, set{"answer", "answer", t.Answer, answer, answer},
			set{"", "answered_by", "", "", who.ID}, set{"", "answered_at", "", "", now})
	}
	if err := s.apply(ctx, tx, who, t.ID, sets); err != nil {
		return err
	}
	if note == "" {
		return nil
	}
	return addComment(ctx, tx, t.ID, &Comment{ID: store.NewID(), Author: Person{ID: who.ID}, Body: note, CreatedAt: s.now()})
}

// AccessDashboards returns the dashboards an access request was filed
// from, to whoever may decide it, whether or not they may open them: the
// decision needs to know whose access those dashboards run with.
func (s *Service) AccessDashboards(ctx context.Context, who *auth.User, id int64) ([]string, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActGrant); err != nil {
		return nil, err
	}
	t, err := getTicket(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range t.Links {
		if l.Kind == LinkDashboard {
			out = append(out, l.Ref)
		}
	}
	return out, nil
}
