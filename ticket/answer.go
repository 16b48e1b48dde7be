package ticket

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
)

// Answer is the data team's reply that resolves a ticket: text, links to
// what answers it, and the guide entry that already did, if one did.
type Answer struct {
	Text     string
	Links    []Link
	SolvedBy int64
}

// Answer resolves a ticket with a; answering again replaces the answer.
func (s *Service) Answer(ctx context.Context, who *auth.User, id int64, a Answer) (*Ticket, error) {
	if err := s.require(who, auth.ObjTicket, auth.ActTriage, "Only the data team answers requests; add a comment instead."); err != nil {
		return nil, err
	}
	text, err := checkBody(a.Text)
	if err != nil {
		return nil, err
	}
	links, err := s.checkLinks(ctx, who, a.Links, LinkDashboard, LinkDataset, LinkNotebook)
	if err != nil {
		return nil, err
	}
	if text == "" && len(links) == 0 && a.SolvedBy == 0 {
		return nil, pier.Errorf(pier.EInvalid, "Write the answer, or link what answers it.")
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		if err := s.checkGuide(ctx, tx, id, a.SolvedBy); err != nil {
			return err
		}
		sets := append(statusSets(t.Status, StatusAnswered),
			set{"answer", "answer", t.Answer, text, text},
			set{"answer_links", "answer_links", encodeLinks(t.AnswerLinks), encodeLinks(links), encodeLinks(links)},
			set{"", "answered_by", "", "", who.ID}, set{"", "answered_at", "", "", now})
		if a.SolvedBy != 0 || t.SolvedBy != 0 {
			sets = append(sets, set{"solved_by_guide", "solved_by_guide", guideRef(t.SolvedBy), guideRef(a.SolvedBy), nullID(a.SolvedBy)})
		}
		return s.apply(ctx, tx, who, id, sets)
	})
}

func (s *Service) checkGuide(ctx context.Context, tx *sql.Tx, id, guide int64) error {
	if guide == 0 {
		return nil
	}
	g, err := getTicket(ctx, tx, guide)
	if err != nil || !g.Guide || guide == id {
		return pier.Errorf(pier.EInvalid, "#%d is not a guide entry.", guide)
	}
	return nil
}

func guideRef(id int64) string {
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SetGuide marks an answered ticket as a guide entry, which Pier shows
// first to people about to ask the same, or takes the mark away.
func (s *Service) SetGuide(ctx context.Context, who *auth.User, id int64, on bool) (*Ticket, error) {
	if err := s.require(who, auth.ObjTicket, auth.ActTriage, "Only the data team keeps the guide."); err != nil {
		return nil, err
	}
	return s.change(ctx, who, id, func(tx *sql.Tx, t *Ticket) error {
		if on && t.Answer == "" && len(t.AnswerLinks) == 0 {
			return pier.Errorf(pier.EInvalid, "Answer #%d first; a guide entry is an answer worth finding again.", id)
		}
		return s.apply(ctx, tx, who, id, []set{{"guide", "guide", strconv.FormatBool(t.Guide), strconv.FormatBool(on), on}})
	})
}
