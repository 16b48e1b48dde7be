package notebook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier/store"
)

// Filter narrows and orders the notebook list.
type Filter struct {
	Search   string // in titles, cell names and cell sources
	Folder   string
	Tag      string
	Owner    string // e-mail
	Archived bool   // the archive instead of the live notebooks
	Sort     string // updated (default), title, last_run, created
}

// Summary is a notebook as the list shows it.
type Summary struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Owner     string    `json:"owner"`
	Folder    string    `json:"folder"`
	Tags      []string  `json:"tags"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	LastRunAt time.Time `json:"last_run_at"`
	Archived  bool      `json:"archived"`
	Role      Role      `json:"role"`
}

// sortOrders name the list's orders; the id after each keeps notebooks
// edited in the same millisecond in one order from one load to the next.
var sortOrders = map[string]string{
	"":         "n.updated_at DESC",
	"updated":  "n.updated_at DESC",
	"title":    "LOWER(n.title), n.updated_at DESC",
	"last_run": "COALESCE(n.last_run_at, 0) DESC, n.updated_at DESC",
	"created":  "n.created_at DESC",
}

// maxList bounds one page of the list.
const maxList = 500

// list returns the notebooks userID owns or has been shared.
func (s *notebookStore) list(ctx context.Context, userID string, f Filter) ([]Summary, error) {
	order, ok := sortOrders[f.Sort]
	if !ok {
		order = sortOrders[""]
	}
	q := &whereBuilder{args: []any{userID}}
	q.add("(n.owner_id = $1 OR s.user_id IS NOT NULL)")
	if f.Archived {
		q.add("n.archived_at IS NOT NULL")
	} else {
		q.add("n.archived_at IS NULL")
	}
	if f.Search != "" {
		q.add("n.search_text LIKE %s ESCAPE '!'", "%"+store.LikeEscape(strings.ToLower(f.Search))+"%")
	}
	if f.Folder != "" {
		q.add("n.folder = %s", f.Folder)
	}
	if f.Tag != "" {
		q.add("n.tags LIKE %s ESCAPE '!'", "%,"+store.LikeEscape(strings.ToLower(f.Tag))+",%")
	}
	if f.Owner != "" {
		q.add("o.email = %s", strings.ToLower(f.Owner))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.title, o.email, n.folder, n.tags, n.version, n.updated_at, u.email,
		COALESCE(n.last_run_at, 0), n.archived_at IS NOT NULL, CASE WHEN n.owner_id = $1 THEN 'owner' ELSE s.role END
		FROM notebooks n JOIN users o ON o.id = n.owner_id JOIN users u ON u.id = n.updated_by
		LEFT JOIN notebook_shares s ON s.notebook_id = n.id AND s.user_id = $1
		WHERE `+strings.Join(q.conds, " AND ")+` ORDER BY `+order+fmt.Sprintf(", n.id LIMIT %d", maxList), q.args...)
	if err != nil {
		return nil, fmt.Errorf("notebook: list: %w", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var sm Summary
		var tags string
		var updated, lastRun int64
		if err := rows.Scan(&sm.ID, &sm.Title, &sm.Owner, &sm.Folder, &tags, &sm.Version, &updated, &sm.UpdatedBy,
			&lastRun, &sm.Archived, &sm.Role); err != nil {
			return nil, fmt.Errorf("notebook: list: %w", err)
		}
		sm.Tags, sm.UpdatedAt = splitTags(tags), ms(updated)
		if lastRun > 0 {
			sm.LastRunAt = ms(lastRun)
		}
		out = append(out, sm)
	}
	return out, rows.Err()
}

// folders returns the folder names among the notebooks userID can see.
func (s *notebookStore) folders(ctx context.Context, userID string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT n.folder FROM notebooks n
		LEFT JOIN notebook_shares s ON s.notebook_id = n.id AND s.user_id = $1
		WHERE (n.owner_id = $1 OR s.user_id IS NOT NULL) AND n.folder <> '' ORDER BY n.folder`, userID)
	if err != nil {
		return nil, fmt.Errorf("notebook: folders: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// whereBuilder numbers placeholders as conditions are added.
type whereBuilder struct {
	conds []string
	args  []any
}

func (w *whereBuilder) add(cond string, args ...any) {
	refs := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		refs[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, refs...))
}
