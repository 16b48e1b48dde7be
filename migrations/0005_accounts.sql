-- +goose Up
-- A password Pier made (the first admin's, a reset, a new person's) must be
-- replaced at the first sign-in. session_epoch ends a person's browser
-- sessions at once on every replica: a session remembers the epoch it
-- began in and is void when the user's has moved on.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN session_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_seen_at BIGINT;

-- Sessions were kept under their cookie value; from now on only its hash
-- is stored, so the old rows could never be found again.
DELETE FROM sessions;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- +goose Down
DROP INDEX api_tokens_user;
ALTER TABLE users DROP COLUMN last_seen_at;
ALTER TABLE users DROP COLUMN session_epoch;
ALTER TABLE users DROP COLUMN must_change_password;
