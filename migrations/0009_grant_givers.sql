-- +goose Up
-- Who granted each grant, for the grants page; grants given on the command
-- line, and those before this column, have none.
ALTER TABLE grants ADD COLUMN granted_by TEXT;

-- +goose Down
ALTER TABLE grants DROP COLUMN granted_by;
