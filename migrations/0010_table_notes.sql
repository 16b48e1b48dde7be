-- +goose Up
-- What the data team says of a table's columns (a JSON object of column
-- name to description), how often new data should arrive (seconds; 0 is
-- "no expectation"), and the newest data a lateness message was sent for,
-- so each late spell is announced once, by one replica.
ALTER TABLE table_props ADD COLUMN column_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE table_props ADD COLUMN expect_every BIGINT NOT NULL DEFAULT 0;
ALTER TABLE table_props ADD COLUMN late_noticed TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE table_props DROP COLUMN late_noticed;
ALTER TABLE table_props DROP COLUMN expect_every;
ALTER TABLE table_props DROP COLUMN column_notes;
