package notebook

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pier-analytics/pier"
	"github.com/pier-analytics/pier/store"
)

// notebookStore is the notebook tables' SQL; the service decides who may
// call what.
type notebookStore struct {
	db *store.DB
}

var errNotFound = pier.Errorf(pier.ENotFound, "There is no such notebook, or it is not shared with you.")

const selectNotebook = `SELECT n.id, n.title, n.owner_id, o.email, n.folder, n.tags, n.version, n.doc,
	COALESCE(n.forked_from, ''), n.archived_at IS NOT NULL, n.created_at, n.updated_at, u.email, COALESCE(n.last_run_at, 0)
	FROM notebooks n JOIN users o ON o.id = n.owner_id JOIN users u ON u.id = n.updated_by`

func (s *notebookStore) get(ctx context.Context, id string) (*Notebook, error) {
	row := s.db.QueryRowContext(ctx, selectNotebook+` WHERE n.id = $1`, id)
	var n Notebook
	var tags, doc string
	var created, updated, lastRun int64
	err := row.Scan(&n.ID, &n.Title, &n.OwnerID, &n.Owner, &n.Folder, &tags, &n.Version, &doc,
		&n.ForkedFrom, &n.Archived, &created, &updated, &n.UpdatedBy, &lastRun)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("notebook: get: %w", err)
	}
	if err := json.Unmarshal([]byte(doc), &n.Doc); err != nil {
		return nil, fmt.Errorf("notebook: get %s: stored document: %w", id, err)
	}
	n.Tags, n.CreatedAt, n.UpdatedAt = splitTags(tags), ms(created), ms(updated)
	if lastRun > 0 {
		n.LastRunAt = ms(lastRun)
	}
	return &n, nil
}

// role returns what userID may do with the notebook owned by ownerID.
func (s *notebookStore) role(ctx context.Context, id, ownerID, userID string) (Role, error) {
	if ownerID == userID {
		return RoleOwner, nil
	}
	var role string
	err := s.db.QueryRowContext(ctx, `SELECT role FROM notebook_shares WHERE notebook_id = $1 AND user_id = $2`, id, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return RoleNone, nil
	}
	if err != nil {
		return RoleNone, fmt.Errorf("notebook: role: %w", err)
	}
	return Role(role), nil
}

// create inserts a notebook and its first revision in one transaction.
func (s *notebookStore) create(ctx context.Context, n *Notebook) error {
	doc, err := json.Marshal(n.Doc)
	if err != nil {
		return err
	}
	now := store.Now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notebooks (id, title, owner_id, folder, tags, version, doc, search_text,
			forked_from, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $9, $3)`,
			n.ID, n.Title, n.OwnerID, n.Folder, joinTags(n.Tags), string(doc), searchText(n.Title, n.Doc), nullable(n.ForkedFrom), now)
		if err != nil {
			return fmt.Errorf("notebook: create: %w", err)
		}
		return addRevision(ctx, tx, n.ID, 1, n.OwnerID, now, n.Title, doc, 0)
	})
}

// save writes a new version if the notebook is still at expect. The
// update and the revision are one transaction: a crash leaves the old
// version or the new one, never half of each.
func (s *notebookStore) save(ctx context.Context, id string, expect int, title string, d Doc, author string, restoredFrom int) (int, error) {
	doc, err := json.Marshal(d)
	if err != nil {
		return 0, err
	}
	now := store.Now()
	next := expect + 1
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notebooks SET title = $1, doc = $2, search_text = $3, version = $4,
			updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8`,
			title, string(doc), searchText(title, d), next, now, author, id, expect)
		if err != nil {
			return fmt.Errorf("notebook: save: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.staleOrMissing(ctx, tx, id, expect)
		}
		return addRevision(ctx, tx, id, next, author, now, title, doc, restoredFrom)
	})
	return next, err
}

func (s *notebookStore) staleOrMissing(ctx context.Context, tx *sql.Tx, id string, expect int) error {
	var current int
	err := tx.QueryRowContext(ctx, `SELECT version FROM notebooks WHERE id = $1`, id).Scan(&current)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("notebook: save: %w", err)
	}
	return &pier.Error{Code: pier.EConflict, Message: fmt.Sprintf(
		"Someone saved this notebook since you opened it (you have version %d, the saved one is %d). Reload to see their changes, or keep yours as a copy.", expect, current)}
}

func addRevision(ctx context.Context, tx *sql.Tx, id string, version int, author string, at int64, title string, doc []byte, restoredFrom int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notebook_revisions (notebook_id, version, author_id, saved_at, title, doc, restored_from)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, version, author, at, title, string(doc), nullableInt(restoredFrom))
	if err != nil {
		return fmt.Errorf("notebook: revision: %w", err)
	}
	return nil
}

// Revision is one saved version of a notebook.
type Revision struct {
	Version      int       `json:"version"`
	Author       string    `json:"author"`
	SavedAt      time.Time `json:"saved_at"`
	Title        string    `json:"title"`
	RestoredFrom int       `json:"restored_from,omitempty"`
	Doc          *Doc      `json:"-"`
}

func (s *notebookStore) revisions(ctx context.Context, id string) ([]Revision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.version, u.email, r.saved_at, r.title, COALESCE(r.restored_from, 0)
		FROM notebook_revisions r JOIN users u ON u.id = r.author_id WHERE r.notebook_id = $1 ORDER BY r.version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("notebook: revisions: %w", err)
	}
	defer rows.Close()
	out := []Revision{}
	for rows.Next() {
		var r Revision
		var at int64
		if err := rows.Scan(&r.Version, &r.Author, &at, &r.Title, &r.RestoredFrom); err != nil {
			return nil, fmt.Errorf("notebook: revisions: %w", err)
		}
		r.SavedAt = ms(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *notebookStore) revision(ctx context.Context, id string, version int) (*Revision, error) {
	var r Revision
	var at int64
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT r.version, u.email, r.saved_at, r.title, COALESCE(r.restored_from, 0), r.doc
		FROM notebook_revisions r JOIN users u ON u.id = r.author_id WHERE r.notebook_id = $1 AND r.version = $2`, id, version).
		Scan(&r.Version, &r.Author, &at, &r.Title, &r.RestoredFrom, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pier.Errorf(pier.ENotFound, "This notebook has no version %d.", version)
	}
	if err != nil {
		return nil, fmt.Errorf("notebook: revision: %w", err)
	}
	r.SavedAt, r.Doc = ms(at), &Doc{}
	if err := json.Unmarshal([]byte(doc), r.Doc); err != nil {
		return nil, fmt.Errorf("notebook: revision %s/%d: %w", id, version, err)
	}
	return &r, nil
}

func (s *notebookStore) setMeta(ctx context.Context, id, folder string, tags []string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE notebooks SET folder = $1, tags = $2 WHERE id = $3`, folder, joinTags(tags), id)
	if err != nil {
		return fmt.Errorf("notebook: meta: %w", err)
	}
	return nil
}

func (s *notebookStore) setArchived(ctx context.Context, id string, archived bool) error {
	var at any
	if archived {
		at = store.Now()
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE notebooks SET archived_at = $1 WHERE id = $2`, at, id); err != nil {
		return fmt.Errorf("notebook: archive: %w", err)
	}
	return nil
}

func (s *notebookStore) touchRun(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE notebooks SET last_run_at = $1 WHERE id = $2`, store.Now(), id); err != nil {
		return fmt.Errorf("notebook: last run: %w", err)
	}
	return nil
}

// searchText is what search matches: the title and every cell's source
// and name, lower-cased.
func searchText(title string, d Doc) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(title))
	for _, c := range d.Cells {
		b.WriteString("\n")
		b.WriteString(strings.ToLower(c.Name))
		b.WriteString("\n")
		b.WriteString(strings.ToLower(c.Source))
	}
	return b.String()
}

// Tags are stored as ",a,b," so that one tag matches with LIKE '%,a,%'.
func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(strings.Trim(s, ","), ",") {
		if t != "" {
			out = append(out, t)
		}
	}
	return out
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableInt(v int) any {
	if v == 0 {
		return nil
	}
	return v
}
