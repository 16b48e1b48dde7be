package app

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/pier-analytics/pier/assets"
	"github.com/pier-analytics/pier/auth"
)

// maxBody bounds request bodies; SQL longer than this is not a query.
const maxBody = "1M"

// routes is the route table: every path, who may use it, and its handler.
func (a *App) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = a.handleError
	e.IPExtractor = a.ipExtractor()
	e.Use(middleware.RequestID(), a.accessLog, middleware.Recover(), securityHeaders, a.secureCookies, middleware.BodyLimit(maxBody), formsOnlyPost)
	e.Use(echo.WrapMiddleware(a.sessions.LoadAndSave), a.identify, a.passwordGate, a.csrf(), a.nudgeIndex)

	e.GET("/healthz", a.healthz)
	e.GET("/metrics", a.metricsPage, a.require(auth.ObjMetrics, auth.ActRead))
	e.GET("/static/*", echo.WrapHandler(assets.Handler()))

	session := a.session()
	e.GET("/login", session.loginPage)
	e.POST("/login", session.login)
	if a.sso != nil {
		e.GET("/login/sso", session.startSSO)
		e.GET("/login/sso/callback", session.finishSSO)
	}
	e.POST("/logout", session.logout)
	home := a.home()
	e.GET("/", home.homePage, a.signedInPage)
	e.POST("/sql", home.runSQLBox, a.signedInPage, a.require(auth.ObjQuery, auth.ActRun))
	notebooks := a.notebooks()
	e.GET("/notebooks", notebooks.listPage, a.signedInPage)
	e.POST("/notebooks", notebooks.createForm, a.signedInPage)
	e.GET("/notebooks/:id", notebooks.pageView, a.signedInPage)
	e.GET("/notebooks/:id/edit", notebooks.editorPage, a.signedInPage)
	e.POST("/notebooks/:id/fork", notebooks.forkForm, a.signedInPage)
	e.GET("/notebooks/:id/revisions", notebooks.revisionsPage, a.signedInPage)
	e.GET("/notebooks/:id/revisions/:version", notebooks.revisionDiffPage, a.signedInPage)
	e.POST("/notebooks/:id/revisions/:version/restore", notebooks.restoreRevisionForm, a.signedInPage)
	e.POST("/notebooks/:id/archive", notebooks.archiveForm, a.signedInPage)
	tables := a.tables()
	e.GET("/tables/:name", tables.tablePage, a.signedInPage)
	e.POST("/tables/:name", tables.tableForm, a.signedInPage, a.require(auth.ObjCatalog, auth.ActManage))
	boards := a.boards()
	e.GET("/dashboards", boards.listPage, a.signedInPage)
	e.POST("/dashboards", boards.createForm, a.signedInPage)
	e.GET("/dashboards/:id", boards.pageView, a.signedInPage)
	e.POST("/dashboards/:id/duplicate", boards.duplicateForm, a.signedInPage)
	e.POST("/dashboards/:id/shares", boards.shareForm, a.signedInPage)
	e.POST("/dashboards/:id/pin", boards.pinForm, a.signedInPage)
	e.POST("/dashboards/:id/shares/delete", boards.unshareForm, a.signedInPage)
	e.POST("/dashboards/:id/filters", boards.addFilterForm, a.signedInPage)
	e.POST("/dashboards/:id/settings", boards.settingsForm, a.signedInPage)
	e.POST("/dashboards/:id/standing", boards.standingForm, a.signedInPage)
	e.POST("/dashboards/:id/tiles", boards.sqlTileForm, a.signedInPage)
	e.POST("/dashboards/:id/filters/:filter/delete", boards.removeFilterForm, a.signedInPage)
	e.GET("/explore", a.datasets().explorePage, a.signedInPage)
	account := a.account()
	e.GET("/settings/account", account.accountPage, a.signedInPage)
	e.POST("/settings/account/password", account.changePasswordForm, a.signedInPage)
	e.POST("/settings/account/tokens", account.createTokenForm, a.signedInPage)
	e.POST("/settings/account/tokens/:id/revoke", account.revokeTokenForm, a.signedInPage)
	people, admin := a.people(), e.Group("/admin/people", a.signedInPage, a.require(auth.ObjUsers, auth.ActManage))
	admin.GET("", people.peoplePage)
	admin.POST("", people.addPersonForm)
	admin.POST("/:id/tier", people.setTierForm)
	admin.POST("/:id/disabled", people.setDisabledForm)
	admin.POST("/:id/reset", people.resetPasswordForm)
	a.ticketPages(e)
	e.GET("/search", a.search().pageView, a.signedInPage)
	e.GET("/glossary", a.glossary().pageView, a.signedInPage)
	e.POST("/glossary/:dataset", a.glossary().defineForm, a.signedInPage)
	e.GET("/admin/audit", a.audit().pageView, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
	access := e.Group("/admin/grants", a.signedInPage, a.require(auth.ObjTicket, auth.ActGrant))
	access.GET("", a.grants().pageView)
	access.POST("", a.grants().grantForm)
	access.POST("/:id/revoke", a.grants().revokeForm)

	api := e.Group("/api/v1")
	api.GET("/me", a.apiMe, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/search", a.search().api, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/glossary", a.glossary().api, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/lineage", a.lineages().api, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/tables", tables.apiTables, a.require(auth.ObjCatalog, auth.ActRead))
	api.GET("/tables/:name", tables.apiTable, a.require(auth.ObjCatalog, auth.ActRead))
	api.PATCH("/tables/:name", tables.apiChangeTable, a.require(auth.ObjCatalog, auth.ActManage))
	grants := a.grants()
	api.GET("/grants", grants.list, a.require(auth.ObjCatalog, auth.ActManage))
	api.POST("/grants", grants.apiGrant, a.require(auth.ObjTicket, auth.ActGrant))
	api.DELETE("/grants/:id", grants.apiRevoke, a.require(auth.ObjTicket, auth.ActGrant))
	queries := a.queries()
	api.POST("/catalog/refresh", queries.apiRefresh, a.require(auth.ObjCatalog, auth.ActRefresh))
	api.POST("/query", queries.apiQuery, a.require(auth.ObjQuery, auth.ActRun))
	api.POST("/markdown", a.notebooks().apiMarkdown, a.require(auth.ObjProfile, auth.ActRead))
	a.notebookRoutes(api.Group("/notebooks", a.require(auth.ObjProfile, auth.ActRead)))
	a.datasetRoutes(api.Group("/datasets", a.require(auth.ObjProfile, auth.ActRead)))
	a.dashboardRoutes(api.Group("/dashboards", a.require(auth.ObjProfile, auth.ActRead)))
	a.ticketRoutes(api.Group("/tickets", a.require(auth.ObjProfile, auth.ActRead)))
	notices := api.Group("/notifications", a.require(auth.ObjProfile, auth.ActRead))
	notices.GET("", a.ticketsHandlers().apiNotices)
	notices.POST("/read", a.ticketsHandlers().apiReadNotices)
	api.GET("/answers", a.ticketsHandlers().apiAnswers, a.require(auth.ObjTicket, auth.ActRead))
	api.GET("/office-hours", a.officeHours().api, a.require(auth.ObjTicket, auth.ActRead))
	api.POST("/office-hours", a.officeHours().apiAddSlot, a.require(auth.ObjProfile, auth.ActRead))
	api.DELETE("/office-hours/:id", a.officeHours().apiRemoveSlot, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/settings/webhook", a.webhookSettings().apiGetWebhook, a.require(auth.ObjSettings, auth.ActManage))
	api.PUT("/settings/webhook", a.webhookSettings().apiSetWebhook, a.require(auth.ObjSettings, auth.ActManage))
	api.GET("/settings/timezone", a.webhookSettings().apiGetZone, a.require(auth.ObjSettings, auth.ActManage))
	api.PUT("/settings/timezone", a.webhookSettings().apiSetZone, a.require(auth.ObjSettings, auth.ActManage))
	api.GET("/audit", a.audit().api, a.require(auth.ObjSettings, auth.ActManage))
	a.accountRoutes(api)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
	return e
}

// accountRoutes: one's own password and tokens for anyone signed in; the
// people endpoints for admins (auth.Accounts checks again).
func (a *App) accountRoutes(api *echo.Group) {
	account, people := a.account(), a.people()
	me := api.Group("/me", a.require(auth.ObjProfile, auth.ActRead))
	me.POST("/password", account.apiChangePassword)
	me.GET("/tokens", account.apiTokens)
	me.POST("/tokens", account.apiCreateToken)
	me.DELETE("/tokens/:id", account.apiRevokeToken)
	admin := api.Group("/admin/users", a.require(auth.ObjUsers, auth.ActManage))
	admin.GET("", people.apiPeople)
	admin.POST("", people.apiAddPerson)
	admin.PATCH("/:email", people.apiChangePerson)
	admin.POST("/:email/reset-password", people.apiResetPassword)
}

// notebookRoutes are open to anyone signed in; the notebook service
// decides the rest (analysts create, owners and editors change and run,
// the people a notebook is shared with read, everyone else gets 404).
func (a *App) notebookRoutes(g *echo.Group) {
	nb := a.notebooks()
	g.POST("", nb.apiCreate)
	g.GET("", nb.apiList)
	g.POST("/import", nb.apiImport)
	g.GET("/:id/export", nb.apiExport)
	g.GET("/:id", nb.apiGet)
	g.PUT("/:id", nb.apiSave)
	g.PATCH("/:id", nb.apiOrganise)
	g.GET("/:id/revisions", nb.apiRevisions)
	g.GET("/:id/revisions/:version", nb.apiRevision)
	g.POST("/:id/revisions/:version/restore", nb.apiRestoreRevision)
	g.POST("/:id/fork", nb.apiFork)
	shareRoutes(g, a.nbs)
	g.GET("/:id/results", nb.apiResults)
	g.POST("/:id/cells/:cell/run", nb.apiRunCell)
	g.GET("/:id/cells/:cell/result", nb.apiCellResult)
	g.GET("/:id/cells/:cell/chart", nb.apiCellChart)
	g.GET("/:id/cells/:cell/downstream", nb.apiDownstream)
	g.GET("/:id/cells/:cell/export", nb.apiExportCell)
	g.POST("/:id/cells/:cell/dataset", a.datasets().apiFromCell)
}

// datasetRoutes are open to anyone signed in; the dashboard service
// decides the rest (handle and up explore, analysts save, the data team
// certifies).
func (a *App) datasetRoutes(g *echo.Group) {
	h := a.datasets()
	g.GET("", h.apiList)
	g.POST("", h.apiCreate)
	g.GET("/:id", h.apiGet)
	g.PATCH("/:id", h.apiChange)
	g.POST("/:id/explore", h.apiExplore)
}

// dashboardRoutes are open to anyone signed in; the dashboard service
// decides who may open, build, share and certify each dashboard, and
// answers 404 to everyone who may not see it.
func (a *App) dashboardRoutes(g *echo.Group) {
	h := a.boards()
	g.GET("", h.apiList)
	g.POST("", h.apiCreate)
	g.GET("/:id", h.apiGet)
	g.PUT("/:id", h.apiSave)
	g.PATCH("/:id", h.apiChange)
	g.DELETE("/:id", h.apiDelete)
	g.POST("/:id/duplicate", h.apiDuplicate)
	g.POST("/:id/tiles", h.apiAddTile)
	g.GET("/:id/tiles/:tile/data", h.apiTileData)
	g.GET("/:id/tiles/:tile/export", h.apiExportTile)
	g.GET("/:id/tiles/:tile/chart", h.apiTileChart)
	g.GET("/:id/filters/:filter/values", h.apiFilterValues)
	g.GET("/:id/export", h.apiExport)
	shareRoutes(g, a.dashboards)
	g.PUT("/:id/pin", h.apiPin)
	g.DELETE("/:id/pin", h.apiPin)
}

// ticketPages are the pages of office hours: the queue is open to anyone
// signed in, and the ticket service decides who may change what.
func (a *App) ticketPages(e *echo.Echo) {
	h, hours, settings := a.ticketsHandlers(), a.officeHours(), a.webhookSettings()
	e.GET("/tickets", h.ticketsPage, a.signedInPage)
	e.GET("/notifications", h.noticesPage, a.signedInPage)
	e.POST("/tickets", h.fileTicketForm, a.signedInPage)
	e.GET("/tickets/new", h.newTicketPage, a.signedInPage)
	e.GET("/tickets/answers", h.answersPage, a.signedInPage)
	e.GET("/tickets/health", h.healthPage, a.signedInPage)
	e.GET("/tickets/:id", h.ticketPage, a.signedInPage)
	e.POST("/tickets/:id/triage", h.triageTicketForm, a.signedInPage)
	e.POST("/tickets/:id/edit", h.editTicketForm, a.signedInPage)
	e.POST("/tickets/:id/comments", h.commentTicketForm, a.signedInPage)
	e.POST("/tickets/:id/answer", h.answerTicketForm, a.signedInPage)
	e.POST("/tickets/:id/guide", h.guideTicketForm, a.signedInPage)
	e.POST("/tickets/:id/merge", h.mergeTicketForm, a.signedInPage)
	e.POST("/tickets/:id/access", h.decideAccessForm, a.signedInPage)
	e.POST("/tickets/:id/watch", h.watchTicketForm, a.signedInPage)
	e.POST("/tickets/:id/booking", h.bookTicketForm, a.signedInPage)
	e.POST("/tickets/:id/booking/cancel", h.cancelBookingForm, a.signedInPage)
	e.GET("/office-hours", hours.pageView, a.signedInPage)
	e.POST("/office-hours", hours.addSlotForm, a.signedInPage)
	e.POST("/office-hours/:id/delete", hours.removeSlotForm, a.signedInPage)
	e.GET("/settings/webhook", settings.pageView, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
	e.POST("/settings/webhook", settings.webhookForm, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
	e.POST("/settings/timezone", settings.zoneForm, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
}

// adminRoutes serves /metrics and /healthz without sign-in, for a listener
// that only operators can reach.
func (a *App) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", a.metrics.handler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.ping(r.Context()); err != nil {
			http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
	return mux
}
