package app

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/auth"
	"github.com/pier-analytics/pier/query"
)

func (a *App) healthz(c echo.Context) error {
	if err := a.ping(c.Request().Context()); err != nil {
		a.log.Error("health check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (a *App) ping(ctx context.Context) error {
	if err := a.db.PingContext(ctx); err != nil {
		return err
	}
	return a.catalog.Ping(ctx)
}

func (a *App) apiMe(c echo.Context) error {
	u := currentUser(c)
	return c.JSON(http.StatusOK, map[string]string{"email": u.Email, "name": u.Name, "tier": string(u.Tier)})
}

type apiTable struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Owner       string      `json:"owner"`
	Restricted  bool        `json:"restricted"`
	Queryable   bool        `json:"queryable"`
	Rows        int64       `json:"rows"`
	Partitions  []string    `json:"partitions"`
	Modified    string      `json:"modified"`
	Columns     []apiColumn `json:"columns"`
	// Locked: restricted, and the caller holds no grant; only its name,
	// description and owner are given, with how to ask for it.
	Locked  bool   `json:"locked,omitempty"`
	Request string `json:"request,omitempty"`
}

type apiColumn struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	PII         bool   `json:"pii"`
	Description string `json:"description"`
}

// tableRequestURL is the filing form with an access request for the table.
func tableRequestURL(table string) string {
	return accessRequestURL(table, "", "I need to read "+table+" for: ")
}

func toAPITable(v query.Visible, queryable bool) apiTable {
	t := apiTable{Name: v.Name, Description: v.Props.Description, Owner: v.Props.Owner, Restricted: v.Props.Restricted,
		Queryable: queryable, Rows: v.Rows, Partitions: v.Partitions, Modified: v.Modified.UTC().Format("2006-01-02T15:04:05Z")}
	if t.Partitions == nil {
		t.Partitions = []string{}
	}
	pii := map[string]bool{}
	for _, c := range v.PIIColumns() {
		pii[c] = true
	}
	for _, col := range v.Columns {
		t.Columns = append(t.Columns, apiColumn{Name: col.Name, Type: col.Type, PII: pii[col.Name], Description: v.Props.Notes[col.Name]})
	}
	return t
}

// queryHandlers serve the lake to programs: SQL in, rows out, through the
// same engine and rules as every page; and a catalog refresh.
type queryHandlers struct {
	catalog *query.Catalog
	run     func(echo.Context, query.Request) (*query.Rows, error)
	write   func(echo.Context, *query.Rows) error
}

func (a *App) queries() *queryHandlers {
	return &queryHandlers{catalog: a.catalog, run: a.runQuery, write: a.writeResult}
}

func (h *queryHandlers) apiRefresh(c echo.Context) error {
	n, err := h.catalog.Refresh(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"tables": n})
}

type queryBody struct {
	SQL    string         `json:"sql"`
	Params map[string]any `json:"params"`
}

func (h *queryHandlers) apiQuery(c echo.Context) error {
	var body queryBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if strings.TrimSpace(body.SQL) == "" {
		return pier.Errorf(pier.EInvalid, `Send the SQL to run as {"sql": "select …"}.`)
	}
	rows, err := h.run(c, query.Request{SQL: body.SQL, Params: body.Params})
	if err != nil {
		return err
	}
	defer rows.Close()
	return h.write(c, rows)
}

// decodeJSON reads a JSON body strictly: unknown fields are refused, and
// numbers stay exact until they are bound.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		if strings.Contains(err.Error(), "request body too large") {
			return pier.Errorf(pier.ETooLarge, "The request is larger than Pier accepts (%s).", maxBody)
		}
		return pier.Errorf(pier.EInvalid, "The request body is not the JSON this endpoint takes: %s.", plainJSONError(err))
	}
	return nil
}

func plainJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err.Error() == "EOF":
		return "it is empty"
	case errors.As(err, &se):
		return "it is not valid JSON"
	case errors.As(err, &te):
		return "the field " + te.Field + " has the wrong type"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "it has an " + strings.TrimPrefix(err.Error(), "json: ")
	}
	return "it could not be read"
}

// runQuery runs a request for the signed-in user with their current grants.
func (a *App) runQuery(c echo.Context, req query.Request) (*query.Rows, error) {
	ctx := c.Request().Context()
	p, err := a.principal(ctx, currentUser(c))
	if err != nil {
		return nil, err
	}
	return a.engine.Query(ctx, p, req)
}

func (a *App) principal(ctx context.Context, u *auth.User) (query.Principal, error) {
	grants, err := a.users.TableGrants(ctx, u.ID)
	if err != nil {
		return query.Principal{}, err
	}
	return query.Principal{UserID: u.ID, Grants: grants}, nil
}

// tableAccess tells the domains which lake tables a person may read.
type tableAccess struct{ a *App }

func (t tableAccess) VisibleTo(ctx context.Context, u *auth.User) ([]query.Visible, error) {
	return t.a.visibleTables(ctx, u)
}

// tablesOf splits the lake's tables into those u may read and those
// restricted to others.
func (a *App) tablesOf(ctx context.Context, u *auth.User) ([]query.Visible, []query.Locked, error) {
	p, err := a.principal(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	return a.engine.Tables(ctx, p)
}

// lockedAPITable is a table restricted to others, as the API shows it:
// what it is and how to ask for it, nothing of its columns or size.
func lockedAPITable(l query.Locked) apiTable {
	return apiTable{Name: l.Name, Description: l.Description, Owner: l.Owner, Restricted: true, Locked: true,
		Partitions: []string{}, Columns: []apiColumn{}, Request: tableRequestURL(l.Name)}
}

func (a *App) visibleTables(ctx context.Context, u *auth.User) ([]query.Visible, error) {
	p, err := a.principal(ctx, u)
	if err != nil {
		return nil, err
	}
	return a.engine.Visible(ctx, p)
}
