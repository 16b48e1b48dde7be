package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// Edit is a new text for a ticket; nil fields stay as they are.
type Edit struct {
	Title    *string
	Body     *string
	Urgency  *string
	WantedBy *string
	Links    *[]Link
}

// Edit changes a ticket's text. The requester may until the data team has
// triaged it (after that, what they asked is what is being worked on, so
// more goes in a comment); the data team may tidy it at any time.
func (s *Service) Edit(ctx context.Context, who *auth.User, id int64, e Edit) (*Ticket, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		if err := s.mayEdit(who, t); err != nil {
			return err
		}
		sets, err := s.editSets(ctx, who, t, e)
		if err != nil {
			return err
		}
		return s.apply(ctx, tx, who, id, sets)
	})
}

func (s *Service) mayEdit(who *auth.User, t *Ticket) error {
	switch {
	case s.canTriage(who):
		return nil
	case who.ID != t.RequesterID:
		return pier.Errorf(pier.EForbidden, "Only the person who asked, or the data team, may change a request's text; add a comment instead.")
	case t.Status != StatusNew:
		return pier.Errorf(pier.EForbidden, "The data team has already triaged this request, so its text stays as it was; add a comment instead.")
	}
	return nil
}

func (s *Service) editSets(ctx context.Context, who *auth.User, t *Ticket, e Edit) ([]set, error) {
	title, body := t.Title, t.Body
	if e.Title != nil {
		title = *e.Title
	}
	if e.Body != nil {
		body = *e.Body
	}
	title, body, err := checkText(title, body)
	if err != nil {
		return nil, err
	}
	sets := []set{{"title", "title", t.Title, title, title}, {"body", "body", t.Body, body, body}}
	if e.Urgency != nil {
		u, err := parseLevel("level of urgency", cmp(*e.Urgency, "normal"))
		if err != nil {
			return nil, err
		}
		sets = append(sets, set{"urgency", "urgency", t.Urgency, u, u})
	}
	if e.WantedBy != nil {
		w, err := s.checkWantedBy(*e.WantedBy)
		if err != nil {
			return nil, err
		}
		sets = append(sets, set{"wanted_by", "wanted_by", t.WantedBy, w, w})
	}
	if e.Links != nil {
		ls, err := s.checkLinks(ctx, who, *e.Links, LinkDashboard, LinkNotebook, LinkTable, LinkDataset)
		if err != nil {
			return nil, err
		}
		was, is := encodeLinks(t.Links), encodeLinks(ls)
		sets = append(sets, set{"links", "links", was, is, is})
	}
	return sets, nil
}

// Merge closes a duplicate into the ticket it repeats: its watchers follow
// the other ticket, and both histories say so.
func (s *Service) Merge(ctx context.Context, who *auth.User, id, into int64) (*Ticket, error) {
	if err := s.require(who, auth.ObjTicket, auth.ActTriage, "Only the data team merges requests."); err != nil {
		return nil, err
	}
	if id == into {
		return nil, pier.Errorf(pier.EInvalid, "A request cannot be merged into itself.")
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		target, err := getTicket(ctx, tx, into)
		if err != nil {
			return pier.Errorf(pier.EInvalid, "There is no request #%d to merge into.", into)
		}
		if t.MergedInto != 0 {
			return pier.Errorf(pier.EConflict, "#%d was already merged into #%d.", id, t.MergedInto)
		}
		if target.MergedInto != 0 {
			return pier.Errorf(pier.EInvalid, "#%d was itself merged into #%d; merge into that one.", into, target.MergedInto)
		}
		return s.merge(ctx, tx, who, t, into)
	})
}

func (s *Service) merge(ctx context.Context, tx *sql.Tx, who *auth.User, t *Ticket, into int64) error {
	sets := append(statusSets(t.Status, StatusClosed), set{"merged_into", "merged_into", "", "#" + strconv.FormatInt(into, 10), into})
	if err := s.apply(ctx, tx, who, t.ID, sets); err != nil {
		return err
	}
	at := s.stamp()
	if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_watchers (ticket_id, user_id, created_at)
		SELECT $1, user_id, $2 FROM ticket_watchers WHERE ticket_id = $3
		ON CONFLICT (ticket_id, user_id) DO NOTHING`, into, at, t.ID); err != nil {
		return fmt.Errorf("ticket: merge watchers: %w", err)
	}
	if err := record(ctx, tx, into, who.ID, "merged_from", "", "#"+strconv.FormatInt(t.ID, 10), at); err != nil {
		return err
	}
	return touch(ctx, tx, into, at, true)
}
