package search

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pier-analytics/pier/store"
)

// Doc is one thing to find.
type Doc struct {
	Kind, ID  string
	Title     string
	Body      string // everything else worth matching: descriptions, SQL, cell text
	Certified bool
	Uses      int64 // recent use (views, runs), for ranking
}

// maxBody bounds what is indexed of one document: a notebook of many long
// cells is found by its first 64 KB as well as by all of it.
const maxBody = 64 << 10

func (d Doc) hash() string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%t\x00%d", d.Title, d.Body, d.Certified, d.Uses))
	return hex.EncodeToString(h[:12])
}

// Index is the search index in the metadata store.
type Index struct {
	db *store.DB
}

// New returns the index over db.
func New(db *store.DB) *Index { return &Index{db: db} }

// Sync makes the index's documents of kind exactly docs: new and changed
// ones are written, gone ones removed, unchanged ones left alone, so that
// syncing often costs little.
func (x *Index) Sync(ctx context.Context, kind string, docs []Doc) error {
	have, err := x.hashes(ctx, kind)
	if err != nil {
		return err
	}
	return x.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, d := range docs {
			d.Kind = kind
			if len(d.Body) > maxBody {
				d.Body = strings.ToValidUTF8(d.Body[:maxBody], "")
			}
			h := d.hash()
			old, ok := have[d.ID]
			delete(have, d.ID)
			if ok && old.hash == h {
				continue
			}
			if err := x.put(ctx, tx, d, h); err != nil {
				return err
			}
		}
		for _, gone := range have {
			if err := x.remove(ctx, tx, gone.docID); err != nil {
				return err
			}
		}
		return nil
	})
}

type stored struct {
	docID int64
	hash  string
}

func (x *Index) hashes(ctx context.Context, kind string) (map[string]stored, error) {
	rows, err := x.db.QueryContext(ctx, `SELECT id, doc_id, hash FROM search_docs WHERE kind = $1`, kind)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	out := map[string]stored{}
	for rows.Next() {
		var id string
		var s stored
		if err := rows.Scan(&id, &s.docID, &s.hash); err != nil {
			return nil, err
		}
		out[id] = s
	}
	return out, rows.Err()
}

// put writes d, inserting or replacing it: another replica may have
// written it since the hashes were read, so the key decides, not what
// this one saw.
func (x *Index) put(ctx context.Context, tx *sql.Tx, d Doc, hash string) error {
	var docID int64
	err := tx.QueryRowContext(ctx, `INSERT INTO search_docs (kind, id, title, body, certified, uses, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (kind, id) DO UPDATE SET title = excluded.title, body = excluded.body, certified = excluded.certified,
			uses = excluded.uses, hash = excluded.hash
		RETURNING doc_id`, d.Kind, d.ID, d.Title, d.Body, d.Certified, d.Uses, hash).Scan(&docID)
	if err != nil {
		return fmt.Errorf("search: index %s %s: %w", d.Kind, d.ID, err)
	}
	if x.db.Postgres {
		return nil // the words are a generated column
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, docID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO search_fts (rowid, title, body) VALUES ($1, $2, $3)`, docID, d.Title, d.Body)
	return err
}

func (x *Index) remove(ctx context.Context, tx *sql.Tx, docID int64) error {
	if !x.db.Postgres {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_fts WHERE rowid = $1`, docID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM search_docs WHERE doc_id = $1`, docID)
	return err
}
