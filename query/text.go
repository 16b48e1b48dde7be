package query

import (
	"strings"
	"unicode/utf8"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/query/sandbox"
)

// MaxSQLBytes is the longest SQL text Pier takes, upstream queries each
// counted alone. Longer texts are refused before they reach DuckDB, whose
// planner is slow on huge statements and cannot always be interrupted.
const MaxSQLBytes = 256 << 10

// checkText refuses SQL that is too long or is not text.
func checkText(req Request) error {
	if err := checkSQL(req.SQL); err != nil {
		return err
	}
	for _, u := range req.Upstream {
		if err := checkSQL(u.SQL); err != nil {
			return sandbox.WithSource(err, u.Name)
		}
	}
	return nil
}

func checkSQL(sql string) error {
	switch {
	case len(sql) > MaxSQLBytes:
		return pier.Errorf(pier.ETooLarge, "The SQL is %d KB long; Pier takes at most %d KB. Split it into notebook cells or datasets.", len(sql)>>10, MaxSQLBytes>>10)
	case !utf8.ValidString(sql):
		return pier.Errorf(pier.EInvalid, "The SQL is not valid UTF-8 text. Paste it again as plain text.")
	case strings.ContainsRune(sql, 0):
		return pier.Errorf(pier.EInvalid, "The SQL holds a NUL character, which cannot be part of a query. Remove it and try again.")
	}
	return nil
}
