package ticket

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

func TestOfficeHoursAreBookedOneTicketPerSession(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db) // Monday 23 November 2026, 10:00 UTC
		ctx := context.Background()
		for range 2 {
			if err := f.s.EnsureOfficeHours(ctx); err != nil {
				t.Fatal(err)
			}
		}
		sessions, err := f.s.Sessions(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		var starts []string
		for _, se := range sessions {
			starts = append(starts, se.StartsAt.Format("Mon 2 15:04"))
		}
		if want := "[Tue 24 14:00 Thu 26 14:00 Tue 1 14:00 Thu 3 14:00]"; sprint(starts) != want {
			t.Errorf("sessions %v, want the two default slots each week: %s", starts, want)
		}
		a, b := f.file(t, f.viewer, "a"), f.file(t, f.other, "b")
		first := sessions[0]
		booking, err := f.s.Book(ctx, f.other, a.ID, first.Slot.ID, first.StartsAt)
		if err != nil {
			t.Fatal(err)
		}
		if booking.TicketID != a.ID || booking.BookedBy.Email != f.other.Email || !booking.EndsAt.Equal(first.StartsAt.Add(30*time.Minute)) {
			t.Errorf("booking %+v", booking)
		}
		for name, c := range map[string]struct {
			id   int64
			slot string
			at   time.Time
			code string
		}{
			"taken":          {b.ID, first.Slot.ID, first.StartsAt, pier.EConflict},
			"one per ticket": {a.ID, sessions[1].Slot.ID, sessions[1].StartsAt, pier.EConflict},
			"not a session":  {b.ID, first.Slot.ID, first.StartsAt.Add(time.Hour), pier.EInvalid},
			"unknown slot":   {b.ID, "nope", first.StartsAt, pier.EInvalid},
			"too far ahead":  {b.ID, first.Slot.ID, first.StartsAt.AddDate(0, 0, 7*bookingWeeks), pier.EInvalid},
			"no ticket":      {99, sessions[1].Slot.ID, sessions[1].StartsAt, pier.ENotFound},
		} {
			if _, err := f.s.Book(ctx, f.viewer, c.id, c.slot, c.at); pier.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		got, _ := f.s.Get(ctx, f.viewer, a.ID)
		if got.Booking == nil || !got.Booking.StartsAt.Equal(first.StartsAt) {
			t.Errorf("the ticket shows booking %+v", got.Booking)
		}
		if sessions, _ = f.s.Sessions(ctx, 1); sessions[0].Booking == nil || sessions[0].Booking.TicketTitle != "a" || sessions[1].Booking != nil {
			t.Errorf("upcoming sessions %+v", sessions)
		}
		if err := f.s.RemoveSlot(ctx, f.data, first.Slot.ID); pier.ErrorCode(err) != pier.EConflict {
			t.Errorf("removing a slot with a booking ahead: %v", err)
		}
		if err := f.s.CancelBooking(ctx, f.analyst, a.ID); pier.ErrorCode(err) != pier.EForbidden {
			t.Errorf("a stranger cancels: %v", err)
		}
		if err := f.s.CancelBooking(ctx, f.viewer, a.ID); err != nil {
			t.Errorf("the requester cancels: %v", err)
		}
		if err := f.s.RemoveSlot(ctx, f.data, first.Slot.ID); err != nil {
			t.Errorf("removing a free slot: %v", err)
		}
		// A session that has ended leaves the ticket.
		booked, _ := f.s.Book(ctx, f.viewer, b.ID, sessions[1].Slot.ID, sessions[1].StartsAt)
		f.clock = booked.EndsAt
		if got, _ := f.s.Get(ctx, f.viewer, b.ID); got.Booking != nil {
			t.Errorf("a past session still shows: %+v", got.Booking)
		}
	})
}

func TestClosedTicketsBookNoOfficeHours(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	sl, err := f.s.AddSlot(ctx, f.data, int(time.Wednesday), "09:30", 45)
	if err != nil {
		t.Fatal(err)
	}
	if sl.Label() != "Wednesday 09:30–10:15" {
		t.Errorf("label %q", sl.Label())
	}
	tk := f.file(t, f.viewer, "x")
	f.s.Triage(ctx, f.data, tk.ID, Patch{Status: ptr("closed")})
	sessions, _ := f.s.Sessions(ctx, 1)
	if _, err := f.s.Book(ctx, f.viewer, tk.ID, sessions[0].Slot.ID, sessions[0].StartsAt); pier.ErrorCode(err) != pier.EInvalid {
		t.Errorf("booking for a closed ticket: %v", err)
	}
	for name, c := range map[string]struct {
		day     int
		start   string
		minutes int
	}{"day": {7, "10:00", 30}, "time": {1, "25:00", 30}, "short": {1, "10:00", 1}, "long": {1, "10:00", 600}} {
		if _, err := f.s.AddSlot(ctx, f.data, c.day, c.start, c.minutes); pier.ErrorCode(err) != pier.EInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// One person cannot take every session: past the limit they are told why;
// the data team is not limited, and a slot they free can be booked again.
func TestOnePersonHoldsAtMostTheConfiguredBookings(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if err := f.s.EnsureOfficeHours(ctx); err != nil {
			t.Fatal(err)
		}
		sessions, err := f.s.Sessions(ctx, 2)
		if err != nil || len(sessions) < 4 {
			t.Fatalf("sessions %v %v", sessions, err)
		}
		var tickets []int64
		for _, title := range []string{"a", "b", "c", "d"} {
			tickets = append(tickets, f.file(t, f.other, title).ID)
		}
		for i := range DefaultMaxBookings {
			if _, err := f.s.Book(ctx, f.viewer, tickets[i], sessions[i].Slot.ID, sessions[i].StartsAt); err != nil {
				t.Fatal(err)
			}
		}
		n := DefaultMaxBookings
		_, err = f.s.Book(ctx, f.viewer, tickets[n], sessions[n].Slot.ID, sessions[n].StartsAt)
		if pier.ErrorCode(err) != pier.EConflict || !strings.Contains(pier.ErrorMessage(err), "the most one person may") {
			t.Fatalf("a booking past the limit: %v", err)
		}
		if _, err := f.s.Book(ctx, f.data, tickets[n], sessions[n].Slot.ID, sessions[n].StartsAt); err != nil {
			t.Fatalf("the data team is limited too: %v", err)
		}
		if err := f.s.CancelBooking(ctx, f.data, tickets[0]); err != nil {
			t.Fatalf("the data team frees a slot: %v", err)
		}
		if _, err := f.s.Book(ctx, f.viewer, tickets[n+1], sessions[n+1].Slot.ID, sessions[n+1].StartsAt); err != nil {
			t.Fatalf("after a slot was freed: %v", err)
		}
	})
}

// Bookings made at the same moment cannot pass the limit together (on
// PostgreSQL each transaction would otherwise count before the others
// write).
func TestSimultaneousBookingsKeepTheLimit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if err := f.s.EnsureOfficeHours(ctx); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			sessions, err := f.s.Sessions(ctx, bookingWeeks)
			if err != nil {
				t.Fatal(err)
			}
			var free []Session
			for _, se := range sessions {
				if se.Booking == nil {
					free = append(free, se)
				}
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			booked := 0
			for i := range 6 {
				tk := f.file(t, f.other, "t")
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := f.s.Book(ctx, f.viewer, tk.ID, free[i].Slot.ID, free[i].StartsAt); err == nil {
						mu.Lock()
						booked++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			held, _ := f.s.bookings(ctx, `b.booked_by = $1 AND b.starts_at >= $2`, f.viewer.ID, f.s.stamp())
			if len(held) > DefaultMaxBookings {
				t.Fatalf("six bookings at once: %d went through, the viewer holds %d, the limit is %d", booked, len(held), DefaultMaxBookings)
			}
			for _, b := range held {
				f.s.CancelBooking(ctx, f.data, b.TicketID)
			}
		}
	})
}
