package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pier-analytics/pier/auth"
)

// bigNotebook is 200 SQL cells of a realistic size, as JSON cells.
func bigNotebook() []cellJSON {
	cells := make([]cellJSON, 200)
	for i := range cells {
		src := fmt.Sprintf("-- step %d\nselect dt, page, count(*) as views, count(distinct member_id) as members\nfrom act_page_views\nwhere search_keyword is not null\ngroup by all\norder by views desc\nlimit %d", i, i+10)
		cells[i] = sqlCellJSON(fmt.Sprintf("c%d", i), fmt.Sprintf("step_%d", i), src)
	}
	return cells
}

// BenchmarkNotebook200Cells measures opening and saving a 200-cell notebook
// through the HTTP API on the SQLite store, each save a new revision.
func BenchmarkNotebook200Cells(b *testing.B) {
	ta := newTestApp(b)
	id, version := ta.newNotebook(b, auth.TierAnalyze, bigNotebook()...)
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			res := ta.do(b, auth.TierAnalyze, "GET", "/api/v1/notebooks/"+id, "")
			if res.StatusCode != http.StatusOK {
				b.Fatal(res.Status)
			}
			readAll(b, res)
		}
	})
	b.Run("save", func(b *testing.B) {
		cells := bigNotebook()
		for b.Loop() {
			body, _ := json.Marshal(map[string]any{"title": "Big", "version": version, "cells": cells})
			res := ta.do(b, auth.TierAnalyze, "PUT", "/api/v1/notebooks/"+id, string(body))
			text := readAll(b, res)
			if res.StatusCode != http.StatusOK {
				b.Fatal(text)
			}
			version++
			if !strings.Contains(text, fmt.Sprintf(`"version":%d`, version)) {
				b.Fatalf("saved as %s", text[:40])
			}
		}
	})
}
