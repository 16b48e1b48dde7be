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

	e.GET("/login", a.loginPage)
	e.POST("/login", a.login)
	if a.sso != nil {
		e.GET("/login/sso", a.startSSO)
		e.GET("/login/sso/callback", a.finishSSO)
	}
	e.POST("/logout", a.logout)
	e.GET("/", a.homePage, a.signedInPage)
	e.POST("/sql", a.runSQLBox, a.signedInPage, a.require(auth.ObjQuery, auth.ActRun))
	e.GET("/notebooks", a.notebooksPage, a.signedInPage)
	e.POST("/notebooks", a.createNotebookForm, a.signedInPage)
	e.GET("/notebooks/:id", a.notebookPage, a.signedInPage)
	e.GET("/notebooks/:id/edit", a.notebookEditor, a.signedInPage)
	e.POST("/notebooks/:id/fork", a.forkNotebookForm, a.signedInPage)
	e.GET("/notebooks/:id/revisions", a.revisionsPage, a.signedInPage)
	e.GET("/notebooks/:id/revisions/:version", a.revisionDiffPage, a.signedInPage)
	e.POST("/notebooks/:id/revisions/:version/restore", a.restoreRevisionForm, a.signedInPage)
	e.POST("/notebooks/:id/archive", a.archiveNotebookForm, a.signedInPage)
	e.GET("/tables/:name", a.tablePage, a.signedInPage)
	e.POST("/tables/:name", a.tableForm, a.signedInPage, a.require(auth.ObjCatalog, auth.ActManage))
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
	e.GET("/settings/account", a.accountPage, a.signedInPage)
	e.POST("/settings/account/password", a.changePasswordForm, a.signedInPage)
	e.POST("/settings/account/tokens", a.createTokenForm, a.signedInPage)
	e.POST("/settings/account/tokens/:id/revoke", a.revokeTokenForm, a.signedInPage)
	people := e.Group("/admin/people", a.signedInPage, a.require(auth.ObjUsers, auth.ActManage))
	people.GET("", a.peoplePage)
	people.POST("", a.addPersonForm)
	people.POST("/:id/tier", a.setTierForm)
	people.POST("/:id/disabled", a.setDisabledForm)
	people.POST("/:id/reset", a.resetPasswordForm)
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
	api.GET("/lineage", a.apiLineage, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/tables", a.apiTables, a.require(auth.ObjCatalog, auth.ActRead))
	api.GET("/tables/:name", a.apiTable, a.require(auth.ObjCatalog, auth.ActRead))
	api.PATCH("/tables/:name", a.apiChangeTable, a.require(auth.ObjCatalog, auth.ActManage))
	grants := a.grants()
	api.GET("/grants", grants.list, a.require(auth.ObjCatalog, auth.ActManage))
	api.POST("/grants", grants.apiGrant, a.require(auth.ObjTicket, auth.ActGrant))
	api.DELETE("/grants/:id", grants.apiRevoke, a.require(auth.ObjTicket, auth.ActGrant))
	api.POST("/catalog/refresh", a.apiRefresh, a.require(auth.ObjCatalog, auth.ActRefresh))
	api.POST("/query", a.apiQuery, a.require(auth.ObjQuery, auth.ActRun))
	api.POST("/markdown", a.apiMarkdown, a.require(auth.ObjProfile, auth.ActRead))
	a.notebookRoutes(api.Group("/notebooks", a.require(auth.ObjProfile, auth.ActRead)))
	a.datasetRoutes(api.Group("/datasets", a.require(auth.ObjProfile, auth.ActRead)))
	a.dashboardRoutes(api.Group("/dashboards", a.require(auth.ObjProfile, auth.ActRead)))
	a.ticketRoutes(api.Group("/tickets", a.require(auth.ObjProfile, auth.ActRead)))
	notices := api.Group("/notifications", a.require(auth.ObjProfile, auth.ActRead))
	notices.GET("", a.apiNotices)
	notices.POST("/read", a.apiReadNotices)
	api.GET("/answers", a.apiAnswers, a.require(auth.ObjTicket, auth.ActRead))
	api.GET("/office-hours", a.apiOfficeHours, a.require(auth.ObjTicket, auth.ActRead))
	api.POST("/office-hours", a.apiAddSlot, a.require(auth.ObjProfile, auth.ActRead))
	api.DELETE("/office-hours/:id", a.apiRemoveSlot, a.require(auth.ObjProfile, auth.ActRead))
	api.GET("/settings/webhook", a.apiGetWebhook, a.require(auth.ObjSettings, auth.ActManage))
	api.PUT("/settings/webhook", a.apiSetWebhook, a.require(auth.ObjSettings, auth.ActManage))
	api.GET("/settings/timezone", a.apiGetZone, a.require(auth.ObjSettings, auth.ActManage))
	api.PUT("/settings/timezone", a.apiSetZone, a.require(auth.ObjSettings, auth.ActManage))
	api.GET("/audit", a.audit().api, a.require(auth.ObjSettings, auth.ActManage))
	a.accountRoutes(api)
	api.Any("/*", func(c echo.Context) error { return echo.ErrNotFound })
	return e
}

// accountRoutes: one's own password and tokens for anyone signed in; the
// people endpoints for admins (auth.Accounts checks again).
func (a *App) accountRoutes(api *echo.Group) {
	me := api.Group("/me", a.require(auth.ObjProfile, auth.ActRead))
	me.POST("/password", a.apiChangePassword)
	me.GET("/tokens", a.apiTokens)
	me.POST("/tokens", a.apiCreateToken)
	me.DELETE("/tokens/:id", a.apiRevokeToken)
	people := api.Group("/admin/users", a.require(auth.ObjUsers, auth.ActManage))
	people.GET("", a.apiPeople)
	people.POST("", a.apiAddPerson)
	people.PATCH("/:email", a.apiChangePerson)
	people.POST("/:email/reset-password", a.apiResetPassword)
}

// notebookRoutes are open to anyone signed in; the notebook service
// decides the rest (analysts create, owners and editors change and run,
// the people a notebook is shared with read, everyone else gets 404).
func (a *App) notebookRoutes(g *echo.Group) {
	g.POST("", a.apiCreateNotebook)
	g.GET("", a.apiListNotebooks)
	g.POST("/import", a.apiImportNotebook)
	g.GET("/:id/export", a.apiExportNotebook)
	g.GET("/:id", a.apiGetNotebook)
	g.PUT("/:id", a.apiSaveNotebook)
	g.PATCH("/:id", a.apiOrganiseNotebook)
	g.GET("/:id/revisions", a.apiRevisions)
	g.GET("/:id/revisions/:version", a.apiRevision)
	g.POST("/:id/revisions/:version/restore", a.apiRestoreRevision)
	g.POST("/:id/fork", a.apiForkNotebook)
	shareRoutes(g, a.nbs)
	g.GET("/:id/results", a.apiResults)
	g.POST("/:id/cells/:cell/run", a.apiRunCell)
	g.GET("/:id/cells/:cell/result", a.apiCellResult)
	g.GET("/:id/cells/:cell/chart", a.apiCellChart)
	g.GET("/:id/cells/:cell/downstream", a.apiDownstream)
	g.GET("/:id/cells/:cell/export", a.apiExportCell)
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
	e.GET("/tickets", a.ticketsPage, a.signedInPage)
	e.GET("/notifications", a.noticesPage, a.signedInPage)
	e.POST("/tickets", a.fileTicketForm, a.signedInPage)
	e.GET("/tickets/new", a.newTicketPage, a.signedInPage)
	e.GET("/tickets/answers", a.answersPage, a.signedInPage)
	e.GET("/tickets/health", a.healthPage, a.signedInPage)
	e.GET("/tickets/:id", a.ticketPage, a.signedInPage)
	e.POST("/tickets/:id/triage", a.triageTicketForm, a.signedInPage)
	e.POST("/tickets/:id/edit", a.editTicketForm, a.signedInPage)
	e.POST("/tickets/:id/comments", a.commentTicketForm, a.signedInPage)
	e.POST("/tickets/:id/answer", a.answerTicketForm, a.signedInPage)
	e.POST("/tickets/:id/guide", a.guideTicketForm, a.signedInPage)
	e.POST("/tickets/:id/merge", a.mergeTicketForm, a.signedInPage)
	e.POST("/tickets/:id/access", a.decideAccessForm, a.signedInPage)
	e.POST("/tickets/:id/watch", a.watchTicketForm, a.signedInPage)
	e.POST("/tickets/:id/booking", a.bookTicketForm, a.signedInPage)
	e.POST("/tickets/:id/booking/cancel", a.cancelBookingForm, a.signedInPage)
	e.GET("/office-hours", a.officeHoursPage, a.signedInPage)
	e.POST("/office-hours", a.addSlotForm, a.signedInPage)
	e.POST("/office-hours/:id/delete", a.removeSlotForm, a.signedInPage)
	e.GET("/settings/webhook", a.webhookPage, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
	e.POST("/settings/webhook", a.webhookForm, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
	e.POST("/settings/timezone", a.zoneForm, a.signedInPage, a.require(auth.ObjSettings, auth.ActManage))
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
