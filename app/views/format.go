// Package views holds Pier's templ components. Components take plain view
// structs, never domain types, so they can be rendered in tests alone.
package views

import (
	"strconv"
	"strings"
)

// formatCount writes n with thousands separators.
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func hasPII(cols []ColumnRow) bool {
	for _, c := range cols {
		if c.PII {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// rowsText says how many rows, in words that agree with the number.
func rowsText(n int) string {
	if n == 1 {
		return "1 row"
	}
	return formatCount(int64(n)) + " rows"
}

// notebookHref opens a notebook where its reader works: the editor for
// those who may change it, the read view for everyone else.
func notebookHref(r NotebookRow) string {
	if r.Role == "owner" || r.Role == "editor" {
		return "/notebooks/" + r.ID + "/edit"
	}
	return "/notebooks/" + r.ID
}

func diffClass(op string) string {
	switch op {
	case "+":
		return "add"
	case "-":
		return "del"
	}
	return "ctx"
}

// countOf writes n and the word for what is counted, plural unless n is 1.
func countOf(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return formatCount(n) + " " + word + "s"
}

func joinWords(words []string) string { return strings.Join(words, ", ") }
