-- +goose Up
-- What a person is told of the requests they watch (their own, and those
-- they commented on): an answer, a comment, a decision on access, a new
-- status. The header's bell counts the unread ones.
CREATE TABLE ticket_notices (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    actor_id   TEXT NOT NULL REFERENCES users(id),
    what       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT
);
CREATE INDEX ticket_notices_user ON ticket_notices (user_id, created_at);

-- +goose Down
DROP TABLE ticket_notices;
