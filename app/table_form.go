package app

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/app/views"
)

// tableForm is the table page's edit form (the data team). A change that
// closes the table, or some of its columns, to the owner of something that
// reads it is shown first with what it closes; applying it then can grant
// those owners (admins) so their work keeps working.
func (h *tableHandlers) tableForm(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return pier.Errorf(pier.EInvalid, "The form could not be read.")
	}
	ctx, who, name := c.Request().Context(), currentUser(c), c.Param("name")
	ch := tableChangeOf(form)
	keep := slices.Compact(slices.Sorted(slices.Values(form["keep"])))
	if len(keep) > 0 && !h.can(who).Grant { // checked before anything changes
		return pier.Errorf(pier.EForbidden, "Only an admin grants access to a table; nothing was changed.")
	}
	if form.Get("confirm") != "true" {
		impact, err := h.impact(ctx, name, ch)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(impact, func(i apiImpact) bool { return i.LosesAccess || len(i.Losing) > 0 || i.Published }) {
			return h.renderTablePage(c, http.StatusOK, func(p *views.TablePage) {
				p.Impact, p.Pending = impactRows(impact), pendingFields(form)
				p.CanGrant = h.can(who).Grant
			})
		}
	}
	if err := h.changeTable(ctx, who, name, ch); err != nil && err != errNothingToChange {
		if pier.ErrorCode(err) != pier.EInvalid && pier.ErrorCode(err) != pier.EForbidden {
			return err
		}
		return h.renderTablePage(c, statusOf[pier.ErrorCode(err)], func(p *views.TablePage) { p.Problem = pier.ErrorMessage(err) })
	}
	tagging := ch.PII != nil && len(*ch.PII) > 0
	for _, email := range keep {
		if _, err := h.grant(ctx, who, email, name, tagging); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/tables/"+name)
}

// tableChangeOf reads the edit form: every field is sent, so each is set.
func tableChangeOf(form url.Values) tableChange {
	desc, owner := strings.TrimSpace(form.Get("description")), strings.TrimSpace(form.Get("owner"))
	restricted := form.Get("restricted") == "true"
	every := form.Get("expect_every")
	ch := tableChange{Description: &desc, Owner: &owner, Restricted: &restricted, ExpectEvery: &every}
	// The personal-data boxes are on the form only for those who can read
	// the table; without them, a form must not read as "untag them all".
	if form.Has("pii_field") {
		pii := form["pii"]
		if pii == nil {
			pii = []string{}
		}
		ch.PII = &pii
	}
	for key, vals := range form {
		if col, ok := strings.CutPrefix(key, "note."); ok {
			if ch.Columns == nil {
				ch.Columns = map[string]columnNote{}
			}
			ch.Columns[col] = columnNote{vals[0]}
		}
	}
	return ch
}

// impactRows are the impact as the page lists it; an owner who loses
// access gets one box to keep it, on their first row.
func impactRows(impact []apiImpact) []views.ImpactRow {
	var out []views.ImpactRow
	offered := map[string]bool{}
	for _, i := range impact {
		out = append(out, views.ImpactRow{Kind: i.Kind, Title: i.Title, Href: useHref(i.Kind, i.ID), Owner: i.Owner, LosesAccess: i.LosesAccess,
			Losing: i.Losing, Published: i.Published, OfferKeep: i.LosesAccess && !offered[i.Owner]})
		offered[i.Owner] = offered[i.Owner] || i.LosesAccess
	}
	return out
}

// pendingFields are the form's fields to send again with the confirmation.
func pendingFields(form url.Values) []views.Field {
	var out []views.Field
	for _, key := range slices.Sorted(maps.Keys(form)) {
		if key == "_csrf" || key == "confirm" || key == "keep" {
			continue
		}
		for _, v := range form[key] {
			out = append(out, views.Field{Name: key, Value: v})
		}
	}
	return out
}
