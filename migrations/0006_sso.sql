-- +goose Up
-- The identity provider's own name for a person (issuer and subject),
-- linked at their first single sign-on: later sign-ins find the account by
-- it, and another provider account with the same e-mail cannot take it.
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso_subject ON users (sso_subject);

-- +goose Down
DROP INDEX users_sso_subject;
ALTER TABLE users DROP COLUMN sso_subject;
