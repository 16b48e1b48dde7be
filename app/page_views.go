package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier/app/views"
	"github.com/pier-analytics/pier/chart"
	"github.com/pier-analytics/pier/query"
)

func tableCard(v query.Visible, when func(time.Time) string) views.TableCard {
	t := toAPITable(v, false)
	card := views.TableCard{Name: t.Name, Description: t.Description, Owner: t.Owner, Restricted: t.Restricted,
		Rows: t.Rows, Modified: when(v.Modified)}
	if len(v.Partitions) > 0 {
		card.Partitions = fmt.Sprintf("%d partitions by %s", v.PartCount, strings.Join(v.Partitions, ", "))
	}
	for _, c := range t.Columns {
		card.Columns = append(card.Columns, views.ColumnRow{Name: c.Name, Type: c.Type, PII: c.PII})
	}
	return card
}

func resultTable(res *query.JSONResult) *views.ResultTable {
	out := &views.ResultTable{Truncated: res.Truncated, ElapsedMS: res.ElapsedMS}
	for _, c := range res.Columns {
		out.Columns = append(out.Columns, views.ResultHeader{Name: c.Name, Type: c.Type})
	}
	for _, row := range res.Rows {
		cells := make([]views.Cell, len(row))
		for i, v := range row {
			cells[i] = cell(v, res.Columns[i])
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}

// cell is one value as a result table shows it; numbers (DECIMAL and
// HUGEINT arrive as text) read with separators.
func cell(v any, col query.ResultColumn) views.Cell {
	numeric := chart.Numeric(col.Type)
	switch x := v.(type) {
	case nil:
		return views.Cell{Null: true}
	case string:
		if strings.HasPrefix(strings.ToUpper(col.Type), "TIMESTAMP") {
			return views.Cell{Text: chart.TimeLabel(x, col.Type, "")}
		}
		if numeric {
			return views.Cell{Text: views.FormatNumber(x, col.Type, col.Name), Numeric: true}
		}
		return views.Cell{Text: x}
	case int64, int32, int16, int8, uint64, uint32, uint16, uint8, float64, float32, json.Number:
		return views.Cell{Text: views.FormatNumber(fmt.Sprint(x), col.Type, col.Name), Numeric: true}
	case bool:
		return views.Cell{Text: fmt.Sprint(x)}
	}
	b, _ := json.Marshal(v)
	return views.Cell{Text: string(b)}
}
