-- +goose Up
-- What a dataset was built on besides lake tables: other datasets it reads
-- by name, or the notebook cell it was saved from (a JSON list of
-- {"kind","id","cell"}), for lineage.
ALTER TABLE datasets ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE datasets DROP COLUMN sources;
