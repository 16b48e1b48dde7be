-- +goose Up
-- A dataset is a saved query with its columns' roles; its SQL never
-- changes after it is saved, so the tables it reads (kept here) stay true
-- for every tile built on it.
CREATE TABLE datasets (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL REFERENCES users(id),
    sql_text     TEXT NOT NULL,
    upstream     TEXT NOT NULL DEFAULT '[]',
    time_column  TEXT NOT NULL DEFAULT '',
    columns      TEXT NOT NULL,
    tables       TEXT NOT NULL,
    certified_by TEXT REFERENCES users(id),
    certified_at BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX datasets_name ON datasets (name);

-- A dashboard's tiles and filters are one JSON document, saved whole with
-- a version so that two editors never overwrite each other. tile_meta keeps
-- what Pier learned of each tile when it was saved (its columns and the
-- tables it reads); tables is their union, for the access check.
CREATE TABLE dashboards (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    owner_id           TEXT NOT NULL REFERENCES users(id),
    version            INTEGER NOT NULL,
    doc                TEXT NOT NULL,
    tile_meta          TEXT NOT NULL,
    tables             TEXT NOT NULL,
    published          BOOLEAN NOT NULL DEFAULT FALSE,
    certified_by       TEXT REFERENCES users(id),
    certified_at       BIGINT,
    view_count         BIGINT NOT NULL DEFAULT 0,
    refresh_minutes    INTEGER NOT NULL DEFAULT 0,
    next_refresh_at    BIGINT,
    last_refresh_at    BIGINT,
    last_refresh_error TEXT NOT NULL DEFAULT '',
    archived_at        BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    updated_by         TEXT NOT NULL REFERENCES users(id)
);
CREATE INDEX dashboards_owner ON dashboards (owner_id, updated_at);
CREATE INDEX dashboards_refresh ON dashboards (next_refresh_at);

CREATE TABLE dashboard_shares (
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (dashboard_id, user_id)
);
CREATE INDEX dashboard_shares_user ON dashboard_shares (user_id);

-- +goose Down
DROP TABLE dashboard_shares;
DROP TABLE dashboards;
DROP TABLE datasets;
