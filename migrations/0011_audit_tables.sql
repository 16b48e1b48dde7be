-- +goose Up
-- The table an audit line is about (a grant, a revoke, a table change),
-- so the audit page can filter by table. Lines written before this name it
-- in their subject or detail; those whose table is certain are filled in.
ALTER TABLE audit_log ADD COLUMN table_name TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET table_name = subject WHERE action = 'table.changed';
UPDATE audit_log SET table_name = detail WHERE action = 'grant.revoked';
CREATE INDEX audit_log_table ON audit_log (table_name, created_at);

-- +goose Down
DROP INDEX audit_log_table;
ALTER TABLE audit_log DROP COLUMN table_name;
