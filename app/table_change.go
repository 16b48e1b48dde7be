package app

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// tableChange is what the data team changes of a table in the app.
type tableChange struct {
	Description *string               `json:"description"`
	Owner       *string               `json:"owner"`
	Restricted  *bool                 `json:"restricted"`
	PII         *[]string             `json:"pii"`
	Columns     map[string]columnNote `json:"columns"`
	ExpectEvery *string               `json:"expect_every"`
}

type columnNote struct {
	Description string `json:"description"`
}

// maxNote is the longest description of a table or column, which is a
// sentence or a paragraph, not a document.
const maxNote = 2000

// changeTable applies a change to a table's properties and audits it in
// the same transaction; it takes effect on the next query, on every
// replica, since queries read the properties from the store.
func (h *tableHandlers) changeTable(ctx context.Context, who *auth.User, name string, ch tableChange) error {
	t, ok := h.catalog.Table(name)
	if !ok {
		return pier.Errorf(pier.ENotFound, "There is no table %q in the lake.", name)
	}
	props, err := h.props.All(ctx)
	if err != nil {
		return err
	}
	now := props[name]
	visible, _, err := h.tablesOf(ctx, who)
	if err != nil {
		return err
	}
	readable := slices.ContainsFunc(visible, func(v query.Visible) bool { return v.Name == name })
	change, said, err := judgeTableChange(now, ch, h.can(who), readable, t.Columns)
	if err != nil {
		return err
	}
	return h.props.SetWith(ctx, name, change, func(tx *sql.Tx) error {
		return auth.WriteAudit(ctx, tx, auth.AuditEntry{Actor: who.ID, Action: auth.AuditTable, Subject: name, Table: name, Detail: strings.Join(said, "; ")})
	})
}

// judgeTableChange says whether a change to a table's properties may be
// made, and what it changes in words for the audit log. The data team
// describes, owns, restricts and tags; opening a restricted table or
// untagging personal data gives access, so it is an admin's, as a grant
// is. Tags are set only by someone who can read the table, so that a
// refusal never tells of columns they cannot see.
func judgeTableChange(now query.Props, ch tableChange, can auth.Capabilities, readable bool, cols []query.Column) (query.PropChange, []string, error) {
	change := query.PropChange{Description: ch.Description, Owner: ch.Owner, Restricted: ch.Restricted, PII: ch.PII}
	said, err := judgeLooks(now, ch, &change, readable || can.Grant, cols)
	if err != nil {
		return change, nil, err
	}
	if ch.Description != nil && len(*ch.Description) > maxNote {
		return change, nil, pier.Errorf(pier.EInvalid, "A description is at most %d characters.", maxNote)
	}
	if ch.Description != nil && *ch.Description != now.Description {
		said = append(said, fmt.Sprintf("description %q → %q", now.Description, *ch.Description))
	}
	if ch.Owner != nil && *ch.Owner != now.Owner {
		said = append(said, fmt.Sprintf("owner %q → %q", now.Owner, *ch.Owner))
	}
	loosens := false
	switch {
	case ch.Restricted == nil || *ch.Restricted == now.Restricted:
	case *ch.Restricted:
		said = append(said, "restricted")
	default:
		loosens = true
		said = append(said, "opened to everyone")
	}
	if ch.PII != nil {
		if !readable && !can.Grant { // admins may grant themselves anything
			return change, nil, pier.Errorf(pier.EForbidden, "Tag personal data on a table you can read; ask an admin for a grant first.")
		}
		for _, col := range *ch.PII {
			if !slices.ContainsFunc(cols, func(c query.Column) bool { return c.Name == col }) {
				return change, nil, pier.Errorf(pier.EInvalid, "The table has no column %q to mark as personal data.", col)
			}
		}
		added := slices.DeleteFunc(slices.Clone(*ch.PII), func(c string) bool { return slices.Contains(now.PII, c) })
		removed := slices.DeleteFunc(slices.Clone(now.PII), func(c string) bool { return slices.Contains(*ch.PII, c) })
		if len(added) > 0 {
			said = append(said, "personal data added: "+strings.Join(added, ", "))
		}
		if len(removed) > 0 {
			loosens = true
			said = append(said, "personal data removed: "+strings.Join(removed, ", "))
		}
	}
	if loosens && !can.Grant {
		return change, nil, pier.Errorf(pier.EForbidden, "Opening a restricted table, or untagging personal data, gives people access: only an admin may, as with a grant.")
	}
	if len(said) == 0 {
		return change, nil, errNothingToChange
	}
	return change, said, nil
}

// judgeLooks checks the column descriptions and the expected freshness of
// a change, puts them in it, and says what they change. Columns are
// described only by someone who can read the table, as they are tagged.
func judgeLooks(now query.Props, ch tableChange, change *query.PropChange, mayName bool, cols []query.Column) ([]string, error) {
	var said []string
	if ch.ExpectEvery != nil {
		every, err := query.ParseEvery(*ch.ExpectEvery)
		if err != nil {
			return nil, err
		}
		change.ExpectEvery = &every
		if every != now.ExpectEvery {
			said = append(said, fmt.Sprintf("expected every %q → %q", query.FormatEvery(now.ExpectEvery), query.FormatEvery(every)))
		}
	}
	if len(ch.Columns) > 0 && !mayName {
		return nil, pier.Errorf(pier.EForbidden, "Describe the columns of a table you can read; ask an admin for a grant first.")
	}
	names := slices.Sorted(maps.Keys(ch.Columns))
	for _, col := range names {
		note := strings.TrimSpace(ch.Columns[col].Description)
		if !slices.ContainsFunc(cols, func(c query.Column) bool { return c.Name == col }) {
			return nil, pier.Errorf(pier.EInvalid, "The table has no column %q to describe.", col)
		}
		if len(note) > maxNote {
			return nil, pier.Errorf(pier.EInvalid, "A description is at most %d characters.", maxNote)
		}
		if note != now.Notes[col] {
			if change.Notes == nil {
				change.Notes = map[string]string{}
			}
			change.Notes[col] = note
			said = append(said, fmt.Sprintf("column %s described %q → %q", col, now.Notes[col], note))
		}
	}
	return said, nil
}

var errNothingToChange = pier.Errorf(pier.EInvalid, "Nothing to change: the table already reads so.")

// apiImpact is one thing a change to a table touches, and who loses
// access by it: its owner (and so all who see it, for dashboards, whose
// tiles run as the owner), and the people it is shared with.
type apiImpact struct {
	Kind        string   `json:"kind"`
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Owner       string   `json:"owner"`
	LosesAccess bool     `json:"loses_access"`
	Losing      []string `json:"people_losing_access,omitempty"` // those it is shared with who lose it
	Published   bool     `json:"published,omitempty"`            // everyone without a grant loses it too
}

// impact is what restricting the table, or marking more of its columns as
// personal data, would do to the dashboards, datasets and notebooks that
// read it: whose owner, and which of the people they are shared with, hold
// no grant (no PII grant) and so lose access.
func (h *tableHandlers) impact(ctx context.Context, name string, ch tableChange) ([]apiImpact, error) {
	if _, ok := h.catalog.Table(name); !ok {
		return nil, pier.Errorf(pier.ENotFound, "There is no table %q in the lake.", name)
	}
	props, err := h.props.All(ctx)
	if err != nil {
		return nil, err
	}
	now := props[name]
	restricting := ch.Restricted != nil && *ch.Restricted && !now.Restricted
	tagging := ch.PII != nil && slices.ContainsFunc(*ch.PII, func(c string) bool { return !slices.Contains(now.PII, c) })
	boards, err := h.dashboards.ReadersOf(ctx, name)
	if err != nil {
		return nil, err
	}
	books, err := h.nbs.ReadersOf(ctx, name)
	if err != nil {
		return nil, err
	}
	loses := func(userID string) (bool, error) {
		grants, err := h.users.TableGrants(ctx, userID)
		if err != nil {
			return false, err
		}
		pii, granted := grants[name]
		return restricting && !granted || tagging && !pii, nil
	}
	judge := func(i apiImpact, ownerID string, shared []string) (apiImpact, error) {
		var err error
		if i.LosesAccess, err = loses(ownerID); err != nil {
			return i, err
		}
		for _, email := range shared {
			u, err := h.users.UserByEmail(ctx, email)
			if err != nil {
				return i, err
			}
			if l, err := loses(u.ID); err != nil {
				return i, err
			} else if l {
				i.Losing = append(i.Losing, email)
			}
		}
		return i, nil
	}
	out := []apiImpact{}
	for _, r := range boards {
		i, err := judge(apiImpact{Kind: r.Kind, ID: r.ID, Title: r.Title, Owner: r.Owner, Published: r.Published && (restricting || tagging)}, r.OwnerID, r.SharedWith)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	for _, r := range books {
		i, err := judge(apiImpact{Kind: "notebook", ID: r.ID, Title: r.Title, Owner: r.Owner}, r.OwnerID, r.SharedWith)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, nil
}

func (h *tableHandlers) apiChangeTable(c echo.Context) error {
	var body tableChange
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ctx, who := c.Request().Context(), currentUser(c)
	dry, err := dryRun(c)
	if err != nil {
		return err
	}
	if dry {
		impact, err := h.impact(ctx, c.Param("name"), body)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"impact": impact})
	}
	if err := h.changeTable(ctx, who, c.Param("name"), body); err != nil {
		return err
	}
	return h.apiTable(c)
}

// dryRun reads ?dry_run=: any true value, and only a true or false value;
// a misspelt dry run must never change anything for real.
func dryRun(c echo.Context) (bool, error) {
	v, ok := c.QueryParams()["dry_run"]
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v[0])
	if err != nil {
		return false, pier.Errorf(pier.EInvalid, "dry_run is true or false, not %q.", v[0])
	}
	return b, nil
}
