package sandbox

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	duck "github.com/duckdb/duckdb-go-bindings"

	"github.com/pier-analytics/pier"
)

var lineMarker = regexp.MustCompile(`^LINE (\d+): (.*)$`)

// sqlError turns a DuckDB error about the user's SQL into a *pier.Error in
// plain words with the line and column DuckDB pointed at. Faults that are
// not the user's (internal errors) are returned as they are, so that they
// are logged and shown only as a generic message.
func sqlError(sql string, err error) error {
	var de *duckError
	if !errors.As(err, &de) {
		return err
	}
	if de.typ == duck.ErrorTypeInternal || de.typ == duck.ErrorTypeFatal {
		return fmt.Errorf("sandbox: duckdb: %w", err)
	}
	head, hints, line, context, caret := splitDuckMessage(de.msg)
	e := pier.Errorf(pier.ESQL, "%s", friendly(de.typ, head, hints))
	if line > 0 {
		e.Line = line
		e.Column = caretColumn(sql, line, context, caret)
	}
	return e
}

// splitDuckMessage takes DuckDB's "Type Error: what\nhints\n\nLINE n: text\n   ^".
func splitDuckMessage(msg string) (head string, hints []string, line int, context string, caret int) {
	lines := strings.Split(msg, "\n")
	head = lines[0]
	if i := strings.Index(head, " Error: "); i >= 0 && i < 30 {
		head = head[i+len(" Error: "):]
	}
	for i := 1; i < len(lines); i++ {
		m := lineMarker.FindStringSubmatch(lines[i])
		if m == nil {
			if s := strings.TrimSpace(lines[i]); s != "" {
				hints = append(hints, s)
			}
			continue
		}
		line, _ = strconv.Atoi(m[1])
		context = m[2]
		if i+1 < len(lines) {
			caret = strings.Index(lines[i+1], "^") - (len(lines[i]) - len(m[2]))
		}
		break
	}
	return head, hints, line, context, caret
}

func friendly(typ duck.ErrorType, head string, hints []string) string {
	msg := strings.TrimSuffix(head, "!")
	switch typ {
	case duck.ErrorTypeParser, duck.ErrorTypeSyntax:
		msg = "The SQL has a syntax error: " + msg + ". Check the spelling and punctuation near the marked place."
	case duck.ErrorTypePermission:
		msg = "Pier cannot open files, settings or extensions from SQL; read lake tables by name instead."
		hints = nil
	case duck.ErrorTypeOutOfMemory:
		msg = "The query needed more memory than Pier allows. Filter on fewer partitions (dt), aggregate earlier, or add a LIMIT."
	default:
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
	}
	for _, h := range hints {
		if strings.HasPrefix(h, "Did you mean") {
			msg += " " + h
		}
	}
	return privateNames.ReplaceAllString(msg, "(a name Pier keeps to itself)")
}

// privateNames are the random names of a sandbox's PII hash and view
// marker, which a "Did you mean" hint would otherwise show.
var privateNames = regexp.MustCompile(`pier_(pii|src)_[0-9a-f]+`)

// caretColumn finds the 1-based column on line of the caret DuckDB drew
// under context. DuckDB cuts long lines to a window marked with "...", so
// the window is located in the original line.
func caretColumn(sql string, line int, context string, caret int) int {
	if caret < 0 {
		return 0
	}
	src := strings.Split(sql, "\n")
	if line > len(src) {
		return caret + 1
	}
	text := src[line-1]
	start := 0
	if strings.HasPrefix(context, "...") {
		window := strings.TrimSuffix(context[3:], "...")
		if i := strings.Index(text, window); i >= 0 {
			start = i - 3
		}
	}
	pos := start + caret
	if pos < 0 || pos > len(text) {
		return caret + 1
	}
	return len([]rune(text[:pos])) + 1
}
