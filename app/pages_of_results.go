package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query"
)

// page is a window onto a kept result.
type page struct {
	offset, limit int
	sorted        bool // false keeps the order the query gave
	sort          int  // the column sorted by, when sorted
	desc          bool
}

// maxPage bounds one page.
const maxPage = 1000

func pageLimit(c echo.Context) (int, bool) {
	s := c.QueryParam("limit")
	if s == "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 100, true
	}
	return min(n, maxPage), true
}

func pageParams(c echo.Context, res *query.JSONResult) (page, error) {
	p := page{limit: 100}
	if n, ok := pageLimit(c); ok {
		p.limit = n
	}
	if s := c.QueryParam("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, pier.Errorf(pier.EInvalid, "offset must be a whole number, 0 or more.")
		}
		p.offset = n
	}
	if name := c.QueryParam("sort"); name != "" {
		p.sort = slices.IndexFunc(res.Columns, func(col query.ResultColumn) bool { return col.Name == name })
		p.sorted = p.sort >= 0
		if !p.sorted {
			return p, pier.Errorf(pier.EInvalid, "The result has no column %q to sort by.", name)
		}
		p.desc = c.QueryParam("desc") == "true"
	}
	return p, nil
}

// resultPage is a page of a result: the JSON answer's fields, with
// row_count counting every kept row and offset saying where rows start.
type resultPage struct {
	query.JSONResult
	Offset int `json:"offset"`
}

func pageOf(res *query.JSONResult, p page) resultPage {
	rows := res.Rows
	if p.sorted {
		rows = slices.Clone(rows)
		slices.SortStableFunc(rows, func(a, b []any) int {
			c := compareValues(a[p.sort], b[p.sort])
			if p.desc {
				return -c
			}
			return c
		})
	}
	start := min(p.offset, len(rows))
	end := min(start+p.limit, len(rows))
	out := *res
	out.Rows = rows[start:end]
	return resultPage{JSONResult: out, Offset: start}
}

// compareValues orders JSON values: nulls first, then numbers by value,
// then everything else as text.
func compareValues(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		x, _ := an.Float64()
		y, _ := bn.Float64()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	if aok != bok {
		if aok {
			return -1
		}
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}
