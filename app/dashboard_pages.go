package app

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/dashboard"
	"github.com/pier-analytics/pier/lineage"
	"github.com/pier-analytics/pier/query"
)

func (h *dashboardHandlers) listPage(c echo.Context) error {
	who := currentUser(c)
	list, err := h.dashboards.List(c.Request().Context(), who)
	if err != nil {
		return err
	}
	can := h.can(who)
	page := views.DashboardList{
		CanCreate:  can.CreateDashboard,
		CanExplore: can.Explore,
	}
	late, err := h.late(c.Request().Context())
	if err != nil {
		return err
	}
	for _, s := range list {
		page.Rows = append(page.Rows, dashboardRow(s, h.when, late))
	}
	return h.page(c, http.StatusOK, func(viewer *views.Viewer) templ.Component { return views.Dashboards(page, viewer) })
}

// dashboardRow is a dashboard as lists show it, here and on the home page,
// late if it reads a table in late that the viewer may read (of one they
// may not, they learn nothing, as on the dashboard's page).
func dashboardRow(s dashboard.Summary, when func(time.Time) string, late map[string]*query.Table) views.DashboardRow {
	r := views.DashboardRow{ID: s.ID, Title: s.Title, Description: s.Description, Owner: s.Owner, Role: string(s.Role),
		Updated: when(s.UpdatedAt), Certified: s.Certified, Published: s.Published, Tiles: s.Tiles, Views: s.Views, Locked: s.Locked}
	for _, t := range s.Readable {
		if late[t] != nil {
			r.LateTables = append(r.LateTables, t)
		}
	}
	return r
}

func (h *dashboardHandlers) createForm(c echo.Context) error {
	d, err := h.dashboards.Create(c.Request().Context(), currentUser(c), dashboard.New{Title: c.FormValue("title")})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/explore?dashboard="+d.ID)
}

func (h *dashboardHandlers) duplicateForm(c echo.Context) error {
	d, err := h.dashboards.Duplicate(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+d.ID)
}

func (h *dashboardHandlers) shareForm(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	ctx := c.Request().Context()
	err := h.dashboards.Share(ctx, currentUser(c), c.Param("id"), email, dashboard.Role(c.FormValue("role")))
	if pier.ErrorCode(err) == pier.EInvalid { // said beside the form, which stays where it was
		h.flash.putFlash(ctx, shareFlash, flash{"error", pier.ErrorMessage(err)})
		return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id")+"#share")
	}
	if err != nil {
		return err
	}
	h.flash.putFlash(ctx, shareFlash, flash{"shared", email})
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id")+"#share")
}

func (h *dashboardHandlers) unshareForm(c echo.Context) error {
	email := c.FormValue("email")
	ctx := c.Request().Context()
	if err := h.dashboards.Unshare(ctx, currentUser(c), c.Param("id"), email); err != nil {
		return err
	}
	h.flash.putFlash(ctx, shareFlash, flash{"unshared", email})
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id")+"#share")
}

// sharePanel lists whom the dashboard is shared with and confirms the
// change just made, as the list now stands.
func (h *dashboardHandlers) sharePanel(c echo.Context, id string) ([]views.ShareRow, string, string, error) {
	ctx := c.Request().Context()
	shares, err := h.dashboards.Shares(ctx, currentUser(c), id)
	if err != nil {
		return nil, "", "", err
	}
	rows := make([]views.ShareRow, len(shares))
	notice, problem := "", ""
	var shared, unshared string
	switch f := h.flash.popFlash(ctx, shareFlash); f.What {
	case "shared":
		shared = f.Text
	case "unshared":
		unshared = f.Text
	case "error":
		problem = f.Text
	}
	for i, sh := range shares {
		rows[i] = views.ShareRow{Email: sh.Email, Name: sh.Name, Role: string(sh.Role)}
		if strings.EqualFold(sh.Email, shared) {
			verb := "view"
			if sh.Role.CanEdit() {
				verb = "view and edit"
			}
			notice = fmt.Sprintf("Shared with %s (%s): they can %s it.", sh.Name, sh.Email, verb)
		}
	}
	if unshared != "" && !slices.ContainsFunc(shares, func(sh dashboard.Share) bool { return strings.EqualFold(sh.Email, unshared) }) {
		notice = unshared + " no longer has access, unless the dashboard is shown to everyone."
	}
	return rows, notice, problem, nil
}

// pinForm pins the dashboard to the home page, or unpins it.
func (h *dashboardHandlers) pinForm(c echo.Context) error {
	if err := h.dashboards.Pin(c.Request().Context(), currentUser(c), c.Param("id"), c.FormValue("pinned") == "true"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id"))
}

// pageView shows a dashboard under the view in its URL; opening it
// counts as a view.
func (h *dashboardHandlers) pageView(c echo.Context) error {
	ctx, who := c.Request().Context(), currentUser(c)
	v, err := dashboard.ParseView(c.QueryParams())
	if err != nil {
		return err
	}
	d, err := h.dashboards.Get(ctx, who, c.Param("id"))
	if err != nil {
		return err
	}
	counted, err := h.dashboards.RecordView(ctx, who, d.ID, time.Now())
	if err != nil {
		h.log.Warn("could not count a dashboard view", "err", err)
	}
	if counted {
		d.Views++
	}
	pinned, err := h.dashboards.Pinned(ctx, who, d.ID)
	if err != nil {
		return err
	}
	may := h.dashboards.Rights(who, d)
	page := views.DashboardPage{ID: d.ID, Title: d.Title, Description: d.Description, Owner: d.Owner, UpdatedBy: d.UpdatedBy,
		Updated: h.when(d.UpdatedAt), Certified: d.Certified, Published: d.Published, Views: d.Views, Role: string(d.Role), Pinned: pinned,
		CanEdit: may.Edit, CanShare: may.Share, Version: d.Version, Grain: v.Grain, CanDuplicate: may.Duplicate,
		CanPublish: may.Publish, NoPublish: may.NoPublish, CanCertify: may.Certify, CanWriteSQL: may.WriteSQL,
		DataAsOf: h.dataAsOf(d.Tables), ViewQuery: v.Query().Encode()}
	if page.LateTables, err = h.lateTables(ctx, d.Tables); err != nil {
		return err
	}
	up, _, err := h.lineage(ctx, who, lineage.Node{Kind: kindDashboard, ID: d.ID})
	if err != nil {
		return err
	}
	page.Upstream = lineageSteps(up)
	if may.Share {
		if page.Shares, page.ShareNotice, page.ShareProblem, err = h.sharePanel(c, d.ID); err != nil {
			return err
		}
	}
	if page.Grain == "" { // the grain the tiles are saved at, or "as saved" when they differ
		page.Grain = d.SavedGrain()
	}
	if d.LastRefreshError != "" { // the service leaves it only for those who mend it
		page.RefreshProblem = fmt.Sprintf("The scheduled refresh at %s failed: %s", h.when(d.LastRefreshAt), d.LastRefreshError)
	}
	sources, err := h.dashboards.Sources(ctx, d)
	if err != nil {
		return err
	}
	page.Filters, page.CrossFilters = filterControls(d, v)
	page.FilterColumns = filterColumns(d)
	page.RefreshMinutes = d.RefreshMinutes
	page.TileTypes = chart.Strings(dashboard.TileTypes)
	// In reading order, which is also the order of the one column a phone
	// shows.
	tiles := slices.Clone(d.Doc.Tiles)
	slices.SortStableFunc(tiles, func(a, b dashboard.Tile) int {
		return cmp.Or(cmp.Compare(a.Layout.Y, b.Layout.Y), cmp.Compare(a.Layout.X, b.Layout.X))
	})
	for _, t := range tiles {
		box := tileBox(d, t, v)
		box.Source, box.Certified = sources[t.Dataset].Name, sources[t.Dataset].Certified
		page.Tiles = append(page.Tiles, box)
		page.HasTime = page.HasTime || t.TimeColumn != "" || slices.Contains(d.Meta[t.ID].Params, "grain")
	}
	return h.page(c, http.StatusOK, func(viewer *views.Viewer) templ.Component { return views.Dashboard(page, viewer) })
}

// dataAsOf is how fresh a dashboard's data is: the oldest of the newest
// data of the tables it reads, so everything shown is complete up to it.
func (h *dashboardHandlers) dataAsOf(tables []string) string {
	var oldest string
	for _, name := range tables {
		if t, ok := h.catalog.Table(name); ok {
			if n := t.NewestData(); oldest == "" || n < oldest {
				oldest = n
			}
		}
	}
	return oldest
}

// lateTables are those of the tables whose newest data is older than
// their owners promise.
func (h *dashboardHandlers) lateTables(ctx context.Context, tables []string) ([]string, error) {
	all, err := h.late(ctx)
	if err != nil {
		return nil, err
	}
	var late []string
	for _, name := range tables {
		if all[name] != nil {
			late = append(late, name)
		}
	}
	return late, nil
}

func filterControls(d *dashboard.Dashboard, v dashboard.View) ([]views.FilterControl, []views.CrossFilter) {
	var out []views.FilterControl
	for _, f := range d.Doc.Filters {
		fc := views.FilterControl{ID: f.ID, Label: f.Label, Kind: f.Kind}
		if fc.Label == "" {
			fc.Label = f.ID
		}
		vals := v.Values[f.ID]
		if len(vals) == 0 && f.Default != "" {
			vals = []string{f.Default}
		}
		if len(vals) > 0 {
			fc.Value = vals[0]
			fc.From, fc.To, _ = strings.Cut(vals[0], "..")
		}
		out = append(out, fc)
	}
	var cross []views.CrossFilter
	for name, vals := range v.Values {
		// A click sets a value too, even on a filter of the dashboard; it
		// shows as a chip that drops it.
		if v.From[name] == "" && slices.ContainsFunc(d.Doc.Filters, func(f dashboard.Filter) bool { return f.ID == name }) {
			continue
		}
		rest := v.Query()
		rest.Del("f." + name)
		rest.Del("from." + name)
		cross = append(cross, views.CrossFilter{Column: name, Value: strings.Join(vals, ", "), From: v.From[name],
			Drop: "/dashboards/" + d.ID + "?" + rest.Encode()})
	}
	slices.SortFunc(cross, func(a, b views.CrossFilter) int { return strings.Compare(a.Column, b.Column) })
	return out, cross
}

func tileBox(d *dashboard.Dashboard, t dashboard.Tile, v dashboard.View) views.TileBox {
	l := t.Layout
	b := views.TileBox{ID: t.ID, Title: t.Title, Type: string(t.Type), Time: t.TimeColumn,
		Style: fmt.Sprintf("--x: %d; --w: %d; --y: %d; --h: %d", l.X+1, l.W, l.Y+1, l.H)}
	if t.Type == chart.KindMarkdown {
		b.Markdown = renderMarkdown(t.Text)
		return b
	}
	q := v.Query()
	q.Set("download", "1")
	b.Export = "/api/v1/dashboards/" + url.PathEscape(d.ID) + "/tiles/" + url.PathEscape(t.ID) + "/export?" + q.Encode()
	return b
}

// filterColumns are the columns of the dashboard's tiles that a filter
// could pick values of.
func filterColumns(d *dashboard.Dashboard) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range d.Meta {
		for _, c := range m.Columns {
			if c.Role == dashboard.RoleDimension && !seen[c.Name] {
				seen[c.Name] = true
				out = append(out, c.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (h *dashboardHandlers) addFilterForm(c echo.Context) error {
	f := dashboard.Filter{Label: strings.TrimSpace(c.FormValue("label")), Kind: c.FormValue("kind"), Column: c.FormValue("column")}
	if _, err := h.dashboards.AddFilter(c.Request().Context(), currentUser(c), c.Param("id"), f); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id"))
}

func (h *dashboardHandlers) removeFilterForm(c echo.Context) error {
	if _, err := h.dashboards.RemoveFilter(c.Request().Context(), currentUser(c), c.Param("id"), c.Param("filter")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id"))
}

// settingsForm saves the title, description and refresh schedule.
func (h *dashboardHandlers) settingsForm(c echo.Context) error {
	ctx, who, id := c.Request().Context(), currentUser(c), c.Param("id")
	version, _ := strconv.Atoi(c.FormValue("version"))
	minutes, err := strconv.Atoi(c.FormValue("refresh_minutes"))
	if err != nil {
		return pier.Errorf(pier.EInvalid, "Pick how often the dashboard refreshes.")
	}
	d, err := h.dashboards.Get(ctx, who, id)
	if err != nil {
		return err
	}
	if _, err := h.dashboards.Save(ctx, who, id, dashboard.Save{Version: version, Title: c.FormValue("title"),
		Description: c.FormValue("description"), Doc: d.Doc}); err != nil {
		return err
	}
	if minutes != d.RefreshMinutes {
		if _, err := h.dashboards.Change(ctx, who, id, dashboard.Change{RefreshMinutes: &minutes}); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+id)
}

// standingForm publishes or certifies, one button at a time.
func (h *dashboardHandlers) standingForm(c echo.Context) error {
	var ch dashboard.Change
	for name, field := range map[string]**bool{"published": &ch.Published, "certified": &ch.Certified} {
		if v := c.FormValue(name); v != "" {
			b := v == "true"
			*field = &b
		}
	}
	if _, err := h.dashboards.Change(c.Request().Context(), currentUser(c), c.Param("id"), ch); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id"))
}

// sqlTileForm adds a tile of SQL (analysts).
func (h *dashboardHandlers) sqlTileForm(c echo.Context) error {
	t := dashboard.Tile{Title: c.FormValue("title"), Type: chart.Kind(c.FormValue("type")), SQL: c.FormValue("sql"), TimeColumn: strings.TrimSpace(c.FormValue("time_column"))}
	if _, err := h.dashboards.AddTile(c.Request().Context(), currentUser(c), c.Param("id"), t); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/dashboards/"+c.Param("id"))
}
