package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
)

// Hit is a document that matches, with a few words around the match.
type Hit struct {
	Kind, ID, Title string
	Snippet         string
	Certified       bool
	Score           float64
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

// Search returns up to limit documents of the kinds (all when none) that
// contain every word of q, each word also as the start of a longer one,
// best first: the full-text rank, raised by a match in the title,
// certification and recent use.
func (x *Index) Search(ctx context.Context, q string, kinds []string, limit int) ([]Hit, error) {
	terms := Words(q)
	if len(terms) == 0 {
		return nil, nil
	}
	// Rank a wider set than asked for: the boosts below reorder it.
	hits, err := x.match(ctx, terms, kinds, max(limit*4, 50))
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Score *= boost(hits[i], terms)
	}
	slices.SortStableFunc(hits, func(a, b Hit) int {
		return cmpFloat(b.Score, a.Score)
	})
	return hits[:min(len(hits), limit)], nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

type matchRow struct {
	Hit
	body string
	uses int64
}

func (x *Index) match(ctx context.Context, terms, kinds []string, limit int) ([]Hit, error) {
	var query string
	var args []any
	if x.db.Postgres {
		prefixes := make([]string, len(terms))
		for i, t := range terms {
			prefixes[i] = t + ":*"
		}
		args = append(args, strings.Join(prefixes, " & "))
		query = `SELECT kind, id, title, body, certified, uses, ts_rank(words, q) FROM search_docs, to_tsquery('simple', $1) q WHERE words @@ q`
	} else {
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + t + `"*`
		}
		args = append(args, strings.Join(quoted, " "))
		query = `SELECT d.kind, d.id, d.title, d.body, d.certified, d.uses, -bm25(search_fts, 10.0, 1.0)
			FROM search_fts JOIN search_docs d ON d.doc_id = search_fts.rowid WHERE search_fts MATCH $1`
	}
	if len(kinds) > 0 {
		var in []string
		for _, k := range kinds {
			args = append(args, k)
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
		query += " AND kind IN (" + strings.Join(in, ", ") + ")"
	}
	args = append(args, limit)
	query += fmt.Sprintf(" ORDER BY 7 DESC LIMIT $%d", len(args))
	rows, err := x.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var r matchRow
		if err := rows.Scan(&r.Kind, &r.ID, &r.Title, &r.body, &r.Certified, &r.uses, &r.Score); err != nil {
			return nil, err
		}
		r.Snippet = snippet(r.body, terms)
		r.Score *= 1 + math.Log1p(float64(r.uses))/4
		out = append(out, r.Hit)
	}
	return out, rows.Err()
}

// boost raises a hit whose title holds the words, more so one whose
// title starts with them, and a certified one.
func boost(h Hit, terms []string) float64 {
	b := 1.0
	title := strings.ToLower(h.Title)
	if all(terms, func(t string) bool { return strings.Contains(title, t) }) {
		b *= 3
		if strings.HasPrefix(title, terms[0]) {
			b *= 1.5
		}
	}
	if h.Certified {
		b *= 1.5
	}
	return b
}

func all(terms []string, ok func(string) bool) bool {
	for _, t := range terms {
		if !ok(t) {
			return false
		}
	}
	return true
}

// snippet is the body's words around the first match, on one line.
func snippet(body string, terms []string) string {
	const before, after = 40, 120
	lower := strings.ToLower(body)
	at := -1
	for _, t := range terms {
		if i := strings.Index(lower, t); i >= 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		at = 0
	}
	start, end := max(0, at-before), min(len(body), at+after)
	for start > 0 && !utf8Start(body[start]) {
		start--
	}
	for end < len(body) && !utf8Start(body[end]) {
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

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
