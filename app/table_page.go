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
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/lineage"
	"github.com/pier-analytics/pier/query"
)

// tableUseDays is how far back a table page counts who read it.
const tableUseDays = 30

// apiTableDetail is one table as its page shows it (API.md, second wave).
type apiTableDetail struct {
	apiTable
	// Sample is its first rows, read as the caller's own query would read
	// them (PII hashed unless granted); for those who run SQL.
	Sample     *query.JSONResult `json:"sample,omitempty"`
	Freshness  apiFreshness      `json:"freshness"`
	UsedBy     []apiUse          `json:"used_by"`
	TopUsers   []apiUser         `json:"top_users"`
	TopQueries []apiQueryUse     `json:"top_queries,omitempty"` // the data team's only: SQL may quote data
}

// apiFreshness is how new a table's data is, and whether it is late.
type apiFreshness struct {
	AsOf        string `json:"as_of,omitempty"`
	ExpectEvery string `json:"expect_every,omitempty"`
	Late        bool   `json:"late"`
}

func freshnessOf(v query.Visible, now time.Time) apiFreshness {
	return apiFreshness{AsOf: v.NewestData(), ExpectEvery: query.FormatEvery(v.Props.ExpectEvery), Late: v.Props.Late(v.Table, now)}
}

type apiUse struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
}

type apiUser struct {
	Name string `json:"name"`
	Runs int    `json:"runs"`
}

type apiQueryUse struct {
	SQL   string `json:"sql"`
	Runs  int    `json:"runs"`
	Users int    `json:"users"`
}

// tableDetail is what who may know of the named table: all of it if they
// may read it, its name, description, owner and the access request if it
// is restricted to others, and "no such table" otherwise.
func (a *App) tableDetail(ctx context.Context, who *auth.User, name string) (*apiTableDetail, error) {
	visible, locked, err := a.tablesOf(ctx, who)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(visible, func(v query.Visible) bool { return v.Name == name })
	if i < 0 {
		return lockedDetail(locked, name)
	}
	v := visible[i]
	can := a.enforcer.Capabilities(who)
	d := &apiTableDetail{apiTable: toAPITable(v, can.Query), Freshness: freshnessOf(v, time.Now())}
	if d.UsedBy, err = a.usedBy(ctx, who, can, name); err != nil {
		return nil, err
	}
	if can.Query {
		if d.Sample, err = a.sample(ctx, who, name); err != nil {
			return nil, err
		}
	}
	users, queries, err := a.qlog.TableUse(ctx, name, time.Now().AddDate(0, 0, -tableUseDays), 10)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		person := u.UserID
		if p, err := a.users.UserByID(ctx, u.UserID); err == nil {
			person = p.Name
		}
		d.TopUsers = append(d.TopUsers, apiUser{Name: person, Runs: u.Runs})
	}
	if can.Triage {
		for _, q := range queries {
			if mayQuote(q, visible) {
				d.TopQueries = append(d.TopQueries, apiQueryUse{SQL: q.SQL, Runs: q.Runs, Users: q.Users})
			}
		}
	}
	return d, nil
}

// mayQuote reports whether a statement may be shown word for word to
// someone who reads the visible tables: it reads no table they may not,
// read no personal data unhashed, and names no personal-data column whose
// values they would see hashed (a literal beside it may be one).
func mayQuote(q query.QueryUse, visible []query.Visible) bool {
	if q.RawPII {
		return false
	}
	words := identifiers(strings.ToLower(q.SQL))
	for _, t := range q.Tables {
		i := slices.IndexFunc(visible, func(v query.Visible) bool { return v.Name == t })
		if i < 0 {
			return false
		}
		if v := visible[i]; !v.RawPII && slices.ContainsFunc(v.PIIColumns(), func(c string) bool { return words[c] }) {
			return false
		}
	}
	return true
}

// identifiers are the words of a statement that could name a column.
func identifiers(sql string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(sql, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
		out[w] = true
	}
	return out
}

func lockedDetail(locked []query.Locked, name string) (*apiTableDetail, error) {
	i := slices.IndexFunc(locked, func(l query.Locked) bool { return l.Name == name })
	if i < 0 {
		return nil, pier.Errorf(pier.ENotFound, "There is no table %q in the lake.", name)
	}
	return &apiTableDetail{apiTable: lockedAPITable(locked[i])}, nil
}

// usedBy lists the dashboards and datasets that read the table, of those
// who may open.
func (a *App) usedBy(ctx context.Context, who *auth.User, can auth.Capabilities, table string) ([]apiUse, error) {
	out := []apiUse{}
	boards, err := a.dashboards.List(ctx, who)
	if err != nil {
		return nil, err
	}
	for _, b := range boards {
		if slices.Contains(b.Tables, table) {
			out = append(out, apiUse{Kind: "dashboard", ID: b.ID, Title: b.Title})
		}
	}
	books, err := a.nbs.ReadersOf(ctx, table)
	if err != nil {
		return nil, err
	}
	for _, b := range books {
		switch _, err := a.nbs.Get(ctx, who, b.ID); pier.ErrorCode(err) {
		case "":
			out = append(out, apiUse{Kind: "notebook", ID: b.ID, Title: b.Title})
		case pier.ENotFound, pier.EForbidden:
		default:
			return nil, err
		}
	}
	if !can.Explore {
		return out, nil
	}
	sets, err := a.dashboards.Datasets(ctx, who)
	if err != nil {
		return nil, err
	}
	for _, s := range sets {
		if slices.Contains(s.Tables, table) {
			out = append(out, apiUse{Kind: "dataset", ID: s.ID, Title: s.Name})
		}
	}
	return out, nil
}

// sampleRows is how many rows a table page shows.
const sampleRows = 10

// sample reads the table's first rows through the engine as who, exactly
// as their own query would: the sandbox, grants and PII hashing apply.
func (a *App) sample(ctx context.Context, who *auth.User, table string) (*query.JSONResult, error) {
	p, err := a.principal(ctx, who)
	if err != nil {
		return nil, err
	}
	res, err := a.engine.QueryCached(ctx, p, query.Request{SQL: fmt.Sprintf(`SELECT * FROM "%s" LIMIT %d`, table, sampleRows), Wait: true, Sample: true})
	if err != nil {
		return nil, err
	}
	return res.Result, nil
}

func (a *App) apiTable(c echo.Context) error {
	d, err := a.tableDetail(c.Request().Context(), currentUser(c), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// tablePage shows a table: what it holds, how fresh it is, who uses it,
// and for whom it is locked, how to ask for it.
func (a *App) tablePage(c echo.Context) error {
	return a.renderTablePage(c, http.StatusOK, nil)
}

// renderTablePage shows the table's page, with more said on it by add
// (what a change would do, why it was refused).
func (a *App) renderTablePage(c echo.Context, status int, add func(*views.TablePage)) error {
	d, err := a.tableDetail(c.Request().Context(), currentUser(c), c.Param("name"))
	if err != nil {
		return err
	}
	p := views.TablePage{Name: d.Name, Description: d.Description, Owner: d.Owner, Restricted: d.Restricted, Locked: d.Locked,
		Request: d.Request, Rows: d.Rows, Partitions: d.Partitions, AsOf: d.Freshness.AsOf,
		ExpectEvery: d.Freshness.ExpectEvery, Late: d.Freshness.Late,
		CanManage: a.enforcer.Capabilities(currentUser(c)).ManageCatalog}
	for _, col := range d.Columns {
		p.Columns = append(p.Columns, views.ColumnRow{Name: col.Name, Type: col.Type, PII: col.PII, Description: col.Description})
	}
	if d.Sample != nil {
		p.Sample = resultTable(d.Sample)
	}
	for _, u := range d.UsedBy {
		p.UsedBy = append(p.UsedBy, views.UseRow{Kind: u.Kind, Title: u.Title, Href: useHref(u.Kind, u.ID)})
	}
	for _, u := range d.TopUsers {
		p.TopUsers = append(p.TopUsers, views.UseRow{Title: u.Name, Runs: u.Runs})
	}
	for _, q := range d.TopQueries {
		p.TopQueries = append(p.TopQueries, views.UseRow{Title: q.SQL, Runs: q.Runs})
	}
	if !d.Locked {
		_, down, err := a.lineageOfOpened(c.Request().Context(), currentUser(c), lineage.Node{Kind: kindTable, ID: d.Name})
		if err != nil {
			return err
		}
		p.Downstream = lineageSteps(down)
	}
	if add != nil {
		add(&p)
	}
	return a.render(c, status, views.Table(p, a.viewer(c)))
}

// useHref is the page of something that reads a table.
func useHref(kind, id string) string {
	switch kind {
	case "dataset":
		return "/explore?dataset=" + id
	case "notebook":
		return "/notebooks/" + id
	}
	return "/dashboards/" + id
}

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
func (a *App) changeTable(ctx context.Context, who *auth.User, name string, ch tableChange) error {
	t, ok := a.catalog.Table(name)
	if !ok {
		return pier.Errorf(pier.ENotFound, "There is no table %q in the lake.", name)
	}
	props, err := a.props.All(ctx)
	if err != nil {
		return err
	}
	now := props[name]
	visible, err := a.visibleTables(ctx, who)
	if err != nil {
		return err
	}
	readable := slices.ContainsFunc(visible, func(v query.Visible) bool { return v.Name == name })
	change, said, err := judgeTableChange(now, ch, a.enforcer.Capabilities(who), readable, t.Columns)
	if err != nil {
		return err
	}
	return a.props.SetWith(ctx, name, change, func(tx *sql.Tx) error {
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
func (a *App) impact(ctx context.Context, name string, ch tableChange) ([]apiImpact, error) {
	if _, ok := a.catalog.Table(name); !ok {
		return nil, pier.Errorf(pier.ENotFound, "There is no table %q in the lake.", name)
	}
	props, err := a.props.All(ctx)
	if err != nil {
		return nil, err
	}
	now := props[name]
	restricting := ch.Restricted != nil && *ch.Restricted && !now.Restricted
	tagging := ch.PII != nil && slices.ContainsFunc(*ch.PII, func(c string) bool { return !slices.Contains(now.PII, c) })
	boards, err := a.dashboards.ReadersOf(ctx, name)
	if err != nil {
		return nil, err
	}
	books, err := a.nbs.ReadersOf(ctx, name)
	if err != nil {
		return nil, err
	}
	loses := func(userID string) (bool, error) {
		grants, err := a.users.TableGrants(ctx, userID)
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
			u, err := a.users.UserByEmail(ctx, email)
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

func (a *App) apiChangeTable(c echo.Context) error {
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
		impact, err := a.impact(ctx, c.Param("name"), body)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"impact": impact})
	}
	if err := a.changeTable(ctx, who, c.Param("name"), body); err != nil {
		return err
	}
	return a.apiTable(c)
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
