package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// New is a request as filed.
type New struct {
	Title    string
	Body     string
	Category string
	Urgency  string // empty: normal
	WantedBy string // YYYY-MM-DD, or empty
	Links    []Link
	Access   *AccessRequest // required for the data access category
}

var tableName = regexp.MustCompile(`^[a-z0-9_]+$`)

// File puts a new request in the queue; the requester watches it.
func (s *Service) File(ctx context.Context, who *auth.User, n New) (*Ticket, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActCreate); err != nil {
		return nil, err
	}
	t, err := s.checkNew(ctx, who, n)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		err = s.db.InTx(ctx, func(tx *sql.Tx) error { return s.insert(ctx, tx, who, t) })
		if !store.IsUniqueViolation(err) || attempt == 30 {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: file: %w", err)
	}
	saved, err := s.Get(ctx, who, t.ID)
	if err != nil {
		return nil, err
	}
	s.notify.Notify(ctx, Event{Ticket: saved, Actor: who})
	return saved, nil
}

// insert gives t the next number and writes it; two requests filed at the
// same moment clash on the number, and File tries again.
func (s *Service) insert(ctx context.Context, tx querier, who *auth.User, t *Ticket) error {
	at := s.stamp()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM tickets`).Scan(&t.ID); err != nil {
		return err
	}
	access := AccessRequest{}
	if t.Access != nil {
		access = *t.Access
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO tickets (id, title, body, category, urgency, wanted_by, status,
		requester_id, links, access_table, access_pii, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10, $11, $11)`,
		t.ID, t.Title, t.Body, string(t.Category), t.Urgency, t.WantedBy, who.ID, encodeLinks(t.Links), access.Table, access.PII, at)
	if err != nil {
		return err
	}
	if err := watch(ctx, tx, t.ID, who.ID, at); err != nil {
		return err
	}
	return record(ctx, tx, t.ID, who.ID, "created", "", string(StatusNew), at)
}

func (s *Service) checkNew(ctx context.Context, who *auth.User, n New) (*Ticket, error) {
	t := &Ticket{Status: StatusNew}
	var err error
	if t.Title, t.Body, err = checkText(n.Title, n.Body); err != nil {
		return nil, err
	}
	if t.Category, err = parseCategory(n.Category); err != nil {
		return nil, err
	}
	if t.Urgency, err = parseLevel("level of urgency", cmp(n.Urgency, "normal")); err != nil {
		return nil, err
	}
	if t.WantedBy, err = s.checkWantedBy(n.WantedBy); err != nil {
		return nil, err
	}
	if t.Links, err = s.checkLinks(ctx, who, n.Links, LinkDashboard, LinkNotebook, LinkTable, LinkDataset); err != nil {
		return nil, err
	}
	if t.Category == CatDataAccess {
		if t.Access, err = checkAccess(n.Access); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func cmp(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// checkText tidies a title and body: the title one line, both bounded.
func checkText(title, body string) (string, string, error) {
	title = strings.Join(strings.Fields(title), " ")
	switch {
	case title == "":
		return "", "", pier.Errorf(pier.EInvalid, "Give the request a title that says what you need.")
	case utf8.RuneCountInString(title) > maxTitle:
		return "", "", pier.Errorf(pier.EInvalid, "The title is longer than %d characters; put the details in the question.", maxTitle)
	}
	body, err := checkBody(body)
	return title, body, err
}

// checkBody bounds text that is read as markdown.
func checkBody(body string) (string, error) {
	switch {
	case utf8.RuneCountInString(body) > maxText:
		return "", pier.Errorf(pier.EInvalid, "The text is longer than %d characters.", maxText)
	case !utf8.ValidString(body):
		return "", pier.Errorf(pier.EInvalid, "The text is not valid UTF-8.")
	}
	return strings.TrimSpace(body), nil
}

func (s *Service) checkWantedBy(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	d, err := time.ParseInLocation(dateLayout, v, s.loc)
	if err != nil {
		return "", pier.Errorf(pier.EInvalid, "%q is not a date; write it as YYYY-MM-DD.", v)
	}
	today := s.now().In(s.loc)
	if d.Before(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)) {
		return "", pier.Errorf(pier.EInvalid, "The wanted-by date %s has already passed.", v)
	}
	return v, nil
}

// checkLinks refuses links of other kinds and to things who may not see,
// so that a public ticket never names what its reader could not find.
func (s *Service) checkLinks(ctx context.Context, who *auth.User, ls []Link, kinds ...string) ([]Link, error) {
	if len(ls) > maxLinks {
		return nil, pier.Errorf(pier.EInvalid, "A request may link at most %d things.", maxLinks)
	}
	out := []Link{}
	for _, l := range ls {
		l.Kind, l.Ref, l.Title = strings.TrimSpace(l.Kind), strings.TrimSpace(l.Ref), ""
		if l.Ref == "" {
			continue
		}
		if !slices.Contains(kinds, l.Kind) {
			return nil, pier.Errorf(pier.EInvalid, "A link here is to a %s, not a %q.", strings.Join(kinds, ", a "), l.Kind)
		}
		_, ok, err := s.links.Resolve(ctx, who, l)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, pier.Errorf(pier.EInvalid, "There is no %s %q that you can open.", l.Kind, l.Ref)
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out, nil
}

func checkAccess(a *AccessRequest) (*AccessRequest, error) {
	if a == nil || strings.TrimSpace(a.Table) == "" {
		return nil, pier.Errorf(pier.EInvalid, "Name the table you need access to.")
	}
	table := strings.ToLower(strings.TrimSpace(a.Table))
	if !tableName.MatchString(table) {
		return nil, pier.Errorf(pier.EInvalid, "%q is not a table name; table names are lower-case letters, digits and _.", a.Table)
	}
	return &AccessRequest{Table: table, PII: a.PII}, nil
}
