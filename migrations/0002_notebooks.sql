-- +goose Up
-- A notebook's current document (cells and inputs, as JSON) sits on its row
-- so that opening it is one read; every save also appends the same
-- document to notebook_revisions in the same transaction, so the two never
-- disagree and a crash leaves the old or the new version, never a mix.

CREATE TABLE notebooks (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES users(id),
    folder      TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    search_text TEXT NOT NULL,
    forked_from TEXT,
    archived_at BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users(id),
    last_run_at BIGINT
);
CREATE INDEX notebooks_owner ON notebooks (owner_id, updated_at);

CREATE TABLE notebook_revisions (
    notebook_id   TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    author_id     TEXT NOT NULL REFERENCES users(id),
    saved_at      BIGINT NOT NULL,
    title         TEXT NOT NULL,
    doc           TEXT NOT NULL,
    restored_from INTEGER,
    PRIMARY KEY (notebook_id, version)
);

CREATE TABLE notebook_shares (
    notebook_id TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (notebook_id, user_id)
);
CREATE INDEX notebook_shares_user ON notebook_shares (user_id);

-- The last result of each cell, capped like a JSON answer, with what it
-- read, so that a viewer is shown it only if they could read it themselves.
CREATE TABLE notebook_results (
    notebook_id TEXT NOT NULL REFERENCES notebooks(id) ON DELETE CASCADE,
    cell_id     TEXT NOT NULL,
    ran_by      TEXT NOT NULL REFERENCES users(id),
    ran_at      BIGINT NOT NULL,
    source      TEXT NOT NULL,
    tables      TEXT NOT NULL,
    raw_pii     BOOLEAN NOT NULL DEFAULT FALSE,
    result      TEXT NOT NULL,
    PRIMARY KEY (notebook_id, cell_id)
);

-- +goose Down
DROP TABLE notebook_results;
DROP TABLE notebook_shares;
DROP TABLE notebook_revisions;
DROP TABLE notebooks;
