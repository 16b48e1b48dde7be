package ticket

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pier-analytics/pier/search"
)

// markdownMarks are the answer's emphasis and code marks, which a snippet
// would show as they are typed.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "`", "", "# ", "")

// SearchDocs are the guide's answers as the search index keeps them: the
// question and its answer.
func (s *Service) SearchDocs(ctx context.Context) ([]search.Doc, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, answer FROM tickets WHERE guide`)
	if err != nil {
		return nil, fmt.Errorf("ticket: search documents: %w", err)
	}
	defer rows.Close()
	var out []search.Doc
	for rows.Next() {
		var id int64
		var d search.Doc
		if err := rows.Scan(&id, &d.Title, &d.Body); err != nil {
			return nil, err
		}
		d.ID, d.Certified = strconv.FormatInt(id, 10), true // the data team put it in the guide
		d.Body = markdownMarks.Replace(d.Body)              // snippets read as text
		out = append(out, d)
	}
	return out, rows.Err()
}
