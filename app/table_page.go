package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/lineage"
	"github.com/pier-analytics/pier/notebook"
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

// tableHandlers serve the catalog's tables: the list, each table's page
// and its API, and the data team's changes with their impact.
type tableHandlers struct {
	catalog    *query.Catalog
	props      *query.PropStore
	users      *auth.Store
	qlog       *query.QueryLog
	engine     *query.Engine
	dashboards *dashboard.Service
	nbs        *notebook.Service
	principal  func(context.Context, *auth.User) (query.Principal, error)
	// tablesOf splits the lake's tables into those who may read and those
	// restricted to others.
	tablesOf func(context.Context, *auth.User) ([]query.Visible, []query.Locked, error)
	can      func(*auth.User) auth.Capabilities
	// downstream is what reads a node, of what who may open.
	downstream func(ctx context.Context, who *auth.User, node lineage.Node) (up, down []apiStep, err error)
	grant      func(ctx context.Context, who *auth.User, email, table string, pii bool) (auth.GrantRow, error)
	page       pageRenderer
}

func (a *App) tables() *tableHandlers {
	return &tableHandlers{catalog: a.catalog, props: a.props, users: a.users, qlog: a.qlog, engine: a.engine,
		dashboards: a.dashboards, nbs: a.nbs, principal: a.principal, tablesOf: a.tablesOf, can: a.enforcer.Capabilities,
		downstream: a.lineageOfOpened, grant: a.grants().grant, page: a.renderPage}
}

func (h *tableHandlers) apiTables(c echo.Context) error {
	u := currentUser(c)
	visible, locked, err := h.tablesOf(c.Request().Context(), u)
	if err != nil {
		return err
	}
	queryable := h.can(u).Query
	out := make([]apiTable, 0, len(visible)+len(locked))
	for _, v := range visible {
		out = append(out, toAPITable(v, queryable))
	}
	for _, l := range locked {
		out = append(out, lockedAPITable(l))
	}
	return c.JSON(http.StatusOK, map[string]any{"tables": out})
}

// tableDetail is what who may know of the named table: all of it if they
// may read it, its name, description, owner and the access request if it
// is restricted to others, and "no such table" otherwise.
func (h *tableHandlers) tableDetail(ctx context.Context, who *auth.User, name string) (*apiTableDetail, error) {
	visible, locked, err := h.tablesOf(ctx, who)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(visible, func(v query.Visible) bool { return v.Name == name })
	if i < 0 {
		return lockedDetail(locked, name)
	}
	v := visible[i]
	can := h.can(who)
	d := &apiTableDetail{apiTable: toAPITable(v, can.Query), Freshness: freshnessOf(v, time.Now())}
	if d.UsedBy, err = h.usedBy(ctx, who, can, name); err != nil {
		return nil, err
	}
	if can.Query {
		if d.Sample, err = h.sample(ctx, who, name); err != nil {
			return nil, err
		}
	}
	users, queries, err := h.qlog.TableUse(ctx, name, time.Now().AddDate(0, 0, -tableUseDays), 10)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		person := u.UserID
		if p, err := h.users.UserByID(ctx, u.UserID); err == nil {
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
func (h *tableHandlers) usedBy(ctx context.Context, who *auth.User, can auth.Capabilities, table string) ([]apiUse, error) {
	out := []apiUse{}
	boards, err := h.dashboards.List(ctx, who)
	if err != nil {
		return nil, err
	}
	for _, b := range boards {
		if slices.Contains(b.Tables, table) {
			out = append(out, apiUse{Kind: "dashboard", ID: b.ID, Title: b.Title})
		}
	}
	books, err := h.nbs.ReadersOf(ctx, table)
	if err != nil {
		return nil, err
	}
	for _, b := range books {
		switch _, err := h.nbs.Get(ctx, who, b.ID); pier.ErrorCode(err) {
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
	sets, err := h.dashboards.Datasets(ctx, who)
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
func (h *tableHandlers) sample(ctx context.Context, who *auth.User, table string) (*query.JSONResult, error) {
	p, err := h.principal(ctx, who)
	if err != nil {
		return nil, err
	}
	res, err := h.engine.QueryCached(ctx, p, query.Request{SQL: fmt.Sprintf(`SELECT * FROM "%s" LIMIT %d`, table, sampleRows), Wait: true, Sample: true})
	if err != nil {
		return nil, err
	}
	return res.Result, nil
}

func (h *tableHandlers) apiTable(c echo.Context) error {
	d, err := h.tableDetail(c.Request().Context(), currentUser(c), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// tablePage shows a table: what it holds, how fresh it is, who uses it,
// and for whom it is locked, how to ask for it.
func (h *tableHandlers) tablePage(c echo.Context) error {
	return h.renderTablePage(c, http.StatusOK, nil)
}

// renderTablePage shows the table's page, with more said on it by add
// (what a change would do, why it was refused).
func (h *tableHandlers) renderTablePage(c echo.Context, status int, add func(*views.TablePage)) error {
	d, err := h.tableDetail(c.Request().Context(), currentUser(c), c.Param("name"))
	if err != nil {
		return err
	}
	p := views.TablePage{Name: d.Name, Description: d.Description, Owner: d.Owner, Restricted: d.Restricted, Locked: d.Locked,
		Request: d.Request, Rows: d.Rows, Partitions: d.Partitions, AsOf: d.Freshness.AsOf,
		ExpectEvery: d.Freshness.ExpectEvery, Late: d.Freshness.Late,
		CanManage: h.can(currentUser(c)).ManageCatalog}
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
		_, down, err := h.downstream(c.Request().Context(), currentUser(c), lineage.Node{Kind: kindTable, ID: d.Name})
		if err != nil {
			return err
		}
		p.Downstream = lineageSteps(down)
	}
	if add != nil {
		add(&p)
	}
	return h.page(c, status, func(v *views.Viewer) templ.Component { return views.Table(p, v) })
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
