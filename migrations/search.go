package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// searchVersion creates the search index, which is the one thing the two
// stores spell differently: SQLite keeps the words in an FTS5 table beside
// the documents, PostgreSQL in a generated tsvector column with a GIN index.
const searchVersion = 12

const searchDocs = `CREATE TABLE search_docs (
    doc_id    %s PRIMARY KEY,
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    title     TEXT NOT NULL,
    body      TEXT NOT NULL,
    certified BOOLEAN NOT NULL DEFAULT FALSE,
    uses      BIGINT NOT NULL DEFAULT 0,
    hash      TEXT NOT NULL%s
)`

var sqliteSearch = []string{
	fmt.Sprintf(searchDocs, "INTEGER", ""),
	`CREATE UNIQUE INDEX search_docs_key ON search_docs (kind, id)`,
	`CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')`,
}

var postgresSearch = []string{
	fmt.Sprintf(searchDocs, "BIGSERIAL", `,
    words     tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'D')) STORED`),
	`CREATE UNIQUE INDEX search_docs_key ON search_docs (kind, id)`,
	`CREATE INDEX search_docs_words ON search_docs USING GIN (words)`,
}

func searchMigration(postgres bool) *goose.Migration {
	up := sqliteSearch
	down := []string{`DROP TABLE search_fts`, `DROP TABLE search_docs`}
	if postgres {
		up, down = postgresSearch, []string{`DROP TABLE search_docs`}
	}
	return goose.NewGoMigration(searchVersion, &goose.GoFunc{RunTx: run(up)}, &goose.GoFunc{RunTx: run(down)})
}

func run(stmts []string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}
