package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Patch is the data team's change to a ticket; nil fields stay as they
// are. Assignee is an e-mail, empty to unassign.
type Patch struct {
	Status   *string
	Assignee *string
	Priority *string
}

// Triage applies p, recording each field that changes. Only the data team
// may; everyone else gets 403.
func (s *Service) Triage(ctx context.Context, who *auth.User, id int64, p Patch) (*Ticket, error) {
	if err := s.require(who, auth.ObjTicket, auth.ActTriage, "Only the data team changes a request's status, assignee and priority."); err != nil {
		return nil, err
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		sets, err := s.patchSets(ctx, t, p)
		if err != nil {
			return err
		}
		return s.apply(ctx, tx, who, t.ID, sets)
	})
}

// change runs fn on ticket id in one transaction, then returns the ticket
// as it is now and tells the notifier if its status moved.
func (s *Service) change(ctx context.Context, who *auth.User, id int64, fn func(tx *sql.Tx, t *Ticket) error) (*Ticket, error) {
	var old *Ticket
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		old = t
		return fn(tx, t)
	})
	if err != nil {
		return nil, err
	}
	t, err := s.Get(ctx, who, old.ID)
	if err != nil {
		return nil, err
	}
	if t.Status != old.Status {
		s.notify.Notify(ctx, Event{Ticket: t, Actor: who, Old: old.Status})
	}
	return t, nil
}

// set is one column change and how the history shows it.
type set struct {
	field, column string
	old, new      string
	value         any
}

func (s *Service) patchSets(ctx context.Context, t *Ticket, p Patch) ([]set, error) {
	var sets []set
	if p.Status != nil {
		st, err := parseStatus(*p.Status)
		if err != nil {
			return nil, err
		}
		sets = append(sets, statusSets(t.Status, st)...)
	}
	if p.Priority != nil {
		pr := ""
		if strings.TrimSpace(*p.Priority) != "" {
			var err error
			if pr, err = parseLevel("priority", *p.Priority); err != nil {
				return nil, err
			}
		}
		sets = append(sets, set{"priority", "priority", t.Priority, pr, pr})
	}
	if p.Assignee != nil {
		a, err := s.assignee(ctx, *p.Assignee)
		if err != nil {
			return nil, err
		}
		was := ""
		if t.Assignee != nil {
			was = t.Assignee.Email
		}
		if a == nil {
			sets = append(sets, set{"assignee", "assignee_id", was, "", nil})
		} else {
			sets = append(sets, set{"assignee", "assignee_id", was, a.Email, a.ID})
		}
	}
	return sets, nil
}

// statusSets moves a ticket to st; answering or closing it marks when it
// was resolved, and reopening it clears that.
func statusSets(from, st Status) []set {
	out := []set{{"status", "status", string(from), string(st), string(st)}}
	if from.Open() != st.Open() {
		if st.Open() {
			out = append(out, set{"", "resolved_at", "", "", nil})
		} else {
			out = append(out, set{"", "resolved_at", "", "", now})
		}
	}
	return out
}

// now stands for the moment of the change in a set's value.
var now = new(struct{})

func (s *Service) assignee(ctx context.Context, email string) (*auth.User, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, nil
	}
	u, err := s.people.UserByEmail(ctx, email)
	if pier.ErrorCode(err) == pier.ENotFound || errors.Is(err, sql.ErrNoRows) {
		return nil, pier.Errorf(pier.EInvalid, "There is no user %s.", email)
	}
	if err != nil {
		return nil, err
	}
	if !s.canTriage(u) {
		return nil, pier.Errorf(pier.EInvalid, "%s is not on the data team; requests are assigned to the data team.", email)
	}
	return u, nil
}

// apply writes the sets that change something and a history line for
// each; the data team's first change is the ticket's first response.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, who *auth.User, id int64, sets []set) error {
	at := s.stamp()
	var cols []string
	var args []any
	for _, c := range sets {
		if c.field != "" && c.old == c.new {
			continue
		}
		v := c.value
		if v == now {
			v = at
		}
		args = append(args, v)
		cols = append(cols, c.column+" = $"+strconv.Itoa(len(args)))
		if c.field == "" {
			continue
		}
		if err := record(ctx, tx, id, who.ID, c.field, c.old, c.new, at); err != nil {
			return err
		}
	}
	if len(cols) == 0 {
		return nil
	}
	args = append(args, id)
	q := fmt.Sprintf(`UPDATE tickets SET %s WHERE id = $%d`, strings.Join(cols, ", "), len(args))
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("ticket: update: %w", err)
	}
	if what := noticeOf(sets); what != "" {
		if err := tell(ctx, tx, id, who.ID, what, at); err != nil {
			return err
		}
	}
	return touch(ctx, tx, id, at, s.canTriage(who))
}

// Comment adds a message to a ticket; anyone who can read the queue may,
// and then watches the ticket.
func (s *Service) Comment(ctx context.Context, who *auth.User, id int64, body string) (*Comment, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	if body == "" {
		return nil, pier.Errorf(pier.EInvalid, "Write something to comment.")
	}
	c := &Comment{ID: store.NewID(), Author: Person{ID: who.ID, Email: who.Email, Name: who.Name}, Body: body}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		at := s.stamp()
		c.CreatedAt = ms(at)
		if err := addComment(ctx, tx, id, c); err != nil {
			return err
		}
		if err := watch(ctx, tx, id, who.ID, at); err != nil {
			return err
		}
		if err := tell(ctx, tx, id, who.ID, commented(body), at); err != nil {
			return err
		}
		return touch(ctx, tx, id, at, s.canTriage(who) && who.ID != t.RequesterID)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Watch makes who follow a ticket, or stop following it.
func (s *Service) Watch(ctx context.Context, who *auth.User, id int64, on bool) error {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return err
	}
	if _, err := getTicket(ctx, s.db, id); err != nil {
		return err
	}
	if on {
		return watch(ctx, s.db, id, who.ID, s.stamp())
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM ticket_watchers WHERE ticket_id = $1 AND user_id = $2`, id, who.ID)
	return err
}
