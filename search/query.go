package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pier-analytics/pier/store"
)

// Hit is a document that matches.
type Hit struct {
	Kind, ID, Title string
	Certified       bool
}

// stopWords are left out of a search: they match nearly everything, and
// every word of a search must match.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "by": true, "can": true, "do": true, "does": true, "for": true,
	"from": true, "how": true, "i": true, "in": true, "is": true, "it": true, "many": true, "me": true, "much": true,
	"my": true, "of": true, "on": true, "or": true, "our": true, "per": true, "the": true, "to": true, "we": true,
	"what": true, "when": true, "where": true, "which": true, "who": true, "why": true, "with": true, "you": true,
}

// maxTerms bounds a search: more words narrow nothing a person means.
const maxTerms = 8

// Words are the words of q worth searching for: letters and digits,
// lower-case, each once, without stop words and single letters, so that
// act_orders is "act" and "orders", as the index splits it.
func Words(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) < 2 || stopWords[w] || slices.Contains(out, w) {
			continue
		}
		out = append(out, w)
		if len(out) == maxTerms {
			break
		}
	}
	return out
}

// Search returns documents of the kinds (all when none) that contain
// every word of q, each word also as the start of a longer one, from the
// offset-th on, in rank order: every word in the title first, then
// certified ones, those whose title starts with the first word, the most
// used, and the shortest titles. The rank counts nothing of other
// documents (no word frequencies across the index), so what a reader is
// shown never depends on documents they cannot open.
func (x *Index) Search(ctx context.Context, q string, kinds []string, offset, limit int) ([]Hit, error) {
	terms := Words(q)
	if len(terms) == 0 {
		return nil, nil
	}
	var query string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	starts := arg(store.LikeEscape(terms[0]) + "%")
	if x.db.Postgres {
		all, title := make([]string, len(terms)), make([]string, len(terms))
		for i, t := range terms {
			all[i], title[i] = t+":*", t+":*A"
		}
		query = `SELECT kind, id, title, certified, uses, words @@ to_tsquery('simple', ` + arg(strings.Join(title, " & ")) + `),
			lower(title) LIKE ` + starts + ` ESCAPE '!' FROM search_docs WHERE words @@ to_tsquery('simple', ` + arg(strings.Join(all, " & ")) + `)`
	} else {
		all, title := make([]string, len(terms)), make([]string, len(terms))
		for i, t := range terms {
			all[i], title[i] = `"`+t+`"*`, `title : "`+t+`"*`
		}
		query = `SELECT kind, id, title, certified, uses, doc_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ` + arg(strings.Join(title, " AND ")) + `),
			lower(title) LIKE ` + starts + ` ESCAPE '!'
			FROM search_docs WHERE doc_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ` + arg(strings.Join(all, " ")) + `)`
	}
	if len(kinds) > 0 {
		var in []string
		for _, k := range kinds {
			in = append(in, arg(k))
		}
		query += " AND kind IN (" + strings.Join(in, ", ") + ")"
	}
	query += ` ORDER BY 6 DESC, 4 DESC, 7 DESC, 5 DESC, length(title), kind, id LIMIT ` + arg(limit) + ` OFFSET ` + arg(offset)
	rows, err := x.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var h Hit
		var uses int64
		var inTitle, start bool
		if err := rows.Scan(&h.Kind, &h.ID, &h.Title, &h.Certified, &uses, &inTitle, &start); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Snippet is a few words of the document's body around the first word of
// q it holds, for a hit its reader may open.
func (x *Index) Snippet(ctx context.Context, h Hit, q string) (string, error) {
	var body string
	err := x.db.QueryRowContext(ctx, `SELECT body FROM search_docs WHERE kind = $1 AND id = $2`, h.Kind, h.ID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return snippet(body, Words(q)), err
}

// snippet is the body's words around the first match, on one line. The
// match is found in the body itself, case-insensitively: a lower-cased
// copy may differ in length.
func snippet(body string, terms []string) string {
	const before, after = 40, 120
	at := -1
	for _, t := range terms {
		if loc := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(t)).FindStringIndex(body); loc != nil && (at < 0 || loc[0] < at) {
			at = loc[0]
		}
	}
	at = max(at, 0)
	start, end := max(0, at-before), min(len(body), at+after)
	for start > 0 && !utf8.RuneStart(body[start]) {
		start--
	}
	for end < len(body) && !utf8.RuneStart(body[end]) {
		end++
	}
	s := strings.Join(strings.Fields(body[start:end]), " ")
	if start > 0 {
		s = "…" + s
	}
	if end < len(body) {
		s += "…"
	}
	return s
}
