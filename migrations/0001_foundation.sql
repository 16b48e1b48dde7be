-- +goose Up
-- One schema for SQLite and PostgreSQL: ids are text made in Go, times are
-- Unix milliseconds, booleans are BOOLEAN (SQLite stores 0/1).

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    tier          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE grants (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    pii        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, table_name)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   TEXT NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE table_props (
    table_name  TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    restricted  BOOLEAN NOT NULL DEFAULT FALSE,
    pii_columns TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);

CREATE TABLE query_log (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    sql_text    TEXT NOT NULL,
    tables      TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    row_count   BIGINT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    pii_audit   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX query_log_user ON query_log (user_id, started_at);
CREATE INDEX query_log_audit ON query_log (pii_audit, started_at);

-- +goose Down
DROP TABLE query_log;
DROP TABLE table_props;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE grants;
DROP TABLE users;
DROP TABLE settings;
