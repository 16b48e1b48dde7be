package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/store"
)

// Slot is a weekly office hour: a weekday, a start on the service's clock
// and a length. Each week's occurrence is a session one ticket can book.
type Slot struct {
	ID      string
	Weekday time.Weekday
	Start   int // minutes after midnight
	Minutes int
}

// Label says when the slot repeats, as in "Tuesday 14:00–14:30".
func (sl Slot) Label() string {
	end := sl.Start + sl.Minutes
	return fmt.Sprintf("%s %02d:%02d–%02d:%02d", sl.Weekday, sl.Start/60, sl.Start%60, end/60%24, end%60)
}

// Session is one occurrence of a slot, and its booking if it has one.
type Session struct {
	Slot     Slot
	StartsAt time.Time
	EndsAt   time.Time
	Booking  *Booking
}

// Booking is a session taken for a ticket.
type Booking struct {
	SlotID      string
	StartsAt    time.Time
	EndsAt      time.Time
	TicketID    int64
	TicketTitle string
	BookedBy    Person
}

// Office hours are booked at most this far ahead.
const bookingWeeks = 4

// defaultSlots are the two weekly office hours a new Pier starts with.
var defaultSlots = []Slot{{Weekday: time.Tuesday, Start: 14 * 60, Minutes: 30}, {Weekday: time.Thursday, Start: 14 * 60, Minutes: 30}}

// EnsureOfficeHours publishes the default slots the first time Pier starts;
// after that the data team's choice stands, even if it is none.
func (s *Service) EnsureOfficeHours(ctx context.Context) error {
	first, err := s.db.ClaimOnce(ctx, "office-hours-defaults")
	if err != nil || !first {
		return err
	}
	for _, sl := range defaultSlots {
		if err := s.insertSlot(ctx, &sl); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) insertSlot(ctx context.Context, sl *Slot) error {
	sl.ID = store.NewID()
	_, err := s.db.ExecContext(ctx, `INSERT INTO office_hours (id, weekday, start_minute, minutes, created_at)
		VALUES ($1, $2, $3, $4, $5)`, sl.ID, int(sl.Weekday), sl.Start, sl.Minutes, s.stamp())
	if err != nil {
		return fmt.Errorf("ticket: office hours: %w", err)
	}
	return nil
}

// Slots returns the weekly office hours, in the order of the week.
func (s *Service) Slots(ctx context.Context) ([]Slot, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, weekday, start_minute, minutes FROM office_hours ORDER BY weekday, start_minute, id`)
	if err != nil {
		return nil, fmt.Errorf("ticket: office hours: %w", err)
	}
	defer rows.Close()
	out := []Slot{}
	for rows.Next() {
		var sl Slot
		var wd int
		if err := rows.Scan(&sl.ID, &wd, &sl.Start, &sl.Minutes); err != nil {
			return nil, err
		}
		sl.Weekday = time.Weekday(wd)
		out = append(out, sl)
	}
	return out, rows.Err()
}

// AddSlot publishes a weekly office hour; start is "HH:MM".
func (s *Service) AddSlot(ctx context.Context, who *auth.User, weekday int, start string, minutes int) (*Slot, error) {
	if err := s.require(who, auth.ObjHours, auth.ActManage, "Only the data team publishes office hours."); err != nil {
		return nil, err
	}
	at, err := time.Parse("15:04", start)
	switch {
	case weekday < 0 || weekday > 6:
		return nil, pier.Errorf(pier.EInvalid, "Pick a day of the week.")
	case err != nil:
		return nil, pier.Errorf(pier.EInvalid, "%q is not a time of day; write it as HH:MM.", start)
	case minutes < 5 || minutes > 240:
		return nil, pier.Errorf(pier.EInvalid, "An office hour lasts from 5 to 240 minutes.")
	}
	sl := &Slot{Weekday: time.Weekday(weekday), Start: at.Hour()*60 + at.Minute(), Minutes: minutes}
	return sl, s.insertSlot(ctx, sl)
}

// RemoveSlot stops a weekly office hour. One with sessions booked ahead
// stays until those bookings are cancelled, so nobody is stood up.
func (s *Service) RemoveSlot(ctx context.Context, who *auth.User, id string) error {
	if err := s.require(who, auth.ObjHours, auth.ActManage, "Only the data team changes office hours."); err != nil {
		return err
	}
	var booked int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM office_hour_bookings WHERE slot_id = $1 AND starts_at >= $2`,
		id, s.stamp()).Scan(&booked); err != nil {
		return err
	}
	if booked > 0 {
		return pier.Errorf(pier.EConflict, "This office hour has %d session(s) booked ahead; cancel them first.", booked)
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM office_hours WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return pier.Errorf(pier.ENotFound, "There is no such office hour.")
	}
	return nil
}

// Sessions returns every session from now until weeks ahead, with their
// bookings, soonest first.
func (s *Service) Sessions(ctx context.Context, weeks int) ([]Session, error) {
	slots, err := s.Slots(ctx)
	if err != nil {
		return nil, err
	}
	booked, err := s.bookings(ctx, `b.starts_at >= $1`, s.stamp())
	if err != nil {
		return nil, err
	}
	var out []Session
	for _, sl := range slots {
		for _, at := range s.occurrences(sl, weeks) {
			se := Session{Slot: sl, StartsAt: at, EndsAt: at.Add(time.Duration(sl.Minutes) * time.Minute)}
			if i := slices.IndexFunc(booked, func(b Booking) bool { return b.SlotID == sl.ID && b.StartsAt.Equal(at) }); i >= 0 {
				se.Booking = &booked[i]
			}
			out = append(out, se)
		}
	}
	slices.SortFunc(out, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
	return out, nil
}

// occurrences are the starts of sl from now until weeks ahead.
func (s *Service) occurrences(sl Slot, weeks int) []time.Time {
	now := s.now().In(s.loc)
	var out []time.Time
	for d := 0; d < 7*weeks; d++ {
		day := now.AddDate(0, 0, d)
		if day.Weekday() != sl.Weekday {
			continue
		}
		at := time.Date(day.Year(), day.Month(), day.Day(), sl.Start/60, sl.Start%60, 0, 0, s.loc)
		if at.After(now) {
			out = append(out, at)
		}
	}
	return out
}

// Book takes a free session for an open ticket; anyone who can read the
// queue may. A ticket holds one upcoming session at a time.
func (s *Service) Book(ctx context.Context, who *auth.User, id int64, slotID string, startsAt time.Time) (*Booking, error) {
	if err := s.auth.Authorize(who, auth.ObjTicket, auth.ActRead); err != nil {
		return nil, err
	}
	if err := s.checkSession(ctx, slotID, startsAt); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := getTicket(ctx, tx, id)
		if err != nil {
			return err
		}
		if !t.Status.Open() {
			return pier.Errorf(pier.EInvalid, "#%d is %s; office hours are for open requests.", id, t.Status.Label())
		}
		return s.insertBooking(ctx, tx, who, id, slotID, startsAt)
	})
	if store.IsUniqueViolation(err) {
		return nil, pier.Errorf(pier.EConflict, "Someone has just booked that session; pick another.")
	}
	if err != nil {
		return nil, err
	}
	return s.booking(ctx, id)
}

func (s *Service) checkSession(ctx context.Context, slotID string, startsAt time.Time) error {
	slots, err := s.Slots(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(slots, func(sl Slot) bool { return sl.ID == slotID })
	if i < 0 || !slices.ContainsFunc(s.occurrences(slots[i], bookingWeeks), startsAt.Equal) {
		return pier.Errorf(pier.EInvalid, "That is not an office hour you can book; pick one of the sessions offered.")
	}
	return nil
}

func (s *Service) insertBooking(ctx context.Context, tx *sql.Tx, who *auth.User, id int64, slotID string, startsAt time.Time) error {
	// The ticket's and the booker's rows are locked, so two bookings at
	// once cannot both pass the checks below.
	var locked int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM tickets WHERE id = $1`+s.db.ForUpdate(), id).Scan(&locked); err != nil {
		return err
	}
	var me string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`+s.db.ForUpdate(), who.ID).Scan(&me); err != nil {
		return err
	}
	var ahead int
	at := s.stamp()
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM office_hour_bookings WHERE ticket_id = $1 AND starts_at >= $2`,
		id, at).Scan(&ahead); err != nil {
		return err
	}
	if ahead > 0 {
		return pier.Errorf(pier.EConflict, "#%d already has an office hour booked; cancel it to pick another.", id)
	}
	if err := s.checkHolding(ctx, tx, who, at); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO office_hour_bookings (slot_id, starts_at, ticket_id, booked_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`, slotID, startsAt.UnixMilli(), id, who.ID, at); err != nil {
		return err
	}
	if err := record(ctx, tx, id, who.ID, "office_hours", "", startsAt.In(s.loc).Format("Mon 2 Jan 15:04"), at); err != nil {
		return err
	}
	return touch(ctx, tx, id, at, false)
}

// checkHolding refuses a booking past the number of upcoming sessions one
// person may hold, so that nobody can take every session; the data team,
// who run office hours, are not limited.
func (s *Service) checkHolding(ctx context.Context, tx *sql.Tx, who *auth.User, at int64) error {
	if s.canTriage(who) {
		return nil
	}
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM office_hour_bookings WHERE booked_by = $1 AND starts_at >= $2`,
		who.ID, at).Scan(&held); err != nil {
		return err
	}
	if held >= s.most {
		return pier.Errorf(pier.EConflict, "You already hold %d upcoming office hours, the most one person may. Cancel one to book another, or ask the data team.", held)
	}
	return nil
}

// CancelBooking frees the ticket's upcoming session; the person who booked
// it, the requester and the data team may.
func (s *Service) CancelBooking(ctx context.Context, who *auth.User, id int64) error {
	b, err := s.booking(ctx, id)
	if err != nil {
		return err
	}
	if b == nil {
		return pier.Errorf(pier.ENotFound, "#%d has no office hour booked.", id)
	}
	t, err := getTicket(ctx, s.db, id)
	if err != nil {
		return err
	}
	if !mayCancel(who, t, b.BookedBy.ID, s.canTriage(who)) {
		return pier.Errorf(pier.EForbidden, "Only whoever booked it, the requester or the data team may cancel this session.")
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM office_hour_bookings WHERE slot_id = $1 AND starts_at = $2`,
			b.SlotID, b.StartsAt.UnixMilli()); err != nil {
			return err
		}
		return record(ctx, tx, id, who.ID, "office_hours", b.StartsAt.In(s.loc).Format("Mon 2 Jan 15:04"), "", s.stamp())
	})
}

// booking is the ticket's session that has not ended yet, if any.
func (s *Service) booking(ctx context.Context, id int64) (*Booking, error) {
	bs, err := s.bookings(ctx, `b.ticket_id = $1 AND b.starts_at + h.minutes * 60000 > $2`, id, s.stamp())
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return &bs[0], nil
}

func (s *Service) bookings(ctx context.Context, where string, args ...any) ([]Booking, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.slot_id, b.starts_at, h.minutes, b.ticket_id, t.title, u.id, u.email, u.name
		FROM office_hour_bookings b JOIN office_hours h ON h.id = b.slot_id JOIN tickets t ON t.id = b.ticket_id
		JOIN users u ON u.id = b.booked_by WHERE `+where+` ORDER BY b.starts_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: bookings: %w", err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		var b Booking
		var at int64
		var minutes int
		if err := rows.Scan(&b.SlotID, &at, &minutes, &b.TicketID, &b.TicketTitle, &b.BookedBy.ID, &b.BookedBy.Email, &b.BookedBy.Name); err != nil {
			return nil, err
		}
		b.StartsAt = time.UnixMilli(at).In(s.loc)
		b.EndsAt = b.StartsAt.Add(time.Duration(minutes) * time.Minute)
		out = append(out, b)
	}
	return out, rows.Err()
}
