package ticket

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pier-analytics/pier/store"
	"github.com/pier-analytics/pier/store/storetest"
)

// TestRequestersAreToldOfAnswersCommentsAndDecisions: whoever watches a
// request hears of what others do to it, never of their own doing, and
// not of the data team's assignee and priority changes.
func TestRequestersAreToldOfAnswersCommentsAndDecisions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tk := f.file(t, f.viewer, "Weekly buyers by country")
		whats := func() []string {
			ns, _, err := f.s.Notices(ctx, f.viewer, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range ns {
				out = append(out, n.Actor+" "+n.What)
			}
			return out
		}
		if _, err := f.s.Triage(ctx, f.data, tk.ID, Patch{Assignee: ptr(f.data.Email), Priority: ptr("high")}); err != nil {
			t.Fatal(err)
		}
		if got := whats(); len(got) != 0 {
			t.Fatalf("told of the data team's own bookkeeping: %v", got)
		}
		f.later(time.Second)
		if _, err := f.s.Comment(ctx, f.data, tk.ID, "Which countries matter to you?"); err != nil {
			t.Fatal(err)
		}
		f.later(time.Second)
		if _, err := f.s.Comment(ctx, f.viewer, tk.ID, "Korea and Japan."); err != nil {
			t.Fatal(err)
		}
		f.later(time.Second)
		if _, err := f.s.Answer(ctx, f.data, tk.ID, Answer{Text: "See the dashboard.", Links: []Link{{Kind: "dashboard", Ref: "d1"}}}); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(whats(), " | ")
		if !strings.HasPrefix(got, f.data.Name+" answered the request | "+f.data.Name+" commented: Which countries") || strings.Contains(got, "Korea") {
			t.Fatalf("the requester's notices: %s", got)
		}
		_, unread, _ := f.s.Notices(ctx, f.viewer, 10)
		mine, dataUnread, _ := f.s.Notices(ctx, f.data, 10)
		if unread != 2 || dataUnread != 1 || !strings.Contains(mine[0].What, "Korea and Japan") {
			t.Fatalf("unread: requester %d, data team %d %v", unread, dataUnread, mine)
		}
		if err := f.s.MarkRead(ctx, f.viewer, tk.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.Unread(ctx, f.viewer); n != 0 {
			t.Fatalf("%d unread after opening the request", n)
		}
		if n, _ := f.s.Unread(ctx, f.data); n != 1 {
			t.Fatalf("the requester reading marked the data team's notices: %d", n)
		}

		access, err := f.s.File(ctx, f.viewer, New{Title: "orders", Category: "data_access", Access: &AccessRequest{Table: "orders"}})
		if err != nil {
			t.Fatal(err)
		}
		f.later(time.Second)
		if _, err := f.s.DecideAccess(ctx, f.admin, access.ID, Decision{Approve: false, Note: "Ask your lead first."}); err != nil {
			t.Fatal(err)
		}
		ns, unread, _ := f.s.Notices(ctx, f.viewer, 10)
		if unread != 1 || ns[0].TicketID != access.ID || ns[0].What != "denied the access request" {
			t.Fatalf("after a denial: %d unread, %+v", unread, ns[0])
		}
	})
}
