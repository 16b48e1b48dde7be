package app

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/notebook"
)

// apiNotebook is a notebook as the API shows it: API.md's fields first,
// then the rest of what the pages need.
type apiNotebook struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	Owner      string           `json:"owner"`
	Version    int              `json:"version"`
	Cells      []notebook.Cell  `json:"cells"`
	Params     []notebook.Param `json:"params"`
	Folder     string           `json:"folder"`
	Tags       []string         `json:"tags"`
	Role       notebook.Role    `json:"role"`
	Archived   bool             `json:"archived"`
	ForkedFrom string           `json:"forked_from,omitempty"`
	UpdatedAt  time.Time        `json:"updated_at"`
	UpdatedBy  string           `json:"updated_by"`
}

func toAPINotebook(n *notebook.Notebook) apiNotebook {
	params := n.Doc.Params
	if params == nil {
		params = []notebook.Param{}
	}
	return apiNotebook{ID: n.ID, Title: n.Title, Owner: n.Owner, Version: n.Version, Cells: n.Doc.Cells, Params: params,
		Folder: n.Folder, Tags: n.Tags, Role: n.Role, Archived: n.Archived, ForkedFrom: n.ForkedFrom,
		UpdatedAt: n.UpdatedAt, UpdatedBy: n.UpdatedBy}
}

type createNotebookBody struct {
	Title  string   `json:"title"`
	Folder string   `json:"folder"`
	Tags   []string `json:"tags"`
}

func (h *notebookHandlers) apiCreate(c echo.Context) error {
	var body createNotebookBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	n, err := h.nbs.Create(c.Request().Context(), currentUser(c), notebook.New{Title: body.Title, Folder: body.Folder, Tags: body.Tags})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPINotebook(n))
}

func (h *notebookHandlers) apiList(c echo.Context) error {
	q := c.QueryParams()
	list, err := h.nbs.List(c.Request().Context(), currentUser(c), notebook.Filter{
		Search: q.Get("q"), Folder: q.Get("folder"), Tag: q.Get("tag"), Owner: q.Get("owner"),
		Archived: q.Get("archived") == "true", Sort: q.Get("sort")})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"notebooks": list})
}

func (h *notebookHandlers) apiGet(c echo.Context) error {
	n, err := h.nbs.Get(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPINotebook(n))
}

type saveNotebookBody struct {
	Title   string           `json:"title"`
	Version int              `json:"version"`
	Cells   []notebook.Cell  `json:"cells"`
	Params  []notebook.Param `json:"params"`
}

func (h *notebookHandlers) apiSave(c echo.Context) error {
	var body saveNotebookBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	if body.Version < 1 {
		return pier.Errorf(pier.EInvalid, `Send the version you are saving over, as {"version": N, …}.`)
	}
	if body.Cells == nil {
		body.Cells = []notebook.Cell{}
	}
	doc := notebook.Doc{Cells: body.Cells, Params: body.Params}
	v, err := h.nbs.Save(c.Request().Context(), currentUser(c), c.Param("id"), notebook.Save{Version: body.Version, Title: body.Title, Doc: doc})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": v, "cells": doc.Cells})
}

type organiseBody struct {
	Folder   *string   `json:"folder"`
	Tags     *[]string `json:"tags"`
	Archived *bool     `json:"archived"`
}

// apiOrganise changes where a notebook is filed, not what it says,
// so it needs no version.
func (h *notebookHandlers) apiOrganise(c echo.Context) error {
	var body organiseBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	ctx, who, id := c.Request().Context(), currentUser(c), c.Param("id")
	n, err := h.nbs.Get(ctx, who, id)
	if err != nil {
		return err
	}
	if body.Folder != nil || body.Tags != nil {
		folder, tags := n.Folder, n.Tags
		if body.Folder != nil {
			folder = *body.Folder
		}
		if body.Tags != nil {
			tags = *body.Tags
		}
		if err := h.nbs.Organise(ctx, who, id, folder, tags); err != nil {
			return err
		}
	}
	if body.Archived != nil {
		if err := h.nbs.SetArchived(ctx, who, id, *body.Archived); err != nil {
			return err
		}
	}
	return h.apiGet(c)
}

func (h *notebookHandlers) apiRevisions(c echo.Context) error {
	revs, err := h.nbs.Revisions(c.Request().Context(), currentUser(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"revisions": revs})
}

func (h *notebookHandlers) apiRevision(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	r, err := h.nbs.Revision(c.Request().Context(), currentUser(c), c.Param("id"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version": r.Version, "author": r.Author, "saved_at": r.SavedAt,
		"title": r.Title, "cells": r.Doc.Cells, "params": r.Doc.Params})
}

func (h *notebookHandlers) apiRestoreRevision(c echo.Context) error {
	v, err := versionParam(c)
	if err != nil {
		return err
	}
	nv, err := h.nbs.Restore(c.Request().Context(), currentUser(c), c.Param("id"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"version": nv})
}

func versionParam(c echo.Context) (int, error) {
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v < 1 {
		return 0, pier.Errorf(pier.ENotFound, "There is no version %q.", c.Param("version"))
	}
	return v, nil
}

func (h *notebookHandlers) apiFork(c echo.Context) error {
	var body struct {
		Title string `json:"title"`
	}
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, &body); err != nil {
			return err
		}
	}
	n, err := h.nbs.Fork(c.Request().Context(), currentUser(c), c.Param("id"), strings.TrimSpace(body.Title))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAPINotebook(n))
}
