package app

import (
	"cmp"
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

// auditHandlers serve the admins' audit log: the access changes, sign-ins
// and account changes the audit log keeps, and the PII reads the query
// log keeps, as one list.
type auditHandlers struct {
	users *auth.Store
	qlog  *query.QueryLog
	page  pageRenderer
	when  func(time.Time) string
}

func (a *App) audit() *auditHandlers {
	return &auditHandlers{users: a.users, qlog: a.qlog, page: a.renderPage, when: a.when}
}

// auditEvent is one line of the audit, as API.md gives it.
type auditEvent struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"`
	Action string    `json:"action"`
	Object string    `json:"object"` // whose access, or which table
	Table  string    `json:"table,omitempty"`
	Detail string    `json:"detail"`
	Ticket int64     `json:"ticket,omitempty"`
}

const (
	auditPageLines = 200
	auditCSVLines  = 100_000
)

// auditFilter reads ?kind=&actor=&table=&since= (a day or an RFC 3339 time).
func auditFilter(c echo.Context, limit int) (auth.AuditFilter, error) {
	f := auth.AuditFilter{Kind: c.QueryParam("kind"), Actor: strings.TrimSpace(c.QueryParam("actor")),
		Table: strings.TrimSpace(c.QueryParam("table")), Limit: limit}
	if since := strings.TrimSpace(c.QueryParam("since")); since != "" {
		t, err := time.Parse(time.DateOnly, since)
		if err != nil {
			t, err = time.Parse(time.RFC3339, since)
		}
		if err != nil {
			return f, pier.Errorf(pier.EInvalid, "since is a day (2026-11-30) or a time (2026-11-30T09:00:00Z), not %q.", since)
		}
		f.Since = t
	}
	return f, auth.CheckAuditKind(f.Kind)
}

// events merges the audit log and the PII reads, newest first.
func (h *auditHandlers) events(ctx context.Context, f auth.AuditFilter) ([]auditEvent, error) {
	var out []auditEvent
	if f.Kind != auth.KindPIIRead {
		lines, err := h.users.AuditEvents(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, e := range lines {
			out = append(out, auditEvent{At: e.At, Actor: e.Actor, Kind: auth.KindOf(e.Action), Action: e.Action,
				Object: e.Subject, Table: e.Table, Detail: e.Detail, Ticket: e.TicketID})
		}
	}
	if f.Kind == "" || f.Kind == auth.KindPIIRead {
		reads, err := h.piiReads(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, reads...)
	}
	slices.SortStableFunc(out, func(a, b auditEvent) int { return b.At.Compare(a.At) })
	return out[:min(len(out), f.Limit)], nil
}

func (h *auditHandlers) piiReads(ctx context.Context, f auth.AuditFilter) ([]auditEvent, error) {
	people, err := h.users.UsersOfTiers(ctx, auth.Tiers...)
	if err != nil {
		return nil, err
	}
	emails := map[string]string{}
	rf := query.PIIReadFilter{Table: f.Table, Since: f.Since, Limit: f.Limit}
	if f.Actor != "" {
		rf.UserIDs = []string{}
	}
	for _, p := range people {
		emails[p.ID] = p.Email
		if f.Actor != "" && (containsFold(p.Email, f.Actor) || containsFold(p.Name, f.Actor)) {
			rf.UserIDs = append(rf.UserIDs, p.ID)
		}
	}
	reads, err := h.qlog.PIIReads(ctx, rf)
	if err != nil {
		return nil, err
	}
	out := make([]auditEvent, 0, len(reads))
	for _, r := range reads {
		out = append(out, auditEvent{At: r.Started, Actor: cmp.Or(emails[r.UserID], r.UserID), Kind: auth.KindPIIRead, Action: auth.KindPIIRead,
			Object: strings.Join(r.Tables, ", "), Detail: r.SQL})
	}
	return out, nil
}

func containsFold(s, part string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(part))
}

func (h *auditHandlers) api(c echo.Context) error {
	f, err := auditFilter(c, auditPageLines)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "csv" {
		return h.csv(c)
	}
	events, err := h.events(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if events == nil {
		events = []auditEvent{}
	}
	return c.JSON(http.StatusOK, map[string]any{"events": events})
}

// csv sends every matching line (up to auditCSVLines) as a spreadsheet
// would open it: times in UTC, and no cell read as a formula.
func (h *auditHandlers) csv(c echo.Context) error {
	f, err := auditFilter(c, auditCSVLines)
	if err != nil {
		return err
	}
	events, err := h.events(c.Request().Context(), f)
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="pier-audit.csv"`)
	w.WriteHeader(http.StatusOK)
	out := csv.NewWriter(w)
	out.Write([]string{"at", "actor", "kind", "action", "object", "table", "detail", "ticket"})
	for _, e := range events {
		ticket := ""
		if e.Ticket != 0 {
			ticket = strconv.FormatInt(e.Ticket, 10)
		}
		row := []string{e.At.UTC().Format(time.RFC3339), e.Actor, e.Kind, e.Action, e.Object, e.Table, e.Detail, ticket}
		for i := range row {
			row[i] = query.SpreadsheetSafe(row[i])
		}
		out.Write(row)
	}
	out.Flush()
	return out.Error()
}

// pageView is the audit page: the filter form, the newest lines, and the
// same lines as CSV.
func (h *auditHandlers) pageView(c echo.Context) error {
	f, err := auditFilter(c, auditPageLines)
	p := views.AuditPage{Kind: f.Kind, Actor: f.Actor, Table: f.Table, Since: c.QueryParam("since"), Kinds: auditKindNames()}
	if err != nil {
		p.Problem = pier.ErrorMessage(err)
		return h.page(c, http.StatusBadRequest, func(v *views.Viewer) templ.Component { return views.Audit(p, v) })
	}
	events, err := h.events(c.Request().Context(), f)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	q.Set("format", "csv")
	p.CSV = "/api/v1/audit?" + q.Encode()
	for _, e := range events {
		p.Rows = append(p.Rows, views.AuditRow{When: h.when(e.At), Actor: e.Actor, Action: cmp.Or(auditWords[e.Action], e.Action),
			Subject: e.Object, Detail: e.Detail, TicketID: e.Ticket})
	}
	return h.page(c, http.StatusOK, func(v *views.Viewer) templ.Component { return views.Audit(p, v) })
}

// auditKindNames are the kinds as the filter offers them.
func auditKindNames() []views.Option {
	words := map[string]string{"grant": "Grants", "grant_denied": "Denied requests", "revoke": "Revokes", "restrict": "Table changes",
		"sign_in": "Sign-ins", "password": "Passwords", "user": "People", "token": "API tokens", auth.KindPIIRead: "PII reads"}
	var out []views.Option
	for _, k := range []string{auth.KindPIIRead, "grant", "revoke", "grant_denied", "restrict", "sign_in", "password", "user", "token"} {
		out = append(out, views.Option{Value: k, Label: words[k]})
	}
	return out
}

// auditWords are the audit log's actions as people read them.
var auditWords = map[string]string{
	auth.AuditUserAdded: "added a person", auth.AuditUserChanged: "changed a person", auth.AuditPasswordReset: "reset a password",
	auth.AuditTokenRevoked: "revoked an API token", auth.AuditPasswordChanged: "changed their password", auth.AuditTokenCreated: "made an API token",
	auth.AuditSignIn: "signed in", auth.AuditGrant: "granted access", auth.AuditGrantDeny: "denied access", auth.AuditSSOTier: "set a tier from single sign-on",
	auth.AuditTable: "changed a table", auth.AuditRevoke: "revoked access", auth.KindPIIRead: "read personal data",
}
